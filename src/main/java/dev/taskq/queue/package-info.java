/**
 * The Redis side of the system: the task entity and its JSON form, the one class that names every Redis key,
 * the queue that producers push onto, and the per-consumer view that takes, acknowledges and records tasks.
 */
package dev.taskq.queue;
