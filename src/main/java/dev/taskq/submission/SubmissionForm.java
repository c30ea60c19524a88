package dev.taskq.submission;

import dev.taskq.i18n.Languages;
import dev.taskq.queue.QueueUnavailableException;
import dev.taskq.queue.Task;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * Backs the form on {@code index.xhtml}. Faces checks each field against the {@link Submission} constraints and
 * shows the message next to it; a valid form is handed to the {@link SubmissionService} and the browser is
 * redirected to the confirmation page (post/redirect/get).
 */
@Named
@RequestScoped
public class SubmissionForm {

    static final String FORM_ID = "form";

    private final Submission submission = new Submission();

    @Inject
    SubmissionService service;

    @Inject
    FacesContext faces;

    public Submission getSubmission() {
        return submission;
    }

    public String submit() {
        try {
            Task task = service.submit(submission);
            return "/submitted.xhtml?faces-redirect=true&id=" + task.id();
        } catch (InvalidSubmissionException e) {
            e.errors().forEach(error -> faces.addMessage(FORM_ID + ":" + error.field(),
                    new FacesMessage(FacesMessage.SEVERITY_ERROR, error.message(), null)));
        } catch (QueueUnavailableException e) {
            faces.getExternalContext().setResponseStatus(503);
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR,
                    Languages.messages(faces.getViewRoot().getLocale()).getString("form.unavailable"), null));
        }
        return null;
    }
}
