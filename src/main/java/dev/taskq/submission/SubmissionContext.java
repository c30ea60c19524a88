package dev.taskq.submission;

/**
 * Where a submission comes from, as the boundaries see it.
 *
 * @param client         the client's key ({@link dev.taskq.web.ClientAddresses})
 * @param idempotencyKey the request's idempotency key, namespaced by its boundary ({@code api:…}, {@code form:…});
 *                       null when none
 * @param honeypotFilled the form's hidden trap field was filled in (only bots do that)
 */
public record SubmissionContext(String client, String idempotencyKey, boolean honeypotFilled) {
}
