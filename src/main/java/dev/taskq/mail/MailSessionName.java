package dev.taskq.mail;

/**
 * The JNDI name of the container-managed mail session. Payara binds it as {@code mail/taskq}; on WildFly
 * {@code WEB-INF/jboss-web.xml} maps this name to {@code java:/mail/taskq}. The server-config scripts create it.
 */
public final class MailSessionName {

    public static final String JNDI = "mail/taskq";

    private MailSessionName() {
    }
}
