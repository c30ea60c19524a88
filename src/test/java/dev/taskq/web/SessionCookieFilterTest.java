package dev.taskq.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SessionCookieFilterTest {

    @Test
    void sameSiteAndSecureAreAddedOnceAndOnlyWhenMissing() {
        assertEquals("JSESSIONID=a; Path=/; HttpOnly; SameSite=Lax",
                SessionCookieFilter.withAttributes("JSESSIONID=a; Path=/; HttpOnly", false));
        assertEquals("JSESSIONID=a; Path=/; HttpOnly; SameSite=Lax; Secure",
                SessionCookieFilter.withAttributes("JSESSIONID=a; Path=/; HttpOnly", true));
        assertEquals("JSESSIONID=a; Secure; SameSite=Strict",
                SessionCookieFilter.withAttributes("JSESSIONID=a; Secure; SameSite=Strict", true));
        assertEquals("JSESSIONID=secure; Path=/; SameSite=Lax; Secure",
                SessionCookieFilter.withAttributes("JSESSIONID=secure; Path=/", true), "a value is no attribute");
    }
}
