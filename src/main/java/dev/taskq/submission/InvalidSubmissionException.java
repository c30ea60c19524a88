package dev.taskq.submission;

import java.util.List;

/** The submission broke one or more rules; nothing was enqueued. */
public class InvalidSubmissionException extends RuntimeException {

    private final transient List<FieldError> errors;

    public InvalidSubmissionException(List<FieldError> errors) {
        super("Invalid submission: " + errors);
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
