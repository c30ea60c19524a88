/**
 * The worker: a {@code @Startup @Singleton} starts consumer loops on the container's ManagedExecutorService; each
 * loop takes a task, runs the {@link dev.taskq.worker.TaskHandler} registered for its type and records the outcome.
 */
package dev.taskq.worker;
