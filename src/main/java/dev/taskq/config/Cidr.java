package dev.taskq.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IP network such as {@code 10.0.0.0/8} or {@code 2001:db8::/32} (a single address is a /32 or /128), and the
 * parsing of IP literals without ever asking DNS.
 */
public record Cidr(byte[] network, int prefixLength) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** @throws IllegalArgumentException naming the value when it is not a network */
    public static Cidr parse(String text) {
        String[] parts = text.trim().split("/", -1);
        InetAddress address = literal(parts[0])
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not an IP address or network"));
        int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (parts.length == 2 && parts[1].matches("\\d{1,3}")) {
            prefix = Integer.parseInt(parts[1]);
        } else if (parts.length != 1) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("'" + text + "' has no valid prefix length (0-" + bits + ")");
        }
        return new Cidr(address.getAddress(), prefix);
    }

    /**
     * The address written in {@code text} (IPv4 dotted quad, or IPv6, optionally in brackets), or empty when it is
     * none; an IPv4-mapped IPv6 address comes back as IPv4. Never resolves a host name.
     */
    public static Optional<InetAddress> literal(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String value = text.trim();
        if (value.startsWith("[") && value.endsWith("]")) {
            value = value.substring(1, value.length() - 1);
        }
        if (!IPV4.matcher(value).matches() && !IPV6.matcher(value).matches()) {
            return Optional.empty();
        }
        try {
            // Safe: a literal of this shape is parsed, never looked up.
            return Optional.of(InetAddress.getByName(value));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (candidate[full] & mask) == (network[full] & mask);
    }
}
