package dev.taskq.mail;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The mail settings the application reads itself (the SMTP server, its credentials and the From address are the
 * server's mail session's). Kept beside the mail code; the README's configuration reference lists them.
 */
@ApplicationScoped
public class MailSettings {

    /** {@code SMTP_TLS}: starttls, tls or none; applies only where the mail session says nothing about TLS. */
    @Inject
    @ConfigProperty(name = "smtp.tls")
    Optional<String> tls;

    /** {@code TASKQ_MAIL_TEMPLATES}: a directory whose templates replace the built-in ones. */
    @Inject
    @ConfigProperty(name = "taskq.mail.templates")
    Optional<String> templates;

    String tls() {
        return tls.map(String::strip).filter(value -> !value.isEmpty()).orElse(null);
    }

    Path templates() {
        return templates.map(String::strip).filter(value -> !value.isEmpty()).map(Path::of).orElse(null);
    }
}
