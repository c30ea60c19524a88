package dev.taskq.submission;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.testing.DeployedAppBase;
import dev.taskq.testing.Http;
import dev.taskq.testing.Mailbox;
import dev.taskq.testing.RedisProbe;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Faces form, driven over plain HTTP as a browser without JavaScript would. */
class SubmissionFormIT extends DeployedAppBase {

    private static final Pattern VIEW_STATE = Pattern.compile("name=\"jakarta.faces.ViewState\"[^>]*value=\"([^\"]*)\"");
    private static final Pattern FORM_ACTION = Pattern.compile("<form id=\"form\"[^>]*action=\"([^\"]*)\"");
    private static final Pattern TASK_ID = Pattern.compile("<code id=\"task-id\">([0-9a-f-]{36})</code>");

    @Test
    void aSentFormLeadsToTheConfirmationPageAndTheMail() throws Exception {
        Http http = http();
        String email = UUID.randomUUID() + "@example.com";

        HttpResponse<String> sent = submitForm(http, "Grace Hopper", email, "Found a moth in relay 70.");

        assertEquals(302, sent.statusCode(), "post/redirect/get");
        URI confirmation = http.resolve(sent.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> page = http.get(confirmation);
        assertEquals(200, page.statusCode());
        Matcher taskId = TASK_ID.matcher(page.body());
        assertTrue(taskId.find(), page.body());
        assertTrue(page.body().contains("api/tasks/" + taskId.group(1)), "links to the task's status");

        List<MimeMessage> mails = Mailbox.await(email, 1);
        assertEquals(1, mails.size());
        String body = Mailbox.text(mails.get(0));
        assertTrue(body.contains("Hello Grace Hopper,") && body.contains("> Found a moth in relay 70."), body);
    }

    @Test
    void invalidFieldsAreExplainedNextToThemAndValuesAreKept() throws Exception {
        Http http = http();
        try (RedisProbe redis = new RedisProbe()) {
            Set<String> recordsBefore = redis.taskRecordKeys();

            HttpResponse<String> page = submitForm(http, "", "not-an-address", "<script>alert(1)</script>");

            assertEquals(200, page.statusCode());
            String html = page.body();
            assertAll(
                    () -> assertTrue(html.contains("<span id=\"form:name-error\" class=\"field-error\">Please enter your name.</span>"), html),
                    () -> assertTrue(html.contains("<span id=\"form:email-error\" class=\"field-error\">Please enter a valid e-mail address"), html),
                    () -> assertFalse(html.contains("Please enter a message.") || html.contains("at most 5,000"),
                            "the message is valid"),
                    () -> assertTrue(html.contains("value=\"not-an-address\""), "the e-mail is kept"),
                    () -> assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the message is kept, escaped"),
                    () -> assertFalse(html.contains("<script>alert(1)"), "never echoed unescaped"));
            assertEquals(recordsBefore, redis.taskRecordKeys(), "nothing enqueued");
        }
    }

    @Test
    void anUnknownTaskPageAnswers404() throws Exception {
        HttpResponse<String> page = http().get("submitted.xhtml?id=" + UUID.randomUUID());
        assertEquals(404, page.statusCode());
        assertTrue(page.body().contains("Unknown task"));
    }

    private static HttpResponse<String> submitForm(Http http, String name, String email, String message)
            throws Exception {
        HttpResponse<String> form = http.get("");
        assertEquals(200, form.statusCode());
        Matcher viewState = VIEW_STATE.matcher(form.body());
        Matcher action = FORM_ACTION.matcher(form.body());
        assertTrue(viewState.find() && action.find(), form.body());
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("form", "form");
        fields.put("form:name", name);
        fields.put("form:email", email);
        fields.put("form:message", message);
        fields.put("form:send", "Send message");
        fields.put("jakarta.faces.ViewState", viewState.group(1));
        return http.postForm(action.group(1), fields);
    }
}
