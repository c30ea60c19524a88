/**
 * The languages the visitor-facing parts speak (the form, the confirmation page, the mail): the supported locales
 * and the one resource bundle their words come from. A language is one more {@code messages_xx.properties} file
 * and one more entry in {@link dev.taskq.i18n.Languages#SUPPORTED} and faces-config.xml.
 */
package dev.taskq.i18n;
