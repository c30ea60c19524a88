package dev.taskq.bench;

import java.lang.management.ManagementFactory;
import redis.clients.jedis.Jedis;

/**
 * CPU time spent by this JVM (Payara, GreenMail and the load generator all run in it) and by redis-server over
 * the measured stretches, summed: shows whether a figure is bound by the two cores or by waiting.
 */
final class CpuMeter {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final BenchServers servers;
    private long jvmNanos;
    private double redisSeconds;
    private long wallNanos;
    private long units;
    private long jvmAtStart;
    private double redisAtStart;
    private long wallAtStart;

    CpuMeter(BenchServers servers) {
        this.servers = servers;
    }

    void start() {
        redisAtStart = redisCpuSeconds();
        jvmAtStart = OS.getProcessCpuTime();
        wallAtStart = System.nanoTime();
    }

    /** Ends a stretch in which {@code done} tasks, requests or mails were completed. */
    void stop(long done) {
        wallNanos += System.nanoTime() - wallAtStart;
        jvmNanos += OS.getProcessCpuTime() - jvmAtStart;
        redisSeconds += redisCpuSeconds() - redisAtStart;
        units += done;
    }

    /** Adds {@code name}.jvmCpuMsPerUnit, .redisCpuMsPerUnit and .coresBusy to the report's details. */
    void report(Report report, String name) {
        report.detail(name + ".jvmCpuMsPerUnit", jvmNanos / 1e6 / units);
        report.detail(name + ".redisCpuMsPerUnit", redisSeconds * 1e3 / units);
        report.detail(name + ".coresBusy", (jvmNanos / 1e9 + redisSeconds) / (wallNanos / 1e9));
    }

    private double redisCpuSeconds() {
        try (Jedis jedis = servers.redis()) {
            double seconds = 0;
            for (String line : jedis.info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return seconds;
        }
    }
}
