package dev.taskq.i18n;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;

/** The language of the visitor behind the current request, from its {@code Accept-Language} header. */
@RequestScoped
public class VisitorLanguage {

    @Inject
    HttpServletRequest request;

    /** One of {@link Languages#SUPPORTED}. */
    public Locale locale() {
        // Without the header, the servlet container would answer with the server's own locale.
        return request.getHeader("Accept-Language") == null ? Languages.SUPPORTED.get(0)
                : Languages.match(request.getLocales());
    }
}
