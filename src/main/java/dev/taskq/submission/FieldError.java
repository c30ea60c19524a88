package dev.taskq.submission;

/** One reason why one field of a submission is not acceptable. */
public record FieldError(String field, String message) {
}
