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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The Faces form, driven over plain HTTP as a browser without JavaScript would. */
@Tag("core") // on every real server in CI (see .ci/run)
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
            // Nothing enqueued but the task that keeps it apart as spam (issue 15).
            Set<String> added = new java.util.HashSet<>(redis.taskRecordKeys());
            added.removeAll(recordsBefore);
            assertTrue(added.stream().allMatch(key -> "store-submission".equals(redis.jedis().hget(key, "type"))),
                    "nothing enqueued but the spam row's store task: " + added);
        }
    }

    @Test
    void aFormPostedTwiceMakesOneTaskAndOneMail() throws Exception {
        Http http = http();
        String email = UUID.randomUUID() + "@example.com";
        Map<String, String> form = formFields(http, "Double Click", email, "Clicked twice.");

        String action = form.remove(ACTION);
        HttpResponse<String> first = http.postForm(action, form);
        HttpResponse<String> second = http.postForm(action, form); // the browser's resend, or a second click

        assertEquals(302, first.statusCode());
        assertEquals(302, second.statusCode(), "the resent form leads to the confirmation page too");
        assertEquals(first.headers().firstValue("Location"), second.headers().firstValue("Location"),
                "the same task");
        assertEquals(1, Mailbox.await(email, 1).size());
        String page = http.get(http.resolve(second.headers().firstValue("Location").orElseThrow())).body();
        Matcher taskId = TASK_ID.matcher(page);
        assertTrue(taskId.find(), page);
        assertEquals("succeeded", dev.taskq.testing.TaskStatusPoller.awaitFinal(http,
                http.resolve("api/tasks/" + taskId.group(1))).getString("status"));
        assertEquals(1, Mailbox.to(email).size(), "one mail");
    }

    @Test
    void anExpiredViewGivesTheFormBackWithTheValuesAndAskToSendAgain() throws Exception {
        Http http = http();
        String email = UUID.randomUUID() + "@example.com";
        Map<String, String> form = formFields(http, "Rip Van Winkle", email, "Slept <a while>.");
        String action = form.remove(ACTION);
        form.put("jakarta.faces.ViewState", "-123:456"); // a view state the server does not know
        try (RedisProbe redis = new RedisProbe()) {
            Set<String> recordsBefore = redis.taskRecordKeys();

            HttpResponse<String> page = http.postForm(action, form);

            assertEquals(200, page.statusCode(), page.body());
            String html = page.body();
            assertAll(
                    () -> assertTrue(html.contains("send it again"), html),
                    () -> assertTrue(html.contains("value=\"Rip Van Winkle\""), "the name is kept"),
                    () -> assertTrue(html.contains("value=\"" + email + "\""), "the e-mail is kept"),
                    () -> assertTrue(html.contains("Slept &lt;a while&gt;."), "the message is kept, escaped"));
            // Nothing enqueued but the task that keeps it apart as spam (issue 15).
            Set<String> added = new java.util.HashSet<>(redis.taskRecordKeys());
            added.removeAll(recordsBefore);
            assertTrue(added.stream().allMatch(key -> "store-submission".equals(redis.jedis().hget(key, "type"))),
                    "nothing enqueued but the spam row's store task: " + added);

            // Sent again from the page it got back, the message goes out.
            HttpResponse<String> resent = submitFilledForm(http, html);
            assertEquals(302, resent.statusCode(), resent.body());
            assertEquals(1, Mailbox.await(email, 1).size());
        }
    }

    @Test
    void aFilledHoneypotLooksAcceptedButMailsNothing() throws Exception {
        Http http = http();
        String email = UUID.randomUUID() + "@example.com";
        try (RedisProbe redis = new RedisProbe()) {
            Set<String> recordsBefore = redis.taskRecordKeys();
            Map<String, String> form = formFields(http, "Bot", email, "Buy now");
            form.put("form:website", "http://spam.example");

            HttpResponse<String> sent = http.postForm(form.remove(ACTION), form);

            assertEquals(302, sent.statusCode(), "answered like a real submission");
            HttpResponse<String> page = http.get(http.resolve(sent.headers().firstValue("Location").orElseThrow()));
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("Thank you!"), page.body());
            // Nothing enqueued but the task that keeps it apart as spam (issue 15).
            Set<String> added = new java.util.HashSet<>(redis.taskRecordKeys());
            added.removeAll(recordsBefore);
            assertTrue(added.stream().allMatch(key -> "store-submission".equals(redis.jedis().hget(key, "type"))),
                    "nothing enqueued but the spam row's store task: " + added);
            assertEquals(0, Mailbox.to(email).size());
        }
    }

    @Test
    void aRefusedAddressGetsAFieldMessage() throws Exception {
        HttpResponse<String> page = submitForm(http(), "Ann", "root@[127.0.0.1]", "hi");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<span id=\"form:email-error\" class=\"field-error\">Please use an address"
                + " with a domain name, not an IP address.</span>"), page.body());
        HttpResponse<String> localhost = submitForm(http(), "Ann", "root@localhost", "hi");
        assertTrue(localhost.body().contains("id=\"form:email-error\""), localhost.body());
    }

    @Test
    void anUnknownTaskPageAnswers404() throws Exception {
        HttpResponse<String> page = http().get("submitted.xhtml?id=" + UUID.randomUUID());
        assertEquals(404, page.statusCode());
        assertTrue(page.body().contains("Unknown task"));
    }

    private static final String ACTION = "(action)";
    private static final Pattern TOKEN = Pattern.compile("name=\"form:token\"[^>]*value=\"([^\"]*)\"");
    private static final Pattern INPUT_VALUE = Pattern.compile("id=\"form:(name|email)\"[^>]*value=\"([^\"]*)\"");
    private static final Pattern TEXTAREA = Pattern.compile("<textarea id=\"form:message\"[^>]*>([^<]*)</textarea>");

    private static HttpResponse<String> submitForm(Http http, String name, String email, String message)
            throws Exception {
        Map<String, String> fields = formFields(http, name, email, message);
        return http.postForm(fields.remove(ACTION), fields);
    }

    /** The fields a browser posts for the form just fetched, plus its action under the key {@link #ACTION}. */
    private static Map<String, String> formFields(Http http, String name, String email, String message)
            throws Exception {
        HttpResponse<String> form = http.get("");
        assertEquals(200, form.statusCode());
        return fields(form.body(), name, email, message);
    }

    private static Map<String, String> fields(String html, String name, String email, String message) {
        Matcher viewState = VIEW_STATE.matcher(html);
        Matcher action = FORM_ACTION.matcher(html);
        Matcher token = TOKEN.matcher(html);
        assertTrue(viewState.find() && action.find() && token.find(), html);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("form", "form");
        fields.put("form:name", name);
        fields.put("form:email", email);
        fields.put("form:message", message);
        fields.put("form:website", "");
        fields.put("form:token", token.group(1));
        fields.put("form:send", "Send message");
        fields.put("jakarta.faces.ViewState", viewState.group(1));
        fields.put(ACTION, action.group(1).replace("&amp;", "&"));
        return fields;
    }

    /** Sends a form page as it was given back, with the values it shows. */
    private static HttpResponse<String> submitFilledForm(Http http, String html) throws Exception {
        Map<String, String> shown = new java.util.HashMap<>();
        Matcher input = INPUT_VALUE.matcher(html);
        while (input.find()) {
            shown.put(input.group(1), input.group(2));
        }
        Matcher textarea = TEXTAREA.matcher(html);
        assertTrue(textarea.find(), html);
        String message = textarea.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        Map<String, String> fields = fields(html, shown.get("name"), shown.get("email"), message.strip());
        return http.postForm(fields.remove(ACTION), fields);
    }

}
