package dev.taskq.submission;

import dev.taskq.i18n.Languages;
import dev.taskq.queue.QueueUnavailableException;
import dev.taskq.web.ClientAddresses;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.HttpServletRequest;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Backs the form on {@code index.xhtml}. Faces checks each field against the {@link Submission} constraints and
 * shows the message next to it; a valid form is handed to the {@link SubmissionService} and the browser is
 * redirected to the confirmation page (post/redirect/get). The form carries a one-time token, used as its
 * idempotency key, so a double click or a resent POST makes one task; and a honeypot field that people never see.
 */
@Named
@RequestScoped
public class SubmissionForm {

    static final String FORM_ID = "form";
    /** The ids of the inputs in {@code index.xhtml}, for re-filling the form when its view has expired. */
    static final String NAME = "name";
    static final String EMAIL = "email";
    static final String MESSAGE = "message";
    static final String TOKEN = "token";

    private final Submission submission = new Submission();
    private String token;
    private String website;

    @Inject
    SubmissionService service;

    @Inject
    ClientAddresses clients;

    @Inject
    FacesContext faces;

    public Submission getSubmission() {
        return submission;
    }

    /** The form's one-time token: made when the form is first shown, posted back with it. */
    public String getToken() {
        if (token == null || IdempotencyKeys.parse(token) == null) {
            token = UUID.randomUUID().toString();
        }
        return token;
    }

    public void setToken(String token) {
        this.token = token;
    }

    /** The honeypot: hidden from people and screen readers, so only bots fill it in. */
    public String getWebsite() {
        return website;
    }

    public void setWebsite(String website) {
        this.website = website;
    }

    public String submit() {
        HttpServletRequest request = (HttpServletRequest) faces.getExternalContext().getRequest();
        SubmissionOutcome outcome;
        try {
            outcome = service.submit(submission, new SubmissionContext(clients.of(request), "form:" + getToken(),
                    website != null && !website.isBlank()));
        } catch (InvalidSubmissionException e) {
            e.errors().forEach(error -> faces.addMessage(FORM_ID + ":" + error.field(),
                    new FacesMessage(FacesMessage.SEVERITY_ERROR, error.message(), null)));
            return null;
        } catch (QueueUnavailableException e) {
            // The enqueue may have been applied with its reply lost: sending again is safe (same token).
            return refused(503, "form.unavailable");
        }
        if (outcome instanceof SubmissionOutcome.Accepted accepted) {
            return "/submitted.xhtml?faces-redirect=true&id=" + accepted.taskId();
        } else if (outcome instanceof SubmissionOutcome.Discarded) {
            return "/submitted.xhtml?faces-redirect=true";
        } else if (outcome instanceof SubmissionOutcome.LimitReached reached) {
            // 200, not 429: a page with a message, not a failed load (which the browser logs as an error).
            return refused(200, reached.limit() == SubmissionOutcome.Limit.RECIPIENT
                    ? "form.limit.recipient" : "form.limit.client", inWords(reached.retryAfter()));
        } else if (outcome instanceof SubmissionOutcome.KeyReused) {
            token = null; // a fresh token for the changed form
            return refused(200, "form.tokenReused");
        }
        return refused(503, "form.busy");
    }

    /** Fills the form from a post whose view could not be restored, so nothing typed is lost. */
    void refill(Map<String, String> parameters) {
        submission.setName(parameters.get(FORM_ID + ":" + NAME));
        submission.setEmail(parameters.get(FORM_ID + ":" + EMAIL));
        submission.setMessage(parameters.get(FORM_ID + ":" + MESSAGE));
        token = parameters.get(FORM_ID + ":" + TOKEN);
    }

    private String refused(int status, String key, Object... arguments) {
        faces.getExternalContext().setResponseStatus(status);
        faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, words(key, arguments), null));
        return null;
    }

    private String words(String key, Object... arguments) {
        String pattern = Languages.messages(faces.getViewRoot().getLocale()).getString(key);
        return arguments.length == 0 ? pattern : new MessageFormat(pattern, faces.getViewRoot().getLocale())
                .format(arguments);
    }

    /** How long to wait, rounded up to minutes or hours, in the page's language. */
    private String inWords(Duration wait) {
        long minutes = Math.max(1, (wait.toSeconds() + 59) / 60);
        return minutes < 60 ? words("time.minutes", minutes) : words("time.hours", (minutes + 59) / 60);
    }
}
