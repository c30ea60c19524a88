/** Looking up a task's status record by id, over REST and on the confirmation page. */
package dev.taskq.status;
