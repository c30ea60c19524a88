package dev.taskq.mail;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserManager;
import dev.taskq.queue.RedisKeys;
import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestTasks;
import dev.taskq.testing.TestUsers;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * One send rate for all servers: two deployments (two independent sets of consumers) on one Redis with
 * taskq.mail-rate=10/s together never let the SMTP server receive more than 10 mails in any one second.
 */
@TaskqIT
class MailRateIT {

    private static final String PREFIX = "mailrate";
    private static final RedisKeys KEYS = new RedisKeys(PREFIX);
    private static final int MAILS = 200;
    // The day window keeps every start (by Redis' clock), for the failure message.
    private static final String SETTINGS = "taskq.key-prefix=" + PREFIX + "\ntaskq.mail-rate=10/s,1000/day\n";

    @ArquillianResource
    @OperateOnDeployment("first")
    URL first;

    @Deployment(name = "first", testable = false)
    static WebArchive first() {
        return Deployments.war("mailrate1", TestServers.get().redisUrl(), SETTINGS);
    }

    @Deployment(name = "second", testable = false)
    static WebArchive second() {
        return Deployments.war("mailrate2", TestServers.get().redisUrl(), SETTINGS);
    }

    @Test
    void twoServersTogetherSendNoMoreThanTheRateInAnySecondAndEveryMailArrives() throws Exception {
        String domain = UUID.randomUUID() + ".example.com";
        List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
        // The SMTP server's receive times, noted as it accepts each mail (a poller would see several at once after
        // any pause of its own).
        UserManager users = TestServers.get().greenMail().getUserManager();
        MessageDeliveryHandler store = users.getMessageDeliveryHandler();
        users.setMessageDeliveryHandler((message, recipient) -> {
            if (recipient.getEmail().endsWith("@" + domain)) {
                arrivals.add(System.nanoTime() / 1_000_000);
            }
            return store.handle(message, recipient);
        });
        try (Jedis redis = new Jedis("127.0.0.1", TestServers.get().redisPort())) {
            try (Pipeline pipeline = redis.pipelined()) {
                for (int i = 0; i < MAILS; i++) {
                    Task task = Task.create("confirmation-mail",
                            TestTasks.mail("Rate " + i, "r" + i + "@" + domain, "one of many"));
                    pipeline.hset(KEYS.task(task.id()), Map.of("id", task.id(), "type", task.type(),
                            "status", "queued", "attempts", "0", "createdAt", task.createdAt().toString()));
                    pipeline.lpush(KEYS.ready(), TaskCodec.encode(task));
                }
                pipeline.sync();
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> arrivals.size() >= MAILS);
        } finally {
            users.setMessageDeliveryHandler(store);
        }

        assertEquals(MAILS, arrivals.size(), "every mail arrived");
        // What the limiter decides, exactly: the starts (by Redis' clock, the one every server shares).
        List<Long> starts = startsInMillis();
        assertEquals(MAILS, starts.size());
        for (long from : starts) {
            long inOneSecond = starts.stream().filter(t -> t >= from && t < from + 1000).count();
            assertTrue(inOneSecond <= 10, inOneSecond + " starts within one second: " + starts);
        }
        // What the mail server sees: the same starts after delivery times the limiter does not control (under load
        // they vary by 100 ms and more; 12 in one second were seen on busy runs), so one mail more is allowed here
        // than for the clock's edges alone.
        List<Long> sorted = arrivals.stream().sorted().toList();
        for (long from : sorted) {
            List<Long> inOneSecond = sorted.stream().filter(t -> t >= from && t < from + 1000).toList();
            assertTrue(inOneSecond.size() <= 10 + 2, () -> inOneSecond.size() + " mails received within one second: "
                    + inOneSecond.stream().map(t -> t - sorted.get(0)).toList() + " ms after the first; the starts, ms"
                    + " after the first (Redis' clock): " + starts);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> TestServers.get().greenMail()
                .getReceivedMessagesForDomain(domain).length == MAILS);
        operatorsSeeTheRateAndTheWaiting();
    }

    private static List<Long> startsInMillis() {
        try (Jedis redis = new Jedis("127.0.0.1", TestServers.get().redisPort())) {
            List<Long> micros = redis.zrangeWithScores(KEYS.sendRate("mail", Duration.ofDays(1)), 0, -1).stream()
                    .map(tuple -> (long) tuple.getScore()).sorted().toList();
            return micros.stream().map(t -> (t - micros.get(0)) / 1000).toList();
        }
    }

    /** The overview (console and admin API) and the metrics show the rate set, its use and the time held back. */
    private void operatorsSeeTheRateAndTheWaiting() throws Exception {
        Http admin = new Http(first).as(TestUsers.ADMIN.name(), TestUsers.ADMIN.password());
        HttpResponse<String> overview = admin.get("api/admin/overview");
        assertEquals(200, overview.statusCode(), overview.body());
        JsonObject rate = Json.createReader(new StringReader(overview.body())).readObject().getJsonObject("mailRate");
        assertEquals("10/s,1000/day", rate.getString("setting"));
        JsonObject second = rate.getJsonArray("windows").getJsonObject(0);
        assertEquals(10, second.getInt("limit"));
        assertEquals(1, second.getInt("seconds"));
        assertTrue(second.getInt("used") <= 10, rate.toString());
        // 200 tasks waiting for 6 consumers at 10/s: starts were held back, for about 20 s of the consumers' time.
        assertTrue(rate.getJsonNumber("heldBack").longValue() > 0, rate.toString());
        assertTrue(rate.getJsonNumber("waitedSeconds").doubleValue() > 1, rate.toString());

        HttpResponse<String> metrics = admin.get("api/metrics");
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.body().contains("taskq_mail_rate_limit{queue=\"" + PREFIX + "\",window=\"1s\"} 10.0"),
                metrics.body());
        assertTrue(metrics.body().contains("taskq_mail_rate_held_back_total{queue=\"" + PREFIX + "\"}"),
                metrics.body());

        // The console's overview, signed in through its login form (one session, its cookie kept by the client).
        Http console = new Http(first);
        String login = console.get("admin/login.xhtml").body();
        Matcher viewState = Pattern.compile("name=\"jakarta.faces.ViewState\"[^>]*value=\"([^\"]+)\"").matcher(login);
        assertTrue(viewState.find(), login);
        console.postForm("admin/login.xhtml", Map.of("login", "login", "login:user", TestUsers.ADMIN.name(),
                "login:password", TestUsers.ADMIN.password(), "login:sign-in", "Sign in",
                "jakarta.faces.ViewState", viewState.group(1)));
        HttpResponse<String> page = console.get("admin/index.xhtml");
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("<td>10/s</td>"), page.body());
        assertTrue(Pattern.compile("<td>\\d+ in the last second</td>").matcher(page.body()).find(), page.body());
        assertTrue(page.body().contains("id=\"mail-rate-waits\">Held back "), page.body());
    }
}
