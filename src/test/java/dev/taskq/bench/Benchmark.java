package dev.taskq.bench;

import dev.taskq.mail.ConfirmationMail;
import dev.taskq.mail.ConfirmationMailHandler;
import dev.taskq.queue.RedisKeys;
import dev.taskq.queue.Task;
import dev.taskq.queue.TaskCodec;
import dev.taskq.testing.PayaraMicroServer;
import dev.taskq.testing.RedisClusterGroup;
import dev.taskq.testing.SentinelGroup;
import dev.taskq.testing.TestServers;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The benchmark behind {@code ./mvnw -Pbench package}: runs the packaged WAR (plus benchmark-only classes) on
 * embedded Payara against a local redis-server and GreenMail, all on loopback in this JVM, and measures each figure
 * beside a baseline taken in the same run. Writes {@code results.json} and {@code results.md} to the directory given.
 * The sizes can be changed with system properties (see {@link #main}); the defaults are the documented ones.
 */
public final class Benchmark {

    private static final String SUBMISSION = """
            {"name": "Ann", "email": "ann@example.com", "message": "Hello there, this is a benchmark message."}""";
    /** The key prefix the benchmark deployment uses (the default of taskq.key-prefix). */
    private static final RedisKeys KEYS = new RedisKeys("taskq");
    /** The benchmark deployment's keys with {@code taskq.queue.partitions=3}, one partition per master of a cluster. */
    private static final List<RedisKeys> PARTITIONS3 = RedisKeys.partitions("taskq", 3);

    private final BenchServers servers;
    private final Path packagedWar;
    private final Report report;
    private final HttpLoad http = new HttpLoad();
    private final Map<String, String> parameters = new LinkedHashMap<>();

    private final int httpSeconds = intParameter("bench.http.seconds", 4);
    private final int httpRounds = intParameter("bench.http.rounds", 3);
    private final int drainTasks = intParameter("bench.drain.tasks", 100_000);
    private final int mailTasks = intParameter("bench.mail.tasks", 10_000);
    private final int mailConsumers = intParameter("bench.mail.consumers", 4);
    private final int e2eRequests = intParameter("bench.e2e.requests", 200);
    private final int backlogTasks = intParameter("bench.backlog.tasks", 1_000_000);
    private final int rateTasks = intParameter("bench.rate.tasks", 20_000);
    private final int scaleTasks = intParameter("bench.scale.tasks", 50_000);

    private Benchmark(BenchServers servers, Path packagedWar, Report report) {
        this.servers = servers;
        this.packagedWar = packagedWar;
        this.report = report;
    }

    /**
     * {@code Benchmark <taskq.war> <output directory>}; system properties: {@code bench.http.port} (47080),
     * {@code bench.http.seconds} per round (4), {@code bench.http.rounds} (3), {@code bench.drain.tasks} (100000),
     * {@code bench.mail.tasks} (10000), {@code bench.mail.consumers} (4), {@code bench.e2e.requests} (200),
     * {@code bench.backlog.tasks} (1000000), {@code bench.rate.tasks} (20000), {@code bench.scale.tasks} (50000),
     * {@code bench.only} (a comma-separated subset of http,drain,rate,mail,backlog,scale).
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !Files.isRegularFile(Path.of(args[0]))) {
            System.err.println("usage: Benchmark <path to taskq.war> <output directory>");
            System.exit(2);
        }
        Path war = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        int httpPort = Integer.getInteger("bench.http.port", 47080);
        String only = System.getProperty("bench.only", "http,drain,rate,mail,backlog,scale");
        Report report = new Report();
        int exitCode = 0;
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("bench.http.port", String.valueOf(httpPort));
        Benchmark benchmark = null;
        try (BenchServers servers = new BenchServers(out, httpPort)) {
            benchmark = new Benchmark(servers, war, report);
            if (only.contains("http")) {
                benchmark.httpEnqueue();
            }
            if (only.contains("drain")) {
                benchmark.drain();
            }
            if (only.contains("rate")) {
                benchmark.sendRate();
            }
            if (only.contains("mail")) {
                benchmark.mail();
            }
            if (only.contains("backlog")) {
                benchmark.backlog();
            }
            if (only.contains("scale")) {
                benchmark.scale();
            }
            servers.undeploy();
        } catch (Exception e) {
            e.printStackTrace();
            parameters.put("failed", e.toString());
            exitCode = 1;
        }
        // Also after a failed phase: the figures measured before it are kept, marked by the "failed" parameter.
        if (benchmark != null) {
            parameters.putAll(benchmark.parameters);
        }
        report.write(out, parameters);
        System.out.println("[bench] wrote " + out.resolve("results.md") + " and results.json");
        // Embedded Payara leaves non-daemon threads behind.
        System.exit(exitCode);
    }

    // ---------------------------------------------------------------------------------------------- a. HTTP enqueue

    /**
     * a. POST /api/submissions beside the trivial endpoint, at 1, 16 and 64 connections. The only consumer is held
     * by a benchmark-only task, so the server does nothing but answer requests; the two endpoints are measured in
     * alternating rounds so that drift in the machine's load hits both alike.
     */
    private void httpEnqueue() throws Exception {
        log("a. HTTP enqueue");
        servers.deploy(packagedWar, "taskq.consumers=1\ntaskq.handler-timeout-seconds=3600\n");
        try (Jedis jedis = servers.redis()) {
            enqueueDirectly(jedis, KEYS, KEYS.ready(), List.of(Task.create(HoldHandler.TYPE, Map.of())));
            waitUntil(() -> jedis.llen(KEYS.ready()) == 0, Duration.ofSeconds(30), "the hold task to be taken");
        }
        URI submissions = URI.create(servers.baseUrl() + "api/submissions");
        URI ping = URI.create(servers.baseUrl() + "api/bench/ping");
        log("warming up");
        for (int i = 0; i < 2; i++) {
            http.run(submissions, SUBMISSION, 202, 16, Duration.ofSeconds(5));
            http.run(ping, SUBMISSION, 202, 16, Duration.ofSeconds(5));
        }
        for (int connections : new int[] {1, 16, 64}) {
            HttpLoad.Result task = HttpLoad.Result.empty();
            HttpLoad.Result trivial = HttpLoad.Result.empty();
            CpuMeter taskCpu = new CpuMeter(servers);
            CpuMeter trivialCpu = new CpuMeter(servers);
            Duration round = Duration.ofSeconds(httpSeconds);
            for (int r = 0; r < httpRounds; r++) {
                if (r % 2 == 0) {
                    trivial = trivial.plus(measured(trivialCpu, () -> http.run(ping, SUBMISSION, 202, connections, round)));
                    task = task.plus(measured(taskCpu, () -> http.run(submissions, SUBMISSION, 202, connections, round)));
                } else {
                    task = task.plus(measured(taskCpu, () -> http.run(submissions, SUBMISSION, 202, connections, round)));
                    trivial = trivial.plus(measured(trivialCpu, () -> http.run(ping, SUBMISSION, 202, connections, round)));
                }
            }
            taskCpu.report(report, "a." + connections + ".enqueue");
            trivialCpu.report(report, "a." + connections + ".trivial");
            String at = connections + (connections == 1 ? " connection" : " connections");
            String baseline = "trivial JAX-RS POST";
            double p99 = task.latencies().percentileMillis(99);
            double trivialP99 = trivial.latencies().percentileMillis(99);
            report.add(new Report.Row("enqueue.c" + connections, "a", "enqueue requests/s, " + at,
                    task.requestsPerSecond(), trivial.requestsPerSecond(), "req/s", baseline,
                    connections == 64 ? "ratio ≥ 0.8" : "",
                    connections == 64 ? task.requestsPerSecond() >= 0.8 * trivial.requestsPerSecond() : null));
            report.add(new Report.Row("enqueue.p50.c" + connections, "a", "enqueue p50 latency, " + at,
                    task.latencies().percentileMillis(50), trivial.latencies().percentileMillis(50), "ms", baseline,
                    "", null));
            report.add(new Report.Row("enqueue.p99.c" + connections, "a", "enqueue p99 latency, " + at, p99,
                    trivialP99, "ms", baseline, connections == 64 ? "ratio ≤ 1.5" : "",
                    connections == 64 ? p99 <= 1.5 * trivialP99 : null));
            report.detail("a." + connections + ".errors.enqueue", task.errors());
            report.detail("a." + connections + ".errors.trivial", trivial.errors());
        }
        parameters.put("a.rounds", httpRounds + " × " + httpSeconds + " s per endpoint and level, after 20 s warm-up");
        servers.undeploy();
    }

    private interface Load {
        HttpLoad.Result run() throws InterruptedException;
    }

    private static HttpLoad.Result measured(CpuMeter meter, Load load) throws InterruptedException {
        meter.start();
        HttpLoad.Result result = load.run();
        meter.stop(result.requests());
        return result;
    }

    // ------------------------------------------------------------------------------------------------------ b. drain

    /** b. 100,000 no-op tasks drained by 1, 4 and 8 consumers, beside a raw BLMOVE + LREM loop with as many threads. */
    private void drain() throws Exception {
        log("b. drain");
        parameters.put("b.tasks", String.valueOf(drainTasks));
        // A short warm-up drain, so the JIT has seen the consumer's path before the first measured run.
        servers.deploy(packagedWar, "taskq.consumers=4\n");
        timeDrain(Math.min(drainTasks, 20_000), NoopHandler.TYPE, Map.of(), false, new CpuMeter(servers));
        for (int consumers : new int[] {1, 4, 8}) {
            servers.deploy(packagedWar, "taskq.consumers=" + consumers + "\n");
            resetRedisStats();
            CpuMeter taskqCpu = new CpuMeter(servers);
            double taskq = drainTasks / timeDrain(drainTasks, NoopHandler.TYPE, Map.of(), false, taskqCpu);
            commandsPerTask("drain.c" + consumers, drainTasks);
            servers.undeploy();
            CpuMeter rawCpu = new CpuMeter(servers);
            double raw = drainTasks / timeRawDrain(consumers, drainTasks, rawCpu);
            taskqCpu.report(report, "b." + consumers + ".taskq");
            rawCpu.report(report, "b." + consumers + ".raw");
            double target = consumers == 4 ? 0.6 : consumers == 1 ? 0.5 : 0;
            report.add(new Report.Row("drain.c" + consumers, "b", "drain no-op tasks/s, " + consumers
                    + " consumer(s)", taskq, raw, "tasks/s", "raw BLMOVE+LREM loop, " + consumers + " thread(s)",
                    target > 0 ? "ratio ≥ " + target : "", target > 0 ? taskq >= target * raw : null));
        }
    }

    /** Enqueues {@code count} tasks aside, then drains them; returns the drain's duration in seconds. */
    private double timeDrain(int count, String type, Map<String, String> payload, boolean waitForMails,
                             CpuMeter cpu) throws Exception {
        try (Jedis jedis = servers.redis()) {
            fill(jedis, KEYS, count, type, payload);
            return drainFilled(jedis, count, waitForMails, cpu);
        }
    }

    /** One partition of the queue: its keys, and a connection to the Redis (master) that holds them. */
    private record Partition(Jedis jedis, RedisKeys keys) {
    }

    /** {@link #drainFilled(List, int, boolean, CpuMeter)} of an unpartitioned queue ({@link #KEYS}) on this Redis. */
    private double drainFilled(Jedis jedis, int count, boolean waitForMails, CpuMeter cpu) throws Exception {
        return drainFilled(List.of(new Partition(jedis, KEYS)), count, waitForMails, cpu);
    }

    /**
     * Starts the drain of the tasks on each partition's fill list (RENAME onto its ready list, one step each) and
     * returns the seconds until nothing waits or is held any more in any partition and, with {@code waitForMails},
     * the SMTP server has accepted as many more mails as there were tasks ({@code count}, over all partitions).
     */
    private double drainFilled(List<Partition> partitions, int count, boolean waitForMails, CpuMeter cpu)
            throws Exception {
        long mailsBefore = servers.deliveries();
        cpu.start();
        long begin = System.nanoTime();
        for (Partition partition : partitions) {
            partition.jedis().rename(fillList(partition.keys()), partition.keys().ready());
        }
        waitUntil(() -> partitions.stream().allMatch(Benchmark::drained)
                        && (!waitForMails || servers.deliveries() - mailsBefore >= count),
                Duration.ofMinutes(15), "the tasks to be drained");
        double seconds = (System.nanoTime() - begin) / 1e9;
        cpu.stop(count);
        long failed = 0;
        for (Partition partition : partitions) {
            Jedis jedis = partition.jedis();
            failed += jedis.hlen(partition.keys().dead()) + jedis.zcard(partition.keys().delayed());
        }
        if (failed > 0) {
            throw new IllegalStateException(failed + " tasks failed during the drain: the figure would be wrong");
        }
        return seconds;
    }

    /** Nothing waiting in the partition and nothing held there by any consumer. */
    private static boolean drained(Partition partition) {
        Jedis jedis = partition.jedis();
        RedisKeys keys = partition.keys();
        if (jedis.llen(keys.ready()) > 0) {
            return false;
        }
        for (String consumer : jedis.smembers(keys.consumers())) {
            if (jedis.exists(keys.processing(consumer))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The floor for any reliable Redis list queue: per task one BLMOVE onto a processing list and one LREM, with
     * {@code threads} threads on connections of their own, over the same entries. Returns seconds.
     */
    private double timeRawDrain(int threads, int count, CpuMeter cpu) throws Exception {
        try (Jedis jedis = servers.redis()) {
            fill(jedis, KEYS, count, NoopHandler.TYPE, Map.of());
            AtomicLong lastDone = new AtomicLong();
            List<Thread> workers = new ArrayList<>();
            cpu.start();
            long begin = System.nanoTime();
            jedis.rename(fillList(KEYS), KEYS.ready());
            for (int i = 0; i < threads; i++) {
                String processing = KEYS.processing("raw-" + i);
                Thread worker = new Thread(() -> {
                    try (Jedis own = servers.redis()) {
                        String entry;
                        while ((entry = own.blmove(KEYS.ready(), processing, ListDirection.RIGHT, ListDirection.LEFT,
                                0.2)) != null) {
                            own.lrem(processing, 1, entry);
                            lastDone.accumulateAndGet(System.nanoTime(), Math::max);
                        }
                    }
                }, "bench-raw-drain-" + i);
                workers.add(worker);
                worker.start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
            cpu.stop(count);
            return (lastDone.get() - begin) / 1e9;
        } finally {
            servers.undeploy();
        }
    }

    // -------------------------------------------------------------------------------------------------- g. send rate

    /**
     * g. What the shared send rate ({@code taskq.mail-rate}) costs the consumer path, 4 consumers, no-op tasks of a
     * type that counts as mail: with a rate far above what the run reaches (every start checked and recorded in the
     * start script, never waiting) beside the same type with no rate set, best of two runs each; and at the limit
     * (2,000/s, far below the drain rate), the rate reached beside the rate set, with the CPU a task costs while
     * consumers wait for room.
     */
    private void sendRate() throws Exception {
        log("g. send rate");
        parameters.put("g.tasks", String.valueOf(rateTasks));
        int limit = 2_000;
        // Alternating, best of two each: the first drains of a fresh JVM run before much of it is compiled, and
        // whichever went first looked 10-20 % slower.
        double room = 0;
        double none = 0;
        for (int round = 1; round <= 2; round++) {
            room = Math.max(room, rateDrain("room" + round, "1000000/s"));
            none = Math.max(none, rateDrain("none" + round, ""));
        }
        double atLimit = rateDrain("limit", limit + "/s");
        report.add(new Report.Row("drain.c4.rate_room", "g", "drain no-op mail-type tasks/s, 4 consumers, "
                + "taskq.mail-rate=1000000/s (never reached)", room, none, "tasks/s", "the same with no send rate",
                "", null));
        // The last of N evenly spaced starts comes (N - 1) spacings after the first: 1 % above the rate is allowed.
        report.add(new Report.Row("drain.c4.rate_limit", "g", "drain no-op mail-type tasks/s, 4 consumers, "
                + "taskq.mail-rate=" + limit + "/s", atLimit, limit, "tasks/s", "the rate set", "ratio 0.95–1.01",
                atLimit >= 0.95 * limit && atLimit <= 1.01 * limit));
    }

    /** Tasks/s of one drain of no-op mail-type tasks with this send rate ('' for none), after a warm-up drain. */
    private double rateDrain(String label, String rate) throws Exception {
        servers.deploy(packagedWar, "taskq.consumers=4\ntaskq.mail-rate=" + rate + "\n");
        try {
            timeDrain(Math.min(rateTasks, 5_000), NoopMailHandler.TYPE, Map.of(), false, new CpuMeter(servers));
            resetRedisStats();
            CpuMeter cpu = new CpuMeter(servers);
            double tasksPerSecond = rateTasks / timeDrain(rateTasks, NoopMailHandler.TYPE, Map.of(), false, cpu);
            commandsPerTask("g." + label, rateTasks);
            cpu.report(report, "g." + label);
            return tasksPerSecond;
        } finally {
            servers.undeploy();
        }
    }

    // ---------------------------------------------------------------------------------------------------- f. backlog

    /**
     * f. The drain rate with a large backlog waiting ({@code bench.backlog.tasks}, 1,000,000) beside the rate with
     * 10,000, 4 consumers; and the JVM heap after the large drain beside the heap before it (after a GC each).
     */
    private void backlog() throws Exception {
        log("f. backlog of " + backlogTasks);
        parameters.put("f.tasks", String.valueOf(backlogTasks));
        servers.deploy(packagedWar, "taskq.consumers=4\n");
        timeDrain(10_000, NoopHandler.TYPE, Map.of(), false, new CpuMeter(servers)); // warm-up
        double small = 10_000 / timeDrain(10_000, NoopHandler.TYPE, Map.of(), false, new CpuMeter(servers));
        long heapBefore = heapAfterGc();
        double large;
        try (Jedis jedis = servers.redis()) {
            fill(jedis, KEYS, backlogTasks, NoopHandler.TYPE, Map.of());
            large = backlogTasks / drainFilled(jedis, backlogTasks, false, new CpuMeter(servers));
            // Finished records expire after a day: drop them, they are Redis' memory, not the JVM's. In SCAN-sized
            // steps: one call over a million keys outlasts any socket timeout and blocks Redis meanwhile.
            unlinkMatching(jedis, KEYS.task("*"));
        }
        long heapAfter = heapAfterGc();
        servers.undeploy();
        report.add(new Report.Row("drain.backlog1m", "f", "drain no-op tasks/s with " + backlogTasks
                + " waiting, 4 consumers", large, small, "tasks/s", "the same with 10,000 waiting",
                "ratio ≥ 0.9", large >= 0.9 * small));
        report.add(new Report.Row("heap.backlog1m", "f", "JVM heap after draining " + backlogTasks + " (after GC)",
                heapAfter / 1048576.0, heapBefore / 1048576.0, "MiB", "the heap before the drain (after GC)",
                "ratio ≤ 1.1", heapAfter <= 1.1 * heapBefore));
    }

    // ------------------------------------------------------------------------------------------------ h. scale-out

    /**
     * h. The drain by two server processes on one Redis; the drain on a Redis Cluster of three masters (with a
     * replica each), first with the queue in three partitions ({@code taskq.queue.partitions=3}, one on each master),
     * then unpartitioned (all its keys on one master); and behind Sentinels (a master and a replica); each beside the
     * same drain on one Redis, 4 consumers. Then the time from a master's SIGKILL to the first task taken on the node
     * that replaces it, behind Sentinels and on the cluster (unpartitioned), beside the time Redis itself took to
     * promote that node.
     */
    private void scale() throws Exception {
        log("h. scale-out");
        parameters.put("h.tasks", String.valueOf(scaleTasks));
        servers.deploy(packagedWar, "taskq.consumers=4\n");
        timeDrain(Math.min(scaleTasks, 20_000), NoopHandler.TYPE, Map.of(), false, new CpuMeter(servers));
        double single = scaleTasks / timeDrain(scaleTasks, NoopHandler.TYPE, Map.of(), false, new CpuMeter(servers));
        double twoServers;
        try (PayaraMicroServer second = servers.startSecondServer(packagedWar, "taskq.consumers=4\n")) {
            timeDrain(Math.min(scaleTasks, 20_000), NoopHandler.TYPE, Map.of(), false, new CpuMeter(servers));
            twoServers = scaleTasks / timeDrain(scaleTasks, NoopHandler.TYPE, Map.of(), false, new CpuMeter(servers));
        }
        servers.undeploy();
        report.add(new Report.Row("drain.servers2", "h", "drain no-op tasks/s by two server processes (embedded"
                + " Payara and Payara Micro, 4 consumers each) on one Redis", twoServers, single, "tasks/s",
                "embedded Payara alone, 4 consumers", "", null));

        String tag = "{taskq}";
        double clustered;
        double partitioned;
        // Each partition gets a third of the tasks: the drain counts what was filled.
        int share = scaleTasks / PARTITIONS3.size();
        Recovery clusterRecovery;
        try (RedisClusterGroup cluster = new RedisClusterGroup(TestServers.freePorts(6))) {
            // First partitioned (so that the unpartitioned deployment after it can go on to the master's SIGKILL).
            List<Partition> partitions = new ArrayList<>();
            try {
                Set<Integer> masterPorts = new HashSet<>();
                for (RedisKeys keys : PARTITIONS3) {
                    int port = cluster.masterPortOf(keys.ready());
                    masterPorts.add(port);
                    partitions.add(new Partition(cluster.connect(port), keys));
                }
                if (masterPorts.size() != PARTITIONS3.size()) {
                    throw new IllegalStateException("the partitions are not one per master: " + masterPorts);
                }
                servers.deploy(packagedWar, "taskq.consumers=4\nredis.cluster=" + cluster.nodes()
                        + "\ntaskq.queue.partitions=" + PARTITIONS3.size() + "\n");
                int warmUpShare = Math.min(scaleTasks, 20_000) / PARTITIONS3.size();
                for (Partition partition : partitions) {
                    fill(partition.jedis(), partition.keys(), warmUpShare, NoopHandler.TYPE, Map.of());
                }
                drainFilled(partitions, warmUpShare * PARTITIONS3.size(), false, new CpuMeter(servers));
                List<Jedis> masters = partitions.stream().map(Partition::jedis).toList();
                masters.forEach(Jedis::configResetStat);
                for (Partition partition : partitions) {
                    fill(partition.jedis(), partition.keys(), share, NoopHandler.TYPE, Map.of());
                }
                int filled = share * PARTITIONS3.size();
                partitioned = filled / drainFilled(partitions, filled, false, new CpuMeter(servers));
                commandsPerTask("drain.cluster3.partitions3", filled, masters);
                // undeploy empties the benchmark's own Redis, not the cluster: empty its masters too (once the
                // consumers are gone), so the unpartitioned drain starts on an empty cluster as it would alone.
                servers.undeploy();
                masters.forEach(Jedis::flushAll);
            } finally {
                servers.undeploy(); // for a failed measurement; a second one changes nothing
                partitions.forEach(partition -> partition.jedis().close());
            }

            servers.deploy(packagedWar, "taskq.consumers=4\nredis.cluster=" + cluster.nodes() + "\n");
            try (Jedis master = cluster.connect(cluster.masterPortOf(tag))) {
                fill(master, KEYS, Math.min(scaleTasks, 20_000), NoopHandler.TYPE, Map.of());
                drainFilled(master, Math.min(scaleTasks, 20_000), false, new CpuMeter(servers));
                master.configResetStat();
                fill(master, KEYS, scaleTasks, NoopHandler.TYPE, Map.of());
                clustered = scaleTasks / drainFilled(master, scaleTasks, false, new CpuMeter(servers));
                commandsPerTask("drain.cluster3", scaleTasks, List.of(master));
                clusterRecovery = recovery(master, cluster.replicaPortOf(tag), true, () -> cluster.killMasterOf(tag));
            } finally {
                servers.undeploy();
            }
        }
        report.add(new Report.Row("drain.cluster3", "h", "drain no-op tasks/s on a 3-master Redis Cluster (one queue,"
                + " unpartitioned, so one master), 4 consumers", clustered, single, "tasks/s", "the same on one Redis",
                "", null));
        report.add(new Report.Row("drain.cluster3.partitions3", "h", "drain no-op tasks/s on a 3-master Redis Cluster,"
                + " the queue in 3 partitions (one per master), 4 consumers", partitioned, single, "tasks/s",
                "the same on one Redis (unpartitioned)", "", null));
        report.detail("h.cluster3.partitions3VsUnpartitioned", partitioned / clustered);

        Recovery sentinelRecovery;
        double replicated;
        try (SentinelGroup sentinels = new SentinelGroup()) {
            servers.deploy(packagedWar, "taskq.consumers=4\nredis.sentinels=" + sentinels.sentinelList()
                    + "\nredis.sentinel-master=" + SentinelGroup.MASTER + "\n");
            try (Jedis master = sentinels.connectMaster()) {
                fill(master, KEYS, scaleTasks, NoopHandler.TYPE, Map.of());
                replicated = scaleTasks / drainFilled(master, scaleTasks, false, new CpuMeter(servers));
                sentinelRecovery = recovery(master, sentinels.replicaPort(), false, sentinels::killMaster);
            } finally {
                servers.undeploy();
            }
        }
        report.add(new Report.Row("drain.sentinel", "h", "drain no-op tasks/s behind Sentinels (a master and a replica),"
                + " 4 consumers", replicated, single, "tasks/s", "the same on one Redis", "", null));
        for (Map.Entry<String, Recovery> figure : Map.of("failover.recovery_s", sentinelRecovery,
                "failover.cluster.recovery_s", clusterRecovery).entrySet()) {
            Recovery r = figure.getValue();
            String where = figure.getKey().contains("cluster") ? "the cluster" : "the Sentinels";
            report.add(new Report.Row(figure.getKey(), "h", "seconds from the master's SIGKILL to the first task"
                    + " taken on the promoted replica (" + where + ")", r.firstTake(), r.promoted(), "s",
                    "seconds until " + where + " promoted it", "first take ≤ 15 s after the promotion",
                    r.firstTake() - r.promoted() <= 15));
        }
    }

    /** Seconds from a master's death to its replica's promotion, and to the first task taken there. */
    private record Recovery(double promoted, double firstTake) {
    }

    private interface Kill {
        void run() throws Exception;
    }

    /**
     * Fills the master with tasks and, once the consumers are taking them, runs {@code kill} (which returns after
     * the promotion) while a thread watches the replica every millisecond: when it turns master, and when its ready
     * list first gets shorter — a consumer took a task there (the list only changes by replication before).
     */
    private Recovery recovery(Jedis master, int replicaPort, boolean clusterNode, Kill kill) throws Exception {
        fill(master, KEYS, scaleTasks, NoopHandler.TYPE, Map.of());
        master.rename(fillList(KEYS), KEYS.ready());
        waitUntil(() -> master.llen(KEYS.ready()) < scaleTasks * 0.9, Duration.ofSeconds(60), "the drain to begin");
        AtomicLong promotedAt = new AtomicLong();
        AtomicLong tookAt = new AtomicLong();
        AtomicLong killedAt = new AtomicLong();
        AtomicReference<Exception> lastError = new AtomicReference<>();
        Thread watcher = new Thread(() -> {
            long lengthAtPromotion = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            Jedis replica = null;
            while (tookAt.get() == 0 && System.nanoTime() < deadline) {
                try {
                    if (replica == null) {
                        replica = new Jedis("127.0.0.1", replicaPort);
                        if (clusterNode) {
                            replica.readonly(); // a cluster replica answers reads of its master's slots only then
                        }
                    }
                    if (promotedAt.get() == 0) {
                        if (killedAt.get() != 0 && replica.info("replication").contains("role:master")) {
                            long promoted = System.nanoTime();
                            lengthAtPromotion = replica.llen(KEYS.ready());
                            promotedAt.set(promoted);
                        }
                    } else if (replica.llen(KEYS.ready()) < lengthAtPromotion) {
                        tookAt.set(System.nanoTime());
                    }
                } catch (JedisException e) {
                    // CLUSTERDOWN while the cluster fails over, or the connection closed by the promotion (the
                    // Sentinels kill the promoted node's clients): look again, on a new connection.
                    lastError.set(e);
                    if (replica != null) {
                        replica.close();
                        replica = null;
                    }
                }
                LockSupport.parkNanos(1_000_000);
            }
            if (replica != null) {
                replica.close();
            }
        }, "bench-failover-watch");
        watcher.setDaemon(true);
        watcher.start();
        killedAt.set(System.nanoTime());
        kill.run();
        watcher.join();
        if (tookAt.get() == 0) {
            throw new IllegalStateException("no task was taken on the promoted replica within 90 s (promoted: "
                    + (promotedAt.get() != 0) + ")", lastError.get());
        }
        return new Recovery((promotedAt.get() - killedAt.get()) / 1e9, (tookAt.get() - killedAt.get()) / 1e9);
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // ---------------------------------------------------------------------- c. mail, d. end-to-end, e. Redis memory

    private void mail() throws Exception {
        log("c. mail, d. end-to-end latency, e. Redis memory");
        parameters.put("c.tasks", String.valueOf(mailTasks));
        parameters.put("c.consumers", String.valueOf(mailConsumers));
        servers.deploy(packagedWar, "taskq.consumers=" + mailConsumers + "\n");
        Map<String, String> payload = ConfirmationMailHandler.payload("Ann", "ann@example.com",
                "Hello there, this is a benchmark message.", java.util.Locale.ENGLISH);
        // Warm-up: a tenth of the mails.
        timeDrain(mailTasks / 10, ConfirmationMailHandler.TYPE, payload, true, new CpuMeter(servers));
        servers.undeploy();
        servers.deploy(packagedWar, "taskq.consumers=" + mailConsumers + "\n");

        double taskq;
        CpuMeter taskqCpu = new CpuMeter(servers);
        try (Jedis jedis = servers.redis()) {
            resetRedisStats();
            long empty = usedMemory(jedis);
            fill(jedis, KEYS, mailTasks, ConfirmationMailHandler.TYPE, payload);
            long waiting = usedMemory(jedis);
            List<String> sample = jedis.lrange(fillList(KEYS), 0, 99);
            double entryBytes = sample.stream().mapToInt(String::length).average().orElse(0);
            double waitingRecordBytes = sample.stream()
                    .mapToLong(entry -> memoryUsage(jedis, KEYS.task(idOf(entry)))).average().orElse(0);
            taskq = mailTasks / drainFilled(jedis, mailTasks, true, taskqCpu);
            commandsPerTask("mail.c" + mailConsumers, mailTasks);
            long finished = usedMemory(jedis);
            double finishedRecordBytes = sample.stream()
                    .mapToLong(entry -> memoryUsage(jedis, KEYS.task(idOf(entry)))).average().orElse(0);
            double finishedRecordFieldBytes = sample.stream()
                    .mapToLong(entry -> fieldBytes(jedis, KEYS.task(idOf(entry)))).average().orElse(0);
            double perWaiting = (double) (waiting - empty) / mailTasks;
            report.add(new Report.Row("memory.waiting", "e", "Redis memory per waiting task (INFO used_memory)",
                    perWaiting, entryBytes, "bytes", "its JSON entry", "ratio ≤ 1.5", perWaiting <= 1.5 * entryBytes));
            report.add(new Report.Row("memory.finished", "e", "Redis memory per finished-task record (INFO used_memory)",
                    (double) (finished - empty) / mailTasks, finishedRecordFieldBytes, "bytes",
                    "its fields and values", "", null));
            report.detail("e.waitingRecord.memoryUsageBytes", waitingRecordBytes);
            report.detail("e.finishedRecord.memoryUsageBytes", finishedRecordBytes);
        }
        servers.undeploy();
        CpuMeter rawCpu = new CpuMeter(servers);
        double raw = mailTasks / timeRawMail(mailConsumers, mailTasks, rawCpu);
        taskqCpu.report(report, "c.taskq");
        rawCpu.report(report, "c.raw");
        servers.deploy(packagedWar, "taskq.consumers=" + mailConsumers + "\n");
        report.add(new Report.Row("mail.c" + mailConsumers, "c", "confirmation mails/s, " + mailConsumers
                + " consumers", taskq, raw, "mails/s",
                "raw Jakarta Mail, one SMTP connection per thread, " + mailConsumers + " threads", "ratio ≥ 0.7",
                taskq >= 0.7 * raw));

        endToEnd();
        servers.undeploy();
    }

    /** The same mails sent straight from {@code threads} threads, each over one SMTP connection it keeps. */
    private double timeRawMail(int threads, int count, CpuMeter cpu) throws Exception {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(servers.smtpPort()));
        properties.put("mail.from", BenchServers.MAIL_FROM);
        Session session = Session.getInstance(properties);
        long mailsBefore = servers.deliveries();
        List<Thread> senders = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        cpu.start();
        long begin = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            int share = count / threads + (i < count % threads ? 1 : 0);
            Thread sender = new Thread(() -> {
                try (Transport transport = session.getTransport("smtp")) {
                    transport.connect();
                    for (int k = 0; k < share; k++) {
                        MimeMessage mail = ConfirmationMail.compose(session,
                                java.util.UUID.randomUUID().toString(), "Ann", "ann@example.com",
                                "Hello there, this is a benchmark message.", java.util.Locale.ENGLISH);
                        transport.sendMessage(mail, mail.getAllRecipients());
                    }
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "bench-raw-mail-" + i);
            senders.add(sender);
            sender.start();
        }
        for (Thread sender : senders) {
            sender.join();
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        cpu.stop(count);
        if (!failures.isEmpty() || servers.deliveries() - mailsBefore != count) {
            throw new IllegalStateException("raw mail loop failed: " + failures);
        }
        servers.undeploy();
        return seconds;
    }

    /**
     * d. One submission at a time, 20 ms apart: from sending the POST to the SMTP server accepting the mail. The
     * baseline is the least any such path costs on this machine: the trivial POST, then composing and sending the
     * same mail over an SMTP connection already open.
     */
    private void endToEnd() throws Exception {
        URI submissions = URI.create(servers.baseUrl() + "api/submissions");
        URI ping = URI.create(servers.baseUrl() + "api/bench/ping");
        Latencies taskq = new Latencies();
        Latencies floor = new Latencies();
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(servers.smtpPort()));
        properties.put("mail.from", BenchServers.MAIL_FROM);
        Session session = Session.getInstance(properties);
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            int warmUp = 20;
            for (int i = 0; i < warmUp + e2eRequests; i++) {
                String address = "e2e-" + i + "@example.com";
                long begin = System.nanoTime();
                int status = http.post(submissions, """
                        {"name": "Ann", "email": "%s", "message": "Hello there."}""".formatted(address));
                if (status != 202) {
                    throw new IllegalStateException("submission answered " + status);
                }
                Long at = awaitDelivery(address);
                if (i >= warmUp) {
                    taskq.add(at - begin);
                }
                Thread.sleep(20);

                String floorAddress = "floor-" + i + "@example.com";
                begin = System.nanoTime();
                http.post(ping, SUBMISSION);
                MimeMessage mail = ConfirmationMail.compose(session, java.util.UUID.randomUUID().toString(),
                        "Ann", floorAddress, "Hello there.", java.util.Locale.ENGLISH);
                transport.sendMessage(mail, mail.getAllRecipients());
                at = awaitDelivery(floorAddress);
                if (i >= warmUp) {
                    floor.add(at - begin);
                }
                Thread.sleep(20);
            }
        }
        String baseline = "trivial POST + send on an open SMTP connection";
        report.add(new Report.Row("e2e.p50", "d", "end-to-end p50, POST → SMTP accepted (one at a time)",
                taskq.percentileMillis(50), floor.percentileMillis(50), "ms", baseline, "", null));
        report.add(new Report.Row("e2e.p99", "d", "end-to-end p99, POST → SMTP accepted (one at a time)",
                taskq.percentileMillis(99), floor.percentileMillis(99), "ms", baseline, "p99 < 50 ms",
                taskq.percentileMillis(99) < 50));
        parameters.put("d.requests", e2eRequests + " (after 20 unmeasured), one at a time, 20 ms apart");
    }

    private Long awaitDelivery(String address) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Long at;
        while ((at = servers.deliveredAt(address)) == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no mail for " + address + " within 30 s");
            }
            LockSupport.parkNanos(50_000);
        }
        return at;
    }

    // --------------------------------------------------------------------------------------------------- helpers

    /**
     * Tasks are written onto this list first, beside the partition's ready list (in its slot, so on its master), and
     * renamed onto the ready list in one step, so a drain starts at once.
     */
    private static String fillList(RedisKeys keys) {
        return keys.ready() + ":bench-fill";
    }

    /**
     * Writes {@code count} tasks the way RedisTaskQueue.enqueue does (status record, then the entry) onto the fill
     * list of the partition with these {@code keys}.
     */
    private static void fill(Jedis jedis, RedisKeys keys, int count, String type, Map<String, String> payload) {
        List<Task> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(Task.create(type, payload));
            if (batch.size() == 1000 || i == count - 1) {
                enqueueDirectly(jedis, keys, fillList(keys), batch);
                batch.clear();
            }
        }
    }

    private static void enqueueDirectly(Jedis jedis, RedisKeys keys, String list, List<Task> tasks) {
        try (Pipeline pipeline = jedis.pipelined()) {
            for (Task task : tasks) {
                // The fields of the record RedisTaskQueue.enqueue writes.
                pipeline.hset(keys.task(task.id()), Map.of("id", task.id(), "type", task.type(),
                        "status", "queued", "attempts", "0", "createdAt", task.createdAt().toString()));
                pipeline.lpush(list, TaskCodec.encode(task));
            }
            pipeline.sync();
        }
    }

    private static void unlinkMatching(Jedis jedis, String pattern) {
        ScanParams match = new ScanParams().match(pattern).count(10_000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> step = jedis.scan(cursor, match);
            if (!step.getResult().isEmpty()) {
                jedis.unlink(step.getResult().toArray(String[]::new));
            }
            cursor = step.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }

    private static String idOf(String entry) {
        try {
            return TaskCodec.decode(entry).id();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long usedMemory(Jedis jedis) {
        return Long.parseLong(infoField(jedis.info("memory"), "used_memory"));
    }

    private static long memoryUsage(Jedis jedis, String key) {
        Long bytes = jedis.memoryUsage(key);
        return bytes == null ? 0 : bytes;
    }

    /** Bytes of a hash's field names and values: what the record holds, without Redis' bookkeeping. */
    private static long fieldBytes(Jedis jedis, String key) {
        return jedis.hgetAll(key).entrySet().stream()
                .mapToLong(field -> field.getKey().length() + field.getValue().length()).sum();
    }

    private void resetRedisStats() {
        try (Jedis jedis = servers.redis()) {
            jedis.configResetStat();
        }
    }

    /** {@link #commandsPerTask(String, int, List)} on the benchmark's one Redis. */
    private void commandsPerTask(String name, int tasks) {
        try (Jedis jedis = servers.redis()) {
            commandsPerTask(name, tasks, List.of(jedis));
        }
    }

    /**
     * Redis commands, MULTI/EXEC transactions and script calls per task since the last reset (upkeep included),
     * added up over these servers (the masters of a cluster that hold the queue).
     */
    private void commandsPerTask(String name, int tasks, List<Jedis> nodes) {
        long commands = 0;
        Map<String, Long> counted = new LinkedHashMap<>();
        for (Jedis jedis : nodes) {
            String stats = jedis.info("commandstats");
            commands += Long.parseLong(infoField(jedis.info("stats"), "total_commands_processed"));
            for (String command : new String[] {"blmove", "multi", "eval", "evalsha", "lrem", "hset"}) {
                counted.merge(command, calls(stats, command), Long::sum);
            }
        }
        report.detail(name + ".redisCommandsPerTask", (double) commands / tasks);
        counted.forEach((command, calls) -> report.detail(name + "." + command + "PerTask", (double) calls / tasks));
        // A consumer's round trips: each script call and each blocking pop is one (upkeep is apart, pipelined).
        double roundTrips = (double) (counted.get("evalsha") + counted.get("eval") + counted.get("blmove")) / tasks;
        report.detail(name + ".consumerRoundTripsPerTask", roundTrips);
    }

    private static long calls(String commandStats, String command) {
        for (String line : commandStats.split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command + ":calls=")) {
                return Long.parseLong(line.substring(line.indexOf('=') + 1, line.indexOf(',')));
            }
        }
        return 0;
    }

    private static String infoField(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        throw new IllegalStateException("INFO has no " + field);
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitUntil(Condition condition, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    private int intParameter(String name, int fallback) {
        int value = Integer.getInteger(name, fallback);
        parameters.put(name, String.valueOf(value));
        return value;
    }

    private static void log(String message) {
        System.out.println("[bench] " + message);
    }
}
