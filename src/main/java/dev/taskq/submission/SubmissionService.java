package dev.taskq.submission;

import dev.taskq.config.TaskqSettings;
import dev.taskq.i18n.Languages;
import dev.taskq.i18n.VisitorLanguage;
import dev.taskq.mail.ConfirmationMailHandler;
import dev.taskq.queue.EnqueueOutcome;
import dev.taskq.queue.EnqueueRequest;
import dev.taskq.queue.Quota;
import dev.taskq.queue.RedisKeys;
import dev.taskq.queue.RedisTaskQueue;
import dev.taskq.queue.QueueUnavailableException;
import dev.taskq.queue.Task;
import dev.taskq.storage.SubmissionTasks;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Accepts a submission from any boundary: validates it, applies the abuse rules (honeypot, recipient rules, limits,
 * backlog cap, idempotency key), and enqueues its confirmation-mail task with the tasks that store it (and notify
 * the owner) — the checks and the enqueue in one Redis round trip.
 */
@ApplicationScoped
public class SubmissionService {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration DAY = Duration.ofDays(1);

    @Inject
    Validator validator;

    @Inject
    RedisTaskQueue queue;

    @Inject
    TaskqSettings settings;

    @Inject
    VisitorLanguage language;

    @Inject
    SubmissionTasks storage;

    private RedisKeys keys;
    private RecipientRules recipients;

    @PostConstruct
    void init() {
        keys = new RedisKeys(settings.keyPrefix());
        recipients = new RecipientRules(settings.allowedDomains(), settings.deniedDomains());
    }

    /**
     * @throws InvalidSubmissionException when a rule is broken (nothing is enqueued)
     * @throws dev.taskq.queue.QueueUnavailableException when Redis did not answer (the task may or may not be
     *         stored: a retry with the same idempotency key makes sure it is stored once)
     */
    public SubmissionOutcome submit(Submission submission, SubmissionContext context) {
        List<FieldError> errors = new ArrayList<>(validator.validate(submission).stream()
                .map(SubmissionService::toFieldError)
                .toList());
        if (errors.stream().noneMatch(error -> error.field().equals("email"))) {
            recipients.refusal(submission.getEmail())
                    .ifPresent(reason -> errors.add(new FieldError("email",
                            Languages.messages(language.locale()).getString(reason))));
        }
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(FieldError::field).thenComparing(FieldError::message));
            throw new InvalidSubmissionException(errors);
        }
        if (context.honeypotFilled()) {
            // The one place that decides what a bot's submission gets: a success to see (so it learns nothing),
            // nothing mailed; it is kept apart as spam for a short time, so an operator can check it caught no
            // person (best effort: the bot's answer does not depend on it).
            try {
                queue.enqueue(new EnqueueRequest(storage.around(null, submission.getName(), submission.getEmail(),
                        submission.getMessage(), true), List.of(), null, null));
            } catch (QueueUnavailableException e) {
                // Nothing kept; the bot is not told.
            }
            return new SubmissionOutcome.Discarded();
        }
        Task task = Task.create(ConfirmationMailHandler.TYPE, ConfirmationMailHandler.payload(
                submission.getName(), submission.getEmail(), submission.getMessage(), language.locale()));
        String idempotencyKey = context.idempotencyKey() == null ? null : digest(context.idempotencyKey());
        // The store (and owner notification) tasks go in the same round trip as the mail task: all or none.
        EnqueueOutcome outcome = queue.enqueue(new EnqueueRequest(storage.around(task, submission.getName(),
                submission.getEmail(), submission.getMessage(), false), quotas(submission, context),
                idempotencyKey, fingerprint(submission)));
        if (outcome instanceof EnqueueOutcome.Accepted accepted) {
            return new SubmissionOutcome.Accepted(accepted.taskId(), false);
        } else if (outcome instanceof EnqueueOutcome.Replayed replayed) {
            return new SubmissionOutcome.Accepted(replayed.taskId(), true);
        } else if (outcome instanceof EnqueueOutcome.QuotaReached reached) {
            return new SubmissionOutcome.LimitReached(SubmissionOutcome.Limit.valueOf(reached.quota().name()),
                    reached.retryAfter());
        } else if (outcome instanceof EnqueueOutcome.KeyReused) {
            return new SubmissionOutcome.KeyReused();
        }
        return new SubmissionOutcome.Busy();
    }

    /** The limits that apply, each counted under a digest of its subject (no address appears in a key name). */
    private List<Quota> quotas(Submission submission, SubmissionContext context) {
        List<Quota> quotas = new ArrayList<>(3);
        String recipient = digest(RecipientRules.normalised(submission.getEmail()));
        quota(quotas, SubmissionOutcome.Limit.RECIPIENT, "to:h", recipient, settings.recipientPerHour(), HOUR);
        quota(quotas, SubmissionOutcome.Limit.RECIPIENT, "to:d", recipient, settings.recipientPerDay(), DAY);
        if (context.client() != null) {
            quota(quotas, SubmissionOutcome.Limit.CLIENT, "from:h", digest(context.client()),
                    settings.clientPerHour(), HOUR);
        }
        return quotas;
    }

    /** Adds the quota unless its limit is 0 (off). */
    private void quota(List<Quota> quotas, SubmissionOutcome.Limit limit, String kind, String subject, int max,
                       Duration window) {
        if (max > 0) {
            quotas.add(new Quota(limit.name(), keys.limit(kind, subject), max, window));
        }
    }

    /** What an idempotency key must come with again: the submitted fields, not their order or encoding. */
    private static String fingerprint(Submission submission) {
        return digest(submission.getName() + '\0' + submission.getEmail() + '\0' + submission.getMessage());
    }

    /** SHA-256, first 128 bits in hex: enough to never collide by chance, short as a key name. */
    static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FieldError toFieldError(ConstraintViolation<Submission> violation) {
        return new FieldError(violation.getPropertyPath().toString(), violation.getMessage());
    }
}
