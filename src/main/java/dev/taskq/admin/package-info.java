/**
 * Operator endpoints under {@code /api/admin}, for callers in the {@code taskq-admin} role only (a container
 * security constraint in {@code web.xml}; users and groups come from the server's realm).
 */
package dev.taskq.admin;
