package dev.taskq.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TaskMessageTest {

    @Test
    void theDomainIsTheFromAddresssDomain() {
        assertEquals("<taskq.abc-1@example.org>", TaskMessage.messageId("abc-1", "Taskq <noreply@Example.ORG>"));
        assertEquals("<taskq.abc-1@mail.example.com>", TaskMessage.messageId("abc-1", "noreply@mail.example.com"));
    }

    @Test
    void neverLocalhost() {
        for (String from : new String[] {"taskq@localhost", "taskq@dev.localhost", "taskq", "", null, "not an address <"}) {
            assertEquals("<taskq.abc-1@taskq.invalid>", TaskMessage.messageId("abc-1", from), String.valueOf(from));
        }
    }

    @Test
    void aTaskIdThatCouldBreakTheHeaderIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> TaskMessage.messageId("a>\r\nBcc: x", "n@example.com"));
    }
}
