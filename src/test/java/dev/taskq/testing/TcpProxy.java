package dev.taskq.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback for fault tests: forwards to a target until told otherwise. {@link #blackHole()} makes
 * every open connection half-open — bytes are swallowed in both directions, nothing is closed, as when a host
 * vanishes without FIN or RST — while connections opened afterwards are forwarded normally.
 * {@link #swallowReplies()} lets requests through but drops what the target answers, then cuts the connection: a
 * lost reply. {@link #cut()} is a network cut: every connection, open or opened until {@link #heal()}, is
 * black-holed.
 */
public final class TcpProxy implements AutoCloseable {

    private enum Mode { FORWARD, BLACK_HOLE, SWALLOW_REPLIES }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    /** Between {@link #cut()} and {@link #heal()}: new connections are black-holed too. */
    private volatile boolean cut;

    public TcpProxy(int targetPort) throws IOException {
        target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "tcp-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Every connection open now stops forwarding for good, without being closed; new ones are forwarded. */
    public void blackHole() {
        links.forEach(link -> link.mode = Mode.BLACK_HOLE);
    }

    /**
     * A network cut: every open connection is black-holed, and so is every connection opened until {@link #heal()}:
     * the proxy accepts it (a listening socket completes the handshake anyway) but lets nothing through, so a
     * client's first command on it times out, as its connection attempt would across a real cut.
     */
    public void cut() {
        cut = true;
        blackHole();
    }

    /**
     * The cut ends: connections opened from now on are forwarded. Those black-holed stay so, and what was sent on
     * them is lost — unlike a real network, which delivers it late (TCP retransmits) and where a connection left
     * idle through the cut works again: a client finds out on its next use of one, within its timeout.
     */
    public void heal() {
        cut = false;
    }

    /** Replies on connections open now are dropped; the first dropped reply cuts its connection. */
    public void swallowReplies() {
        links.forEach(link -> link.mode = Mode.SWALLOW_REPLIES);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 2000);
                Link link = new Link(client, upstream);
                links.add(link);
                // Looked at after the link is listed: a cut() that did not see it has set the flag already.
                if (cut) {
                    link.mode = Mode.BLACK_HOLE;
                }
                link.start();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        links.forEach(Link::close);
    }

    private final class Link {

        private final Socket client;
        private final Socket upstream;
        private volatile Mode mode = Mode.FORWARD;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() throws IOException {
            pump(client.getInputStream(), upstream.getOutputStream(), false);
            pump(upstream.getInputStream(), client.getOutputStream(), true);
        }

        private void pump(InputStream in, OutputStream out, boolean replies) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try {
                    int read;
                    while ((read = in.read(buffer)) >= 0) {
                        Mode now = mode;
                        if (now == Mode.FORWARD || (now == Mode.SWALLOW_REPLIES && !replies)) {
                            out.write(buffer, 0, read);
                            out.flush();
                        } else if (now == Mode.SWALLOW_REPLIES) {
                            close();
                            return;
                        }
                        // BLACK_HOLE: swallowed, and the connection stays open.
                    }
                } catch (IOException e) {
                    // One side closed: close both.
                }
                if (mode != Mode.BLACK_HOLE) {
                    close();
                }
            }, "tcp-proxy-pump");
            thread.setDaemon(true);
            thread.start();
        }

        void close() {
            links.remove(this);
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                upstream.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
