/**
 * The operations console under {@code /admin}: server-rendered Faces pages for the {@code taskq-admin} role, signed
 * in through a login form checked against the server's realm, kept live by polling one small JSON feed.
 */
package dev.taskq.admin.console;
