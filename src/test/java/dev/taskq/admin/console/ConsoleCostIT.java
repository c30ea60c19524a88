package dev.taskq.admin.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import dev.taskq.testing.TestUsers;
import dev.taskq.testing.Deployments;
import dev.taskq.testing.Http;
import dev.taskq.testing.TaskqIT;
import dev.taskq.testing.TestServers;
import dev.taskq.testing.TestTasks;
import jakarta.json.Json;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;
import redis.clients.jedis.Pipeline;

/**
 * What one refresh of each console page costs Redis with 10,000 waiting tasks, 10,000 retrying and 10,000 dead
 * letters: the commands it sends (seen with MONITOR, this queue's keys only, the consumers' and upkeep's own
 * commands left out) and the time Redis spent on them (INFO commandstats). Written to target/console-cost.txt; the
 * assertion is on the count, which must not grow with the queue.
 */
@TaskqIT
class ConsoleCostIT {

    private static final String PREFIX = "costit";
    private static final String TAG = "{" + PREFIX + "}:";
    private static final String ADMIN = TestUsers.ADMIN.name();
    private static final String PASSWORD = TestUsers.PASSWORD;
    private static final int SIZE = 10_000;
    /** Commands of the consumers and of the upkeep, which run beside the page. */
    private static final Pattern BACKGROUND = Pattern.compile(
            "\"(?i:evalsha|eval|psetex|sadd|blmove|lmove|brpoplpush|hset|hincrby|expire|publish|multi|exec|lrem|zadd"
                    + "|pexpire|srem|zrangebyscore)\"");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war("cost", TestServers.get().redisUrl(), "taskq.key-prefix=" + PREFIX + "\n");
    }

    @ArquillianResource
    URL base;

    @Test
    void aConsolePageCostsRedisTheSameFewCommandsHoweverLongTheQueue() throws Exception {
        try (Jedis redis = new Jedis("127.0.0.1", TestServers.get().redisPort())) {
            // Paused, so the waiting tasks stay where they are while the pages are read.
            redis.set(TAG + "paused", "{\"since\":\"" + Instant.now() + "\",\"by\":\"cost test\"}");
            seed(redis);
            Http admin = new Http(base).signedIn(ADMIN, PASSWORD);
            Files.deleteIfExists(Path.of("target", "console-cost-commands.txt"));
            Map<String, String> pages = new LinkedHashMap<>();
            pages.put("overview", "admin/index.xhtml");
            pages.put("live feed", "admin/live");
            pages.put("consumers", "admin/consumers.xhtml");
            pages.put("tasks", "admin/tasks.xhtml");
            pages.put("dead letters", "admin/dead.xhtml");
            StringBuilder report = new StringBuilder("page | commands (by kind) | answer time | Redis time (commandstats)\n");
            // The first overview after a deployment reads the whole 24 h history; later ones only the current minutes.
            measure(admin, redis, "overview, first after deploy", "admin/index.xhtml", report);
            for (Map.Entry<String, String> page : pages.entrySet()) {
                assertEquals(200, admin.get(page.getValue()).statusCode(), "warm-up of " + page.getKey());
                List<String> seen = measure(admin, redis, page.getKey(), page.getValue(), report);
                assertTrue(seen.size() < 100, page.getKey() + " sent " + seen.size() + " commands: " + seen);
            }
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "console-cost.txt"), report);
            System.out.println(report);
            redis.del(TAG + "paused");
        }
    }

    private static List<String> measure(Http admin, Jedis redis, String name, String path, StringBuilder report)
            throws Exception {
        Map<String, Long> before = usecByCommand(redis);
        List<String> seen = monitored(() -> {
            long start = System.nanoTime();
            HttpResponse<String> answer = admin.get(path);
            assertEquals(200, answer.statusCode());
            return (System.nanoTime() - start) / 1000;
        }, report, name);
        Map<String, Long> after = usecByCommand(redis);
        long usec = 0;
        for (String command : after.keySet()) {
            if (!BACKGROUND.matcher("\"" + command + "\"").find()) {
                usec += after.get(command) - before.getOrDefault(command, 0L);
            }
        }
        report.append(" | ").append(usec).append(" µs\n");
        return seen;
    }

    private interface Timed {
        long run() throws Exception;
    }

    /** The commands on this queue's keys that Redis saw while {@code action} ran, background ones left out. */
    private static List<String> monitored(Timed action, StringBuilder report, String page) throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Jedis monitor = new Jedis("127.0.0.1", TestServers.get().redisPort());
        Thread listener = new Thread(() -> {
            try {
                monitor.monitor(new JedisMonitor() {
                    @Override
                    public void onCommand(String command) {
                        lines.add(command);
                    }
                });
            } catch (RuntimeException e) {
                // Closed at the end of the measurement.
            }
        });
        listener.start();
        Thread.sleep(300);
        lines.clear();
        long micros = action.run();
        Thread.sleep(300);
        monitor.disconnect();
        listener.join(5000);
        List<String> ours = new ArrayList<>();
        synchronized (lines) {
            for (String line : lines) {
                // The upkeep's reaper reads the processing lists too; the console only counts them (LLEN).
                if (line.contains(TAG) && !line.contains(" lua]") && !BACKGROUND.matcher(line).find()
                        && !(line.contains("\"LRANGE\"") && line.contains(":processing:"))) {
                    ours.add(line.replaceFirst("^\\S+ \\[[^]]*] ", ""));
                }
            }
        }
        Files.writeString(Path.of("target", "console-cost-commands.txt"), "== " + page + "\n" + String.join("\n", ours)
                + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        report.append(page).append(" | ").append(ours.size()).append(" (").append(summary(ours)).append(") | ")
                .append("answer ").append(micros / 1000).append(" ms");
        return ours;
    }

    /** How many of each command, e.g. "HGETALL×3 LLEN×1". */
    private static String summary(List<String> commands) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (String command : commands) {
            counts.merge(command.replaceFirst("^\"([A-Za-z]+)\".*", "$1").toUpperCase(), 1, Integer::sum);
        }
        StringBuilder text = new StringBuilder();
        counts.forEach((name, count) -> text.append(text.length() == 0 ? "" : " ").append(name).append('×')
                .append(count));
        return text.toString();
    }

    private static Map<String, Long> usecByCommand(Jedis redis) {
        Map<String, Long> usec = new LinkedHashMap<>();
        Matcher stat = Pattern.compile("cmdstat_([a-z|]+):calls=\\d+,usec=(\\d+)").matcher(redis.info("commandstats"));
        while (stat.find()) {
            usec.put(stat.group(1), Long.parseLong(stat.group(2)));
        }
        return usec;
    }

    private static void seed(Jedis redis) {
        Pipeline pipe = redis.pipelined();
        long now = System.currentTimeMillis();
        for (int i = 0; i < SIZE; i++) {
            Task waiting = Task.create("confirmation-mail", TestTasks.mail("W" + i, "w" + i + "@cost.example.com", "w"));
            pipe.lpush(TAG + "ready", TaskCodec.encode(waiting));
            Task retrying = Task.create("confirmation-mail", TestTasks.mail("R" + i, "r" + i + "@cost.example.com", "r"));
            pipe.zadd(TAG + "delayed", now + 3_600_000 + i, TaskCodec.encode(retrying));
            Task dead = Task.create("confirmation-mail", TestTasks.mail("D" + i, "d" + i + "@cost.example.com", "d"));
            pipe.hset(TAG + "dead", dead.id(), Json.createObjectBuilder().add("id", dead.id())
                    .add("entry", TaskCodec.encode(dead)).add("reason", "SMTP down").add("at", Instant.now().toString())
                    .build().toString());
            pipe.zadd(TAG + "dead:at", now - i, dead.id());
        }
        pipe.sync();
    }
}
