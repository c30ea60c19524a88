package dev.taskq.queue;

import java.util.List;

/**
 * What one enqueue asks for: tasks to accept all together (or none of them), the quotas they must stay within, and
 * optionally an idempotency key with the fingerprint of the request it belongs to.
 *
 * @param idempotencyDigest a digest of the client's idempotency key ({@link RedisKeys#idempotency(String)}), or null
 * @param fingerprint       identifies the request a key was first used with (a digest of its content)
 */
public record EnqueueRequest(List<Task> tasks, List<Quota> quotas, String idempotencyDigest, String fingerprint) {

    public EnqueueRequest {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("nothing to enqueue");
        }
        tasks = List.copyOf(tasks);
        quotas = List.copyOf(quotas);
        if (idempotencyDigest != null && fingerprint == null) {
            throw new IllegalArgumentException("an idempotency key needs the request's fingerprint");
        }
    }

    public static EnqueueRequest of(Task... tasks) {
        return new EnqueueRequest(List.of(tasks), List.of(), null, null);
    }
}
