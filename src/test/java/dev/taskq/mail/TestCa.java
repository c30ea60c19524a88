package dev.taskq.mail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority made for the tests with the JDK's keytool, under target/test-ca/: a CA certificate and
 * server certificates it signed for given host names. Nothing here is trusted by the JVM unless a test says so.
 */
final class TestCa {

    static final String PASSWORD = "changeit";
    private static final Path DIRECTORY = Path.of("target", "test-ca");

    private static TestCa instance;

    private TestCa() throws IOException {
        Files.createDirectories(DIRECTORY);
        if (!Files.exists(DIRECTORY.resolve("ca.pem"))) {
            keytool("-genkeypair", "-keystore", "ca.p12", "-alias", "ca", "-dname", "CN=taskq test CA",
                    "-keyalg", "EC", "-validity", "30", "-ext", "bc:c");
            keytool("-exportcert", "-keystore", "ca.p12", "-alias", "ca", "-rfc", "-file", "ca.pem");
        }
    }

    static synchronized TestCa get() throws IOException {
        if (instance == null) {
            instance = new TestCa();
        }
        return instance;
    }

    /** A server's TLS context with a certificate for {@code hostName} (and 127.0.0.1), signed by this CA. */
    SSLContext serverFor(String hostName) throws IOException, GeneralSecurityException {
        String store = "server-" + hostName + ".p12";
        if (!Files.exists(DIRECTORY.resolve(store))) {
            keytool("-genkeypair", "-keystore", store, "-alias", "server", "-dname", "CN=" + hostName,
                    "-keyalg", "EC", "-validity", "30");
            keytool("-certreq", "-keystore", store, "-alias", "server", "-file", hostName + ".csr");
            keytool("-gencert", "-keystore", "ca.p12", "-alias", "ca", "-infile", hostName + ".csr",
                    "-outfile", hostName + ".pem", "-rfc", "-validity", "30",
                    "-ext", "san=dns:" + hostName + (hostName.equals("localhost") ? ",ip:127.0.0.1" : ""));
            keytool("-importcert", "-keystore", store, "-alias", "ca", "-file", "ca.pem", "-noprompt");
            keytool("-importcert", "-keystore", store, "-alias", "server", "-file", hostName + ".pem");
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(DIRECTORY.resolve(store))) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    /** A client's TLS context that trusts this CA only (what a custom trust store gives a server). */
    SSLContext clientTrustingThisCa() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(DIRECTORY.resolve("ca.pem"))) {
            trust.setCertificateEntry("taskq-test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context;
    }

    /**
     * A PKCS12 trust store holding this CA only, made the way README tells an operator to make one
     * ({@code keytool -importcert}); its password is {@link #PASSWORD}.
     */
    Path trustStore() throws IOException {
        Path store = DIRECTORY.resolve("truststore.p12");
        if (!Files.exists(store)) {
            keytool("-importcert", "-keystore", store.getFileName().toString(), "-alias", "smtp-ca",
                    "-file", "ca.pem", "-noprompt");
        }
        return store.toAbsolutePath();
    }

    private static void keytool(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storepass", PASSWORD, "-storetype", "PKCS12"));
        Process process = new ProcessBuilder(command).directory(DIRECTORY.toFile()).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("keytool " + String.join(" ", arguments) + " failed: "
                        + new String(process.getInputStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
