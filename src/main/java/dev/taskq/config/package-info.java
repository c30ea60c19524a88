/**
 * Application settings read once through MicroProfile Config, with defaults, so that an environment variable
 * such as {@code REDIS_URL} or {@code TASKQ_CONSUMERS} overrides them without touching the WAR.
 */
package dev.taskq.config;
