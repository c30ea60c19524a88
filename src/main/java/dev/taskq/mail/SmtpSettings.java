package dev.taskq.mail;

import jakarta.mail.Authenticator;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Properties;

/**
 * The SMTP settings the application sends with: the server's mail session, plus the defaults it applies where that
 * session says nothing. Built once from the container's session; the container's own session is never changed (the
 * application uses a copy whose password requests go to the container's authenticator).
 * <ul>
 * <li>Timeouts: {@link #CONNECT_TIMEOUT_MS}, {@link #READ_TIMEOUT_MS}, {@link #WRITE_TIMEOUT_MS} unless the
 * session sets {@code mail.smtp.connectiontimeout}, {@code .timeout}, {@code .writetimeout} (and the same for
 * {@code mail.smtps.*}).</li>
 * <li>TLS: a session that enables STARTTLS gets it <em>required</em> (no fall-back to clear text); implicit TLS
 * ({@code mail.smtp.ssl.enable} or the {@code smtps} protocol) is kept; a session that says nothing about TLS gets
 * required STARTTLS unless its host is a loopback address. Whenever TLS is used, the certificate's host name is
 * checked ({@code ssl.checkserveridentity}) against the JVM's trust store (or the session's socket factory).</li>
 * <li>A password is only ever sent over TLS (or to a loopback host): a session with credentials and no TLS is
 * {@linkplain #refusal() refused} before any connection is made.</li>
 * </ul>
 */
final class SmtpSettings {

    static final int CONNECT_TIMEOUT_MS = 10_000;
    static final int READ_TIMEOUT_MS = 20_000;
    static final int WRITE_TIMEOUT_MS = 20_000;

    enum Tls { STARTTLS, IMPLICIT, NONE }

    private final Session session;
    private final String protocol;
    private final String host;
    private final int port;
    private final Tls tls;
    private final String refusal;

    private SmtpSettings(Session session, String protocol, String host, int port, Tls tls, String refusal) {
        this.session = session;
        this.protocol = protocol;
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.refusal = refusal;
    }

    /**
     * The settings to send with, derived from the container's session (which stays untouched).
     *
     * @param configuredTls {@code starttls}, {@code tls} or {@code none} ({@code SMTP_TLS}), used only when the
     *                      session itself says nothing about TLS; null or blank: STARTTLS unless the host is loopback
     */
    static SmtpSettings of(Session container, String configuredTls) {
        Properties properties = new Properties();
        Properties given = container.getProperties();
        for (String name : given.stringPropertyNames()) {
            properties.setProperty(name, given.getProperty(name));
        }
        String protocol = properties.getProperty("mail.transport.protocol", "smtp");
        String prefix = "mail." + protocol + ".";
        String host = first(properties.getProperty(prefix + "host"), properties.getProperty("mail.host"), "localhost");
        boolean loopback = isLoopback(host);

        setDefault(properties, prefix + "connectiontimeout", CONNECT_TIMEOUT_MS);
        setDefault(properties, prefix + "timeout", READ_TIMEOUT_MS);
        setDefault(properties, prefix + "writetimeout", WRITE_TIMEOUT_MS);

        Tls tls = tlsOf(properties, prefix, configuredTls, loopback);
        switch (tls) {
            case IMPLICIT -> properties.setProperty(prefix + "ssl.enable", "true");
            case STARTTLS -> {
                properties.setProperty(prefix + "starttls.enable", "true");
                properties.putIfAbsent(prefix + "starttls.required", "true");
            }
            case NONE -> properties.setProperty(prefix + "starttls.enable", "false");
        }
        if (tls != Tls.NONE) {
            properties.putIfAbsent(prefix + "ssl.checkserveridentity", "true");
        }
        // The socket factory is an object, not a string: copy it too (a custom trust store can be given this way).
        Object socketFactory = given.get(prefix + "ssl.socketFactory");
        if (socketFactory != null) {
            properties.put(prefix + "ssl.socketFactory", socketFactory);
        }
        int port = Integer.parseInt(first(properties.getProperty(prefix + "port"), null,
                "smtps".equals(protocol) ? "465" : "25").strip());

        Session session = Session.getInstance(properties, new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return container.requestPasswordAuthentication(getRequestingSite(), getRequestingPort(),
                        getRequestingProtocol(), getRequestingPrompt(), getDefaultUserName());
            }
        });
        String refusal = null;
        if (tls == Tls.NONE && !loopback && hasPassword(container, properties, protocol, port)) {
            refusal = "refusing to send the SMTP password in clear text to " + host + ":" + port
                    + " (the mail session disables TLS; use SMTP_TLS=starttls or tls)";
        }
        return new SmtpSettings(session, protocol, host, port, tls, refusal);
    }

    /** What the session says, else what SMTP_TLS says, else STARTTLS unless the host is loopback. */
    private static Tls tlsOf(Properties properties, String prefix, String configuredTls, boolean loopback) {
        if ("mail.smtps.".equals(prefix) || isTrue(properties, prefix + "ssl.enable")) {
            return Tls.IMPLICIT;
        }
        String starttls = properties.getProperty(prefix + "starttls.enable");
        if (starttls != null && !starttls.isBlank()) {
            return Boolean.parseBoolean(starttls.strip()) ? Tls.STARTTLS : Tls.NONE;
        }
        String configured = configuredTls == null ? "" : configuredTls.strip().toLowerCase(Locale.ROOT);
        return switch (configured) {
            case "starttls" -> Tls.STARTTLS;
            case "tls" -> Tls.IMPLICIT;
            case "none" -> Tls.NONE;
            case "" -> loopback ? Tls.NONE : Tls.STARTTLS;
            default -> throw new IllegalArgumentException(
                    "SMTP_TLS (smtp.tls) must be starttls, tls or none, got '" + configuredTls + "'");
        };
    }

    /** The session to send with. */
    Session session() {
        return session;
    }

    Tls tls() {
        return tls;
    }

    /** Why nothing may be sent with these settings, or null. */
    String refusal() {
        return refusal;
    }

    /** For log lines: {@code smtp.example.com:587 (STARTTLS)}. */
    String describe() {
        return host + ":" + port + " (" + switch (tls) {
            case STARTTLS -> "STARTTLS";
            case IMPLICIT -> "TLS";
            case NONE -> "no TLS";
        } + ")";
    }

    String protocol() {
        return protocol;
    }

    /** {@code localhost}, {@code *.localhost}, or a literal loopback address; no name is looked up. */
    static boolean isLoopback(String host) {
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return true;
        }
        if (!name.matches("[0-9.]+|\\[?[0-9a-f:.]+]?")) {
            return false;
        }
        try {
            return InetAddress.getByName(name.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static boolean hasPassword(Session container, Properties properties, String protocol, int port) {
        if (isTrue(properties, "mail." + protocol + ".auth")) {
            return true;
        }
        String user = first(properties.getProperty("mail." + protocol + ".user"), properties.getProperty("mail.user"),
                null);
        PasswordAuthentication credentials = container.requestPasswordAuthentication(null, port, protocol, null, user);
        return credentials != null && credentials.getPassword() != null && !credentials.getPassword().isEmpty();
    }

    private static void setDefault(Properties properties, String name, int value) {
        String given = properties.getProperty(name);
        if (given == null || given.isBlank()) {
            properties.setProperty(name, String.valueOf(value));
        }
    }

    private static boolean isTrue(Properties properties, String name) {
        return Boolean.parseBoolean(properties.getProperty(name, "").strip());
    }

    private static String first(String a, String b, String fallback) {
        if (a != null && !a.isBlank()) {
            return a.strip();
        }
        if (b != null && !b.isBlank()) {
            return b.strip();
        }
        return fallback;
    }
}
