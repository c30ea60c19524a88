package dev.taskq.web;

import dev.taskq.config.TaskqSettings;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.SessionCookieConfig;

/**
 * The session cookie's attributes, set once at start-up: HttpOnly, SameSite=Lax, and Secure when
 * {@code taskq.session-cookie.secure} says HTTPS ends in front of the server (the servers mark it Secure on their
 * own for requests that reach them over HTTPS).
 */
public class SessionCookieSettings implements ServletContextListener {

    @Inject
    TaskqSettings settings;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        SessionCookieConfig cookie = event.getServletContext().getSessionCookieConfig();
        cookie.setHttpOnly(true);
        cookie.setAttribute("SameSite", "Lax");
        if (settings.secureSessionCookie()) {
            cookie.setSecure(true);
        }
    }
}
