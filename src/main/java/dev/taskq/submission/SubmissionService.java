package dev.taskq.submission;

import dev.taskq.i18n.VisitorLanguage;
import dev.taskq.mail.ConfirmationMailHandler;
import dev.taskq.queue.RedisTaskQueue;
import dev.taskq.queue.Task;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Comparator;
import java.util.List;

/** Accepts a submission from any boundary: validates it, then enqueues one confirmation-mail task. */
@ApplicationScoped
public class SubmissionService {

    @Inject
    Validator validator;

    @Inject
    RedisTaskQueue queue;

    @Inject
    VisitorLanguage language;

    /**
     * @return the enqueued task
     * @throws InvalidSubmissionException when a rule is broken (nothing is enqueued)
     * @throws dev.taskq.queue.QueueUnavailableException when Redis cannot take the task (nothing is enqueued)
     */
    public Task submit(Submission submission) {
        List<FieldError> errors = validator.validate(submission).stream()
                .map(SubmissionService::toFieldError)
                .sorted(Comparator.comparing(FieldError::field).thenComparing(FieldError::message))
                .toList();
        if (!errors.isEmpty()) {
            throw new InvalidSubmissionException(errors);
        }
        Task task = Task.create(ConfirmationMailHandler.TYPE, ConfirmationMailHandler.payload(
                submission.getName(), submission.getEmail(), submission.getMessage(), language.locale()));
        queue.enqueue(task);
        return task;
    }

    private static FieldError toFieldError(ConstraintViolation<Submission> violation) {
        return new FieldError(violation.getPropertyPath().toString(), violation.getMessage());
    }
}
