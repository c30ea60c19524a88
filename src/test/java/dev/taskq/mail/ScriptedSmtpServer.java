package dev.taskq.mail;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small real SMTP server for the tests that need what GreenMail does not do: STARTTLS with a test CA's
 * certificate, implicit TLS, a chosen reply to RCPT, a greeting that never comes. It listens on 127.0.0.1, speaks
 * EHLO, STARTTLS, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP and QUIT, and records every command (AUTH as
 * {@code AUTH <mechanism>}, without the credentials) and every mail it accepted.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    /** A mail the server accepted: whether the session was under TLS, who authenticated, and the raw data. */
    record Received(boolean tls, String user, String recipient, String data) {
    }

    // Read by each new session: a test may change them while the server runs.
    private volatile SSLContext tls;
    private volatile boolean implicitTls;
    private volatile boolean offerStartTls;
    private volatile boolean silent;
    private volatile String greeting = "220 scripted.test ESMTP";
    private volatile Function<String, String> rcptReply = recipient -> "250 2.1.5 ok";

    private final ServerSocket socket;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    ScriptedSmtpServer() throws IOException {
        this(0);
    }

    /** On a given port of 127.0.0.1 (0: any free one), e.g. the one the application's mail session points at. */
    ScriptedSmtpServer(int port) throws IOException {
        socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    }

    /** Offers STARTTLS, with the certificate of {@code context}. */
    ScriptedSmtpServer startTls(SSLContext context) {
        tls = context;
        offerStartTls = true;
        return this;
    }

    /** Speaks TLS from the first byte (SMTPS, port 465 style). */
    ScriptedSmtpServer implicitTls(SSLContext context) {
        tls = context;
        implicitTls = true;
        return this;
    }

    /** Accepts connections and never says a word. */
    ScriptedSmtpServer silent() {
        silent = true;
        return this;
    }

    ScriptedSmtpServer greeting(String line) {
        greeting = line;
        return this;
    }

    /** The reply to {@code RCPT TO:<recipient>}. */
    ScriptedSmtpServer rcptReply(Function<String, String> reply) {
        rcptReply = reply;
        return this;
    }

    ScriptedSmtpServer start() {
        Thread acceptor = new Thread(this::accept, "scripted-smtp-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
        return this;
    }

    int port() {
        return socket.getLocalPort();
    }

    List<String> commands() {
        return List.copyOf(commands);
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = socket.accept();
                clients.add(client);
                Thread session = new Thread(() -> serve(client), "scripted-smtp-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket plain) {
        try {
            if (silent) {
                // Read and discard whatever comes, answer nothing, until the client gives up.
                while (plain.getInputStream().read() >= 0) {
                    // nothing
                }
                return;
            }
            Socket connection = implicitTls ? upgrade(plain) : plain;
            new Session(connection, implicitTls).run();
        } catch (IOException e) {
            // The client went away or the handshake failed: that is what some tests are about.
        } finally {
            try {
                plain.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private SSLSocket upgrade(Socket plain) throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
        secure.setUseClientMode(false);
        secure.startHandshake();
        return secure;
    }

    /** One SMTP conversation. */
    private final class Session {

        private Socket connection;
        private boolean underTls;
        private BufferedReader in;
        private OutputStream out;
        private String user;
        private String recipient;

        Session(Socket connection, boolean underTls) throws IOException {
            this.underTls = underTls;
            use(connection);
        }

        private void use(Socket socket) throws IOException {
            connection = socket;
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void run() throws IOException {
            reply(greeting);
            if (!greeting.startsWith("220")) {
                return;
            }
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                commands.add(command.equals("AUTH") ? "AUTH " + line.split(" ")[1] : line);
                switch (command) {
                    case "EHLO" -> reply("250-scripted.test\r\n"
                            + (offerStartTls && !underTls ? "250-STARTTLS\r\n" : "")
                            // AUTH is offered even in clear text: a client that would send a password unprotected
                            // gets the chance to (and the test sees it).
                            + "250-AUTH PLAIN LOGIN\r\n250 8BITMIME");
                    case "HELO" -> reply("250 scripted.test");
                    case "STAR" -> {
                        if (!offerStartTls || underTls) {
                            reply("502 5.5.1 not offered");
                        } else {
                            reply("220 2.0.0 go ahead");
                            use(upgrade(connection));
                            underTls = true;
                        }
                    }
                    case "AUTH" -> auth(line);
                    case "MAIL" -> reply("250 2.1.0 ok");
                    case "RCPT" -> {
                        recipient = line.replaceAll("(?i)^RCPT TO:\\s*<?([^>]*)>?.*$", "$1");
                        reply(rcptReply.apply(recipient));
                    }
                    case "DATA" -> data();
                    case "RSET", "NOOP" -> reply("250 2.0.0 ok");
                    case "QUIT" -> {
                        reply("221 2.0.0 bye");
                        return;
                    }
                    default -> reply("500 5.5.2 unknown command");
                }
            }
        }

        private void auth(String line) throws IOException {
            String[] words = line.split(" ");
            String credentials;
            if (words[1].equalsIgnoreCase("PLAIN")) {
                if (words.length > 2) {
                    credentials = words[2];
                } else {
                    reply("334 ");
                    credentials = in.readLine();
                }
                String[] fields = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8)
                        .split("\u0000");
                user = fields[1];
            } else {
                reply("334 " + Base64.getEncoder().encodeToString("Username:".getBytes(StandardCharsets.UTF_8)));
                user = new String(Base64.getDecoder().decode(in.readLine()), StandardCharsets.UTF_8);
                reply("334 " + Base64.getEncoder().encodeToString("Password:".getBytes(StandardCharsets.UTF_8)));
                in.readLine();
            }
            reply("235 2.7.0 authenticated");
        }

        private void data() throws IOException {
            reply("354 end with <CRLF>.<CRLF>");
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            String line;
            while ((line = in.readLine()) != null && !line.equals(".")) {
                data.writeBytes((line.startsWith("..") ? line.substring(1) : line).getBytes(StandardCharsets.UTF_8));
                data.write('\n');
            }
            received.add(new Received(underTls, user, recipient, data.toString(StandardCharsets.UTF_8)));
            reply("250 2.0.0 queued");
        }

        private void reply(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
        for (Socket client : clients) {
            client.close();
        }
    }
}
