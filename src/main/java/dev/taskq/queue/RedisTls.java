package dev.taskq.queue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS towards Redis ({@code rediss://}): Redis' certificate must chain to the given trust store (or the JVM's) and
 * name the host of the URL (checked during the handshake, as HTTPS does); a client certificate is shown when a key
 * store is given. The stores are read once, so a wrong path or password fails the deployment, not each connection.
 */
final class RedisTls {

    private static final Logger LOG = Logger.getLogger(RedisTls.class.getName());
    /**
     * Whether a refusal has been logged since the last certificate that passed: a wrong certificate is logged once per
     * deployment, not once per connection attempt of every consumer, pool and subscription.
     */
    private static final AtomicBoolean REFUSAL_LOGGED = new AtomicBoolean();

    private final SSLSocketFactory socketFactory;

    private RedisTls(SSLSocketFactory socketFactory) {
        this.socketFactory = socketFactory;
    }

    /**
     * @param trustStore empty: the JVM's trust store ({@code javax.net.ssl.trustStore} or the JDK's cacerts)
     * @param keyStore   empty: no client certificate
     */
    static RedisTls of(Optional<Path> trustStore, Optional<String> trustStorePassword,
                       Optional<Path> keyStore, Optional<String> keyStorePassword) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore.isPresent() ? load(trustStore.get(), trustStorePassword) : null);
            KeyManager[] keyManagers = null;
            if (keyStore.isPresent()) {
                char[] password = keyStorePassword.map(String::toCharArray).orElse(new char[0]);
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(keyStore.get(), keyStorePassword), password);
                keyManagers = keys.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, new TrustManager[] {new LoggingTrustManager(x509(trust))}, null);
            return new RedisTls(context.getSocketFactory());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read the Redis TLS trust store or key store"
                    + " (REDIS_TLS_TRUSTSTORE, REDIS_TLS_KEYSTORE and their passwords): " + e.getMessage(), e);
        }
    }

    SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    /** Parameters that make the handshake check the host name against the certificate (RFC 2818 rules). */
    static SSLParameters parameters() {
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }

    private static KeyStore load(Path file, Optional<String> password) throws IOException, GeneralSecurityException {
        // PKCS12 or JKS, whichever the file is.
        return KeyStore.getInstance(file.toFile(), password.map(String::toCharArray).orElse(null));
    }

    private static X509ExtendedTrustManager x509(TrustManagerFactory factory) {
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JVM offers no X.509 trust manager");
    }

    /** The JVM's checks, unchanged; a refused server certificate is logged in one line saying why and whose. */
    private static final class LoggingTrustManager extends X509ExtendedTrustManager {

        private final X509ExtendedTrustManager checks;

        LoggingTrustManager(X509ExtendedTrustManager checks) {
            this.checks = checks;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            try {
                checks.checkServerTrusted(chain, authType, socket);
            } catch (CertificateException e) {
                refused(chain, socket instanceof SSLSocket ssl ? ssl.getHandshakeSession().getPeerHost()
                        + ":" + socket.getPort() : String.valueOf(socket.getRemoteSocketAddress()), e);
                throw e;
            }
            REFUSAL_LOGGED.set(false);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checks.checkServerTrusted(chain, authType, engine); // Jedis uses sockets, not engines
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            checks.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checks.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checks.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            checks.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return checks.getAcceptedIssuers();
        }

        private static void refused(X509Certificate[] chain, String server, CertificateException e) {
            if (REFUSAL_LOGGED.compareAndSet(false, true)) {
                String subject = chain.length == 0 ? "none" : chain[0].getSubjectX500Principal().getName();
                String reason = String.valueOf(e.getMessage()).replaceFirst("\\.$", "");
                LOG.severe(() -> "Refused the TLS certificate of Redis at " + server + " (subject " + subject
                        + "): " + reason + ". Nothing is sent to this Redis until it shows a certificate for this"
                        + " host name that REDIS_TLS_TRUSTSTORE (or the JVM's trust store) trusts");
            }
        }
    }
}
