package dev.taskq.submission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

    @Test
    void aStructuredFieldStringAndABareKeyGiveTheSameKey() {
        assertEquals("8e03978e-40d5-43e8-bc93-6894a57f9324",
                IdempotencyKeys.parse("\"8e03978e-40d5-43e8-bc93-6894a57f9324\""));
        assertEquals("8e03978e-40d5-43e8-bc93-6894a57f9324",
                IdempotencyKeys.parse(" 8e03978e-40d5-43e8-bc93-6894a57f9324 "));
    }

    @Test
    void emptyOverlongOrNonAsciiKeysAreRefused() {
        assertNull(IdempotencyKeys.parse(""));
        assertNull(IdempotencyKeys.parse("\"\""));
        assertNull(IdempotencyKeys.parse("k".repeat(256)));
        assertNull(IdempotencyKeys.parse("two words"));
        assertNull(IdempotencyKeys.parse("schlüssel"));
        assertEquals("k".repeat(255), IdempotencyKeys.parse("k".repeat(255)));
    }
}
