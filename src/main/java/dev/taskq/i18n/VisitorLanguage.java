package dev.taskq.i18n;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;

/**
 * The language of the visitor behind the current request: on a Faces page the page's own (so the mail speaks the
 * language the form was shown in), otherwise the best match for the request's {@code Accept-Language} header.
 */
@RequestScoped
public class VisitorLanguage {

    @Inject
    HttpServletRequest request;

    /** One of {@link Languages#SUPPORTED}. */
    public Locale locale() {
        FacesContext faces = FacesContext.getCurrentInstance();
        if (faces != null && faces.getViewRoot() != null) {
            return Languages.of(faces.getViewRoot().getLocale().toLanguageTag());
        }
        // Without the header, the servlet container would answer with the server's own locale.
        return request.getHeader("Accept-Language") == null ? Languages.SUPPORTED.get(0)
                : Languages.match(request.getLocales());
    }
}
