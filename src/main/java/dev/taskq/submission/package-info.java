/**
 * Accepting a submission (name, e-mail, message) from the Faces form or the REST API: both boundaries convert
 * their input into a {@link dev.taskq.submission.Submission} and hand it to the one
 * {@link dev.taskq.submission.SubmissionService}, which validates it and enqueues the confirmation-mail task.
 */
package dev.taskq.submission;
