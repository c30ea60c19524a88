/** Readiness and liveness of this server: {@code /api/health} for load balancers, and MicroProfile Health. */
package dev.taskq.admin.health;
