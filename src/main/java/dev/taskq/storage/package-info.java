/**
 * Every accepted submission is kept: a {@code store-submission} task writes it, once, to the database behind a
 * container-managed DataSource (JPA); operators list, search, export and erase it through {@code /api/admin}; a daily
 * job deletes what is older than the retention.
 */
package dev.taskq.storage;
