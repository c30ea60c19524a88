/**
 * The confirmation mail: composed from a submission and sent through the mail session the server provides
 * under {@link dev.taskq.mail.MailSessionName#JNDI}.
 */
package dev.taskq.mail;
