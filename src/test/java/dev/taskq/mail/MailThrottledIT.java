package dev.taskq.mail;

import static dev.taskq.testing.Submissions.status;
import static dev.taskq.testing.Submissions.submit;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import dev.taskq.testing.DeployedAppBase;
import dev.taskq.testing.Http;
import dev.taskq.testing.TestServers;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A mail server that throttles: for 30 s a {@link ScriptedSmtpServer} on the mail session's port (GreenMail's,
 * stopped meanwhile) greets every connection with {@code 421 4.7.0 Try again later}, then accepts. Submissions made
 * during those 30 s wait as in an outage without spending an attempt, and each is delivered once afterwards
 * (counted by Message-ID at the SMTP server).
 */
class MailThrottledIT extends DeployedAppBase {

    private static final Duration THROTTLED = Duration.ofSeconds(30);
    private static final int EARLY = 10;
    private static final int LATER = 10;

    @Test
    void mailsSubmittedWhileTheServerAnswers421WaitSpendNoAttemptAndGoOutOnceEach() throws Exception {
        String domain = UUID.randomUUID() + ".example.com";
        GreenMail greenMail = TestServers.get().greenMail();
        int port = greenMail.getSmtp().getPort();
        Http http = http();
        List<URI> tasks = new ArrayList<>();
        greenMail.stop();
        // The port was GreenMail's a moment ago: bind it as soon as the system lets go of it.
        ScriptedSmtpServer scripted = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> new ScriptedSmtpServer(port), Objects::nonNull);
        try (ScriptedSmtpServer server = scripted.greeting("421 4.7.0 Try again later").start()) {
            long throttledUntil = System.nanoTime() + THROTTLED.toNanos();
            for (int i = 0; i < EARLY; i++) {
                tasks.add(submit(http, "early" + i + "@" + domain));
            }
            // Half-way through, more come in (the breaker is open by then: they are parked without a run).
            Thread.sleep(THROTTLED.toMillis() / 2);
            for (int i = 0; i < LATER; i++) {
                tasks.add(submit(http, "later" + i + "@" + domain));
            }
            // Still inside the 30 s: every task waits as in an outage, with no attempt spent, and nothing went out.
            Duration left = Duration.ofNanos(throttledUntil - System.nanoTime());
            await().atMost(left).pollInterval(Duration.ofMillis(200))
                    .until(() -> waiting(http, tasks) == tasks.size());
            assertTrue(server.received().isEmpty(), "nothing accepted while throttling");
            Thread.sleep(Math.max(0, (throttledUntil - System.nanoTime()) / 1_000_000));

            server.greeting("220 scripted.test ESMTP"); // the next connection is served

            // The breaker's probes back off up to 30 s; then every parked task goes back to the queue.
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> succeeded(http, tasks) == tasks.size());
            List<JsonObject> records = new ArrayList<>();
            for (URI task : tasks) {
                records.add(status(http, task));
            }
            Map<String, Long> perMessageId = server.received().stream()
                    .map(mail -> messageId(mail.data()))
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            Set<String> recorded = records.stream().map(r -> r.getString("result")).collect(Collectors.toSet());
            List<String> notFirstAttempt = records.stream().filter(r -> r.getInt("attempts") != 1)
                    .map(JsonObject::toString).toList();
            List<String> twice = perMessageId.entrySet().stream().filter(e -> e.getValue() > 1)
                    .map(Map.Entry::getKey).toList();
            System.out.printf("MailThrottledIT: %d submissions, %d mails received, %d distinct Message-IDs,"
                    + " attempts at success %s, duplicates %d%n", tasks.size(), server.received().size(),
                    perMessageId.size(), records.stream().map(r -> r.getInt("attempts")).collect(
                            Collectors.groupingBy(Function.identity(), Collectors.counting())), twice.size());
            assertAll(
                    () -> assertEquals(List.of(), notFirstAttempt, "succeeded at attempt 1: no attempt spent"),
                    () -> assertEquals(tasks.size(), server.received().size(), "one mail per submission"),
                    () -> assertEquals(List.of(), twice, "no Message-ID twice"),
                    () -> assertEquals(recorded, new HashSet<>(perMessageId.keySet()),
                            "the mails received are the tasks' mails"));
        } finally {
            TestServers.get().startGreenMailAgain();
        }
    }

    /** How many of the tasks wait as in an outage: queued, waiting for the mail server, no attempt spent. */
    private static long waiting(Http http, List<URI> tasks) throws Exception {
        long count = 0;
        for (URI task : tasks) {
            JsonObject record = status(http, task);
            if ("queued".equals(record.getString("status")) && record.getInt("attempts") == 0
                    && "mail server unavailable".equals(record.getString("waitingFor", null))
                    && record.containsKey("waitingSince")) {
                count++;
            }
        }
        return count;
    }

    private static long succeeded(Http http, List<URI> tasks) throws Exception {
        long count = 0;
        for (URI task : tasks) {
            if ("succeeded".equals(status(http, task).getString("status"))) {
                count++;
            }
        }
        return count;
    }

    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*(\\S+)\\s*$");

    private static String messageId(String data) {
        Matcher header = MESSAGE_ID.matcher(data);
        assertTrue(header.find(), "no Message-ID in " + data);
        return header.group(1);
    }

}
