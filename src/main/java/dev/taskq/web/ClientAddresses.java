package dev.taskq.web;

import dev.taskq.config.Cidr;
import dev.taskq.config.TaskqSettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who sent a request, as the key its per-client limits count under. That is the peer's address, unless the peer
 * is a configured trusted proxy: then the configured forwarded-for header is read from the right, skipping trusted
 * proxies, and the first other hop is the client (hops further left were written by the client and prove nothing).
 * IPv6 clients count by their /64 network, since one subscriber usually holds a whole /64.
 */
@ApplicationScoped
public class ClientAddresses {

    private static final int MAX_UNPARSED = 64;

    @Inject
    TaskqSettings settings;

    private List<Cidr> trusted;
    private boolean forwardedSyntax;
    private String header;

    @PostConstruct
    void read() {
        trusted = settings.trustedProxies();
        header = settings.forwardedHeader();
        forwardedSyntax = header.equalsIgnoreCase("Forwarded");
    }

    /** The client's key for this request. */
    public String of(HttpServletRequest request) {
        List<String> values = trusted.isEmpty() ? List.of() : Collections.list(request.getHeaders(header));
        return resolve(request.getRemoteAddr(), values, trusted, forwardedSyntax);
    }

    /**
     * @param peer            the TCP peer's address
     * @param headerValues    every value of the forwarded-for header, in the order received
     * @param forwardedSyntax the header is RFC 7239 {@code Forwarded} ({@code for=…}) rather than X-Forwarded-For
     */
    static String resolve(String peer, List<String> headerValues, List<Cidr> trusted, boolean forwardedSyntax) {
        Optional<InetAddress> peerAddress = Cidr.literal(peer);
        if (peerAddress.isEmpty()) {
            return bounded(peer);
        }
        if (!isTrusted(peerAddress.get(), trusted)) {
            return key(peerAddress.get());
        }
        List<String> hops = hops(headerValues, forwardedSyntax);
        InetAddress client = peerAddress.get();
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = Cidr.literal(hops.get(i));
            if (hop.isEmpty()) {
                // Written by a trusted proxy that hides the address ("unknown", an obfuscated name).
                return bounded(hops.get(i));
            }
            client = hop.get();
            if (!isTrusted(client, trusted)) {
                break;
            }
        }
        return key(client);
    }

    private static boolean isTrusted(InetAddress address, List<Cidr> trusted) {
        return trusted.stream().anyMatch(network -> network.contains(address));
    }

    /** The addresses a header lists, leftmost first, without ports or quotes. */
    static List<String> hops(List<String> headerValues, boolean forwardedSyntax) {
        List<String> hops = new ArrayList<>();
        for (String value : headerValues) {
            for (String element : value.split(",")) {
                String hop = forwardedSyntax ? forParameter(element) : element.trim();
                if (hop != null && !hop.isEmpty()) {
                    hops.add(withoutPort(hop));
                }
            }
        }
        return hops;
    }

    /** The {@code for=} of one RFC 7239 element, unquoted; null when it has none. */
    private static String forParameter(String element) {
        for (String pair : element.split(";")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).trim().equalsIgnoreCase("for")) {
                String value = pair.substring(equals + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
        }
        return null;
    }

    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end > 0 ? hop.substring(0, end + 1) : hop;
        }
        int colon = hop.indexOf(':');
        // One colon: IPv4 (or a name) with a port; more: a bare IPv6 address.
        return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }

    static String key(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            StringBuilder network = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                network.append(Integer.toHexString((bytes[i] & 0xff) << 8 | bytes[i + 1] & 0xff)).append(':');
            }
            return network.append(":/64").toString();
        }
        return address.getHostAddress();
    }

    private static String bounded(String value) {
        String text = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return text.length() > MAX_UNPARSED ? text.substring(0, MAX_UNPARSED) : text;
    }
}
