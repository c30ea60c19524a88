/**
 * A task's status: looked up by id over REST (optionally waiting for a final state) and on the confirmation page,
 * and followed live as Server-Sent Events fanned out from the server's one Redis events subscription.
 */
package dev.taskq.status;
