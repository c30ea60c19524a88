package dev.taskq.bench;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Does nothing, like {@link NoopHandler}, but counts as sending mail, so its runs go through the shared send rate
 * ({@code taskq.mail-rate}): the benchmark measures what the limiter costs the consumer path. Benchmark deployment
 * only.
 */
@ApplicationScoped
public class NoopMailHandler extends NoopHandler {

    public static final String TYPE = "bench-noop-mail";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public boolean sendsMail() {
        return true;
    }
}
