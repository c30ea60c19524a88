package dev.taskq.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority made for the tests with the JDK's keytool, under target/test-ca/: a CA certificate and
 * server certificates it signed for given host names, and client certificates. Nothing here is trusted by the JVM
 * unless a test says so. Servers written in Java take an {@link SSLContext}; others (redis-server) take PEM files.
 */
public final class TestCa {

    /** The password of every store made here. */
    public static final String PASSWORD = "changeit";
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

    public static synchronized TestCa get() throws IOException {
        if (instance == null) {
            instance = new TestCa();
        }
        return instance;
    }

    /** A server's TLS context with a certificate for {@code hostName} (and 127.0.0.1), signed by this CA. */
    public SSLContext serverFor(String hostName) throws IOException, GeneralSecurityException {
        KeyStore keys = load(serverStore(hostName));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    /** The files a server written in C is given: its certificate, its private key (PKCS #8) and the CA's, in PEM. */
    public record PemFiles(Path certificate, Path key, Path ca) {
    }

    /** {@link #serverFor}'s certificate and key as PEM files. */
    public PemFiles pemFilesFor(String hostName) throws IOException, GeneralSecurityException {
        Path store = serverStore(hostName);
        Path key = DIRECTORY.resolve(hostName + ".key");
        if (!Files.exists(key)) {
            byte[] encoded = load(store).getKey("server", PASSWORD.toCharArray()).getEncoded();
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(encoded)
                    + "\n-----END PRIVATE KEY-----\n");
        }
        return new PemFiles(DIRECTORY.resolve(hostName + ".pem").toAbsolutePath(), key.toAbsolutePath(),
                DIRECTORY.resolve("ca.pem").toAbsolutePath());
    }

    /**
     * A PKCS12 trust store holding this CA only, made the way README tells an operator to make one
     * ({@code keytool -importcert}); its password is {@link #PASSWORD}. For REDIS_TLS_TRUSTSTORE and the JVM's.
     */
    public Path trustStore() throws IOException {
        Path store = DIRECTORY.resolve("truststore.p12");
        if (!Files.exists(store)) {
            keytool("-importcert", "-keystore", "truststore.p12", "-alias", "taskq-test-ca", "-file", "ca.pem",
                    "-noprompt");
        }
        return store.toAbsolutePath();
    }

    /** A PKCS12 key store (password {@value #PASSWORD}) with a client certificate for {@code name}, signed by this CA. */
    public Path clientKeyStore(String name) throws IOException {
        String store = "client-" + name + ".p12";
        if (!Files.exists(DIRECTORY.resolve(store))) {
            signed(store, "client", "client-" + name, null);
        }
        return DIRECTORY.resolve(store).toAbsolutePath();
    }

    private Path serverStore(String hostName) throws IOException {
        String store = "server-" + hostName + ".p12";
        if (!Files.exists(DIRECTORY.resolve(store))) {
            signed(store, "server", hostName,
                    "san=dns:" + hostName + (hostName.equals("localhost") ? ",ip:127.0.0.1" : ""));
        }
        return DIRECTORY.resolve(store);
    }

    /** A key pair in {@code store} under {@code alias}, its certificate (FILE.pem, CN=FILE) signed by the CA. */
    private static void signed(String store, String alias, String file, String extension) throws IOException {
        keytool("-genkeypair", "-keystore", store, "-alias", alias, "-dname", "CN=" + file,
                "-keyalg", "EC", "-validity", "30");
        keytool("-certreq", "-keystore", store, "-alias", alias, "-file", file + ".csr");
        List<String> sign = new ArrayList<>(List.of("-gencert", "-keystore", "ca.p12", "-alias", "ca",
                "-infile", file + ".csr", "-outfile", file + ".pem", "-rfc", "-validity", "30"));
        if (extension != null) {
            sign.addAll(List.of("-ext", extension));
        }
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-keystore", store, "-alias", "ca", "-file", "ca.pem", "-noprompt");
        keytool("-importcert", "-keystore", store, "-alias", alias, "-file", file + ".pem");
    }

    private static KeyStore load(Path store) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        return keys;
    }

    /** A client's TLS context that trusts this CA only (what a custom trust store gives a server). */
    public SSLContext clientTrustingThisCa() throws IOException, GeneralSecurityException {
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
