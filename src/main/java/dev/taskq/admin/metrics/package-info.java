/** {@code /api/metrics}: the queue's figures for Prometheus, read from Redis at each scrape. */
package dev.taskq.admin.metrics;
