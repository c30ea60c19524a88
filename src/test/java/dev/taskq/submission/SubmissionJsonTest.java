package dev.taskq.submission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubmissionJsonTest {

    @Test
    void readsTheThreeFields() throws Exception {
        Submission submission = parse("{\"name\":\"Zoë\",\"email\":\"z@example.com\",\"message\":\"a\\nb\"}");

        assertEquals("Zoë", submission.getName());
        assertEquals("z@example.com", submission.getEmail());
        assertEquals("a\nb", submission.getMessage());
    }

    @Test
    void missingAndNullMembersAreLeftToTheValidationRules() throws Exception {
        Submission submission = parse("{\"name\":null}");

        assertNull(submission.getName());
        assertNull(submission.getEmail());
    }

    @Test
    void wrongTypesAndUnknownMembersAreFieldErrors() {
        InvalidSubmissionException e = assertThrows(InvalidSubmissionException.class,
                () -> parse("{\"name\":[\"x\"],\"email\":true,\"message\":\"m\",\"bcc\":\"x\"}"));

        assertEquals(List.of("bcc", "email", "name"), e.errors().stream().map(FieldError::field).sorted().toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "{\"name\":}", "[]", "null", "\"text\"", "42", "{} {}"})
    void anythingButOneObjectIsMalformed(String body) {
        assertThrows(SubmissionJson.MalformedBodyException.class, () -> parse(body));
    }

    private static Submission parse(String body) throws SubmissionJson.MalformedBodyException {
        return SubmissionJson.parse(body.getBytes(StandardCharsets.UTF_8));
    }
}
