package dev.taskq.mail;

import dev.taskq.i18n.Languages;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;

/**
 * Composes the confirmation mail: a plain text and an HTML alternative ({@code multipart/alternative}) from the
 * {@link MailTemplates}, in the visitor's language. User input goes only into the bodies and the recipient address:
 * the name and message never reach a header, and the address is parsed strictly as exactly one address.
 */
public final class ConfirmationMail {

    private static final MailTemplates BUILT_IN = new MailTemplates(null);

    private ConfirmationMail() {
    }

    /** The mail for task {@code taskId} from the built-in templates (benchmarks, tests). */
    public static MimeMessage compose(Session session, String taskId, String name, String email, String message,
                                      Locale locale) throws MessagingException {
        return compose(session, taskId, email, locale,
                BUILT_IN.render(locale, view(locale, taskId, name, email, message)));
    }

    /**
     * What the templates can use. Words (from {@code dev/taskq/i18n/messages*.properties}): {@code subject},
     * {@code greeting} (with the name), {@code thanks}, {@code yourMessage}. User input: {@code name} (one line),
     * {@code email}, {@code message}, {@code messageLines} (a list, one entry per line), {@code messageQuoted} (every
     * line prefixed with "> ", for the text part). Also {@code taskId} and {@code lang} (such as {@code zh-CN}).
     */
    static Map<String, Object> view(Locale locale, String taskId, String name, String email, String message) {
        ResourceBundle words = Languages.messages(locale);
        String oneLineName = singleLine(name);
        List<String> lines = List.of(message.split("\\R", -1));
        StringBuilder quoted = new StringBuilder();
        for (String line : lines) {
            quoted.append(line.isEmpty() ? ">" : "> " + line).append('\n');
        }
        Map<String, Object> view = new HashMap<>(headerView(locale, taskId, words));
        view.put("greeting", new MessageFormat(words.getString("mail.greeting"), locale).format(new Object[] {oneLineName}));
        view.put("thanks", words.getString("mail.thanks"));
        view.put("yourMessage", words.getString("mail.yourMessage"));
        view.put("name", oneLineName);
        view.put("email", email);
        view.put("message", message);
        view.put("messageLines", lines);
        view.put("messageQuoted", quoted.toString());
        return Map.copyOf(view);
    }

    /** The part of the view a header (the subject) may use: no user input. */
    static Map<String, Object> headerView(Map<String, Object> view) {
        return Map.of("subject", view.get("subject"), "taskId", view.get("taskId"), "lang", view.get("lang"));
    }

    private static Map<String, Object> headerView(Locale locale, String taskId, ResourceBundle words) {
        return Map.of("subject", words.getString("mail.subject"), "taskId", taskId, "lang", locale.toLanguageTag());
    }

    /** A mail to {@code email} for task {@code taskId}, From as configured on the session. */
    static MimeMessage compose(Session session, String taskId, String email, Locale locale,
                               MailTemplates.Rendered rendered) throws MessagingException {
        MimeMessage mail = new TaskMessage(session, taskId);
        // From comes from the server's mail session (its "mail.from" property), never from the request.
        mail.setFrom();
        mail.setRecipient(Message.RecipientType.TO, new InternetAddress(email, true));
        mail.setSubject(rendered.subject(), StandardCharsets.UTF_8.name());
        mail.setHeader("Content-Language", locale.toLanguageTag());
        // RFC 3834: tells auto-responders not to answer this mail.
        mail.setHeader("Auto-Submitted", "auto-generated");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(rendered.text(), StandardCharsets.UTF_8.name());
        MimeBodyPart html = new MimeBodyPart();
        html.setText(rendered.html(), StandardCharsets.UTF_8.name(), "html");
        // Plain text first: RFC 2046 orders alternatives from the simplest to the richest.
        mail.setContent(new MimeMultipart("alternative", text, html));
        mail.saveChanges();
        return mail;
    }

    /** A name is one line: any run of line breaks or other control characters becomes one space. */
    private static String singleLine(String text) {
        return text.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").strip();
    }
}
