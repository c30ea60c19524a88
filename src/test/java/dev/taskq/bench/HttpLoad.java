package dev.taskq.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop HTTP load: {@code connections} threads, each sending one request after the other over a kept-alive
 * HTTP/1.1 connection of the shared client, for a fixed time. Every request is timed from send to full response.
 */
final class HttpLoad {

    /** One measurement: how many requests answered {@code expectedStatus}, how many did not, and their latency. */
    record Result(long requests, long errors, double seconds, Latencies latencies) {

        double requestsPerSecond() {
            return requests / seconds;
        }

        Result plus(Result other) {
            Latencies merged = new Latencies();
            merged.addAll(latencies);
            merged.addAll(other.latencies);
            return new Result(requests + other.requests, errors + other.errors, seconds + other.seconds, merged);
        }

        static Result empty() {
            return new Result(0, 0, 0, new Latencies());
        }
    }

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** One POST of a JSON body; returns its status code. */
    int post(URI uri, String json) throws Exception {
        return client.send(request(uri, json), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    Result run(URI uri, String json, int expectedStatus, int connections, Duration duration) throws InterruptedException {
        HttpRequest request = request(uri, json);
        long end = System.nanoTime() + duration.toNanos();
        AtomicLong errors = new AtomicLong();
        List<Latencies> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long begin = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            Latencies latencies = new Latencies();
            perThread.add(latencies);
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    try {
                        HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() == expectedStatus) {
                            latencies.add(System.nanoTime() - start);
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            }, "bench-http-" + i);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        Latencies all = new Latencies();
        perThread.forEach(all::addAll);
        return new Result(all.count(), errors.get(), seconds, all);
    }

    private static HttpRequest request(URI uri, String json) {
        return HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }
}
