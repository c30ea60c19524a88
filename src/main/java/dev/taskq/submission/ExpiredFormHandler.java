package dev.taskq.submission;

import dev.taskq.i18n.Languages;
import jakarta.faces.FacesException;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.application.ViewExpiredException;
import jakarta.faces.context.ExceptionHandler;
import jakarta.faces.context.ExceptionHandlerFactory;
import jakarta.faces.context.ExceptionHandlerWrapper;
import jakarta.faces.context.FacesContext;
import jakarta.faces.event.ExceptionQueuedEvent;
import java.util.Iterator;

/**
 * A form posted with a view state the server no longer knows (the session expired, the server restarted, another
 * server got the post) raises {@link ViewExpiredException}, which Faces answers with 500 and the typed text lost.
 * Instead, the form is shown again (200) filled with what was posted, asking to send it again; its token comes
 * along, so nothing is sent twice. Registered in {@code faces-config.xml}.
 */
public class ExpiredFormHandler extends ExceptionHandlerWrapper {

    static final String FORM_VIEW = "/index.xhtml";

    /** Faces' factory hook: wraps the default handler. */
    public static class Factory extends ExceptionHandlerFactory {

        public Factory(ExceptionHandlerFactory wrapped) {
            super(wrapped);
        }

        @Override
        public ExceptionHandler getExceptionHandler() {
            return new ExpiredFormHandler(getWrapped().getExceptionHandler());
        }
    }

    ExpiredFormHandler(ExceptionHandler wrapped) {
        super(wrapped);
    }

    @Override
    public void handle() throws FacesException {
        Iterator<ExceptionQueuedEvent> events = getUnhandledExceptionQueuedEvents().iterator();
        while (events.hasNext()) {
            ExceptionQueuedEvent event = events.next();
            if (event.getContext().getException() instanceof ViewExpiredException expired
                    && FORM_VIEW.equals(expired.getViewId())) {
                events.remove();
                showFormAgain(event.getContext().getContext());
            }
        }
        getWrapped().handle();
    }

    private static void showFormAgain(FacesContext faces) {
        faces.setViewRoot(faces.getApplication().getViewHandler().createView(faces, FORM_VIEW));
        faces.getApplication().evaluateExpressionGet(faces, "#{submissionForm}", SubmissionForm.class)
                .refill(faces.getExternalContext().getRequestParameterMap());
        faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_WARN,
                Languages.messages(faces.getViewRoot().getLocale()).getString("form.expired"), null));
        faces.getExternalContext().setResponseStatus(200);
        faces.renderResponse();
    }
}
