package dev.taskq.submission;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The limits of each field, on both sides of each boundary. */
class SubmissionRulesTest {

    private static ValidatorFactory factory;
    private static Validator validator;

    @BeforeAll
    static void start() {
        factory = Validation.buildDefaultValidatorFactory();
        validator = factory.getValidator();
    }

    @AfterAll
    static void stop() {
        factory.close();
    }

    @ParameterizedTest(name = "name {0} chars, email {1}, message {2} chars → {3}")
    @CsvSource(delimiter = '|', value = {
            "1   | a@example.com                        | 1    | ''",
            "100 | a@example.com                        | 5000 | ''",
            "101 | a@example.com                        | 1    | name",
            "0   | a@example.com                        | 1    | name",
            "1   | a@example.com                        | 5001 | message",
            "1   | a@example.com                        | 0    | message",
            "1   | ''                                   | 1    | email",
            "1   | ann                                  | 1    | email",
            "1   | ann@localhost                        | 1    | email",
            "1   | ann@@example.com                     | 1    | email",
            "1   | a@example.com, b@example.com         | 1    | email",
            "1   | 254-characters                       | 1    | ''",
            "1   | 255-characters                       | 1    | email"})
    void eachFieldHasItsLimits(int nameLength, String email, int messageLength, String invalidField) {
        Submission submission = new Submission("n".repeat(nameLength), expand(email), "m".repeat(messageLength));

        Set<String> invalid = validator.validate(submission).stream()
                .map(violation -> violation.getPropertyPath().toString())
                .collect(Collectors.toSet());

        assertEquals(invalidField.isEmpty() ? Set.of() : Set.of(invalidField), invalid);
    }

    /** "254-characters" stands for a well-formed address of that length (local part ≤ 64, labels ≤ 63). */
    private static String expand(String email) {
        if (email.endsWith("-characters")) {
            int length = Integer.parseInt(email.substring(0, email.indexOf('-')));
            String domain = "b".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(length - 197) + ".com";
            return "a".repeat(64) + "@" + domain;
        }
        return email;
    }
}
