package dev.taskq.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taskq.config.Cidr;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {

    private static final List<Cidr> PROXIES = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8:ffff::/48"));

    private static String xff(String peer, String... values) {
        return ClientAddresses.resolve(peer, List.of(values), PROXIES, false);
    }

    @Test
    void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays() {
        assertEquals("203.0.113.7",
                ClientAddresses.resolve("203.0.113.7", List.of("198.51.100.1"), List.of(), false));
    }

    @Test
    void aPeerThatIsNoTrustedProxyCannotForgeItsAddress() {
        assertEquals("203.0.113.7", xff("203.0.113.7", "198.51.100.1"));
    }

    @Test
    void behindATrustedProxyTheRightmostUntrustedHopIsTheClient() {
        assertEquals("198.51.100.1", xff("10.0.0.5", "198.51.100.1"));
        // A client that sends its own X-Forwarded-For only adds hops to the left of the one the proxy wrote.
        assertEquals("198.51.100.1", xff("10.0.0.5", "6.6.6.6, 198.51.100.1"));
        assertEquals("198.51.100.1", xff("10.0.0.5", "6.6.6.6", "198.51.100.1, 10.1.1.1"));
        assertEquals("10.0.0.9", xff("10.0.0.5", "10.0.0.9"), "only proxies: the leftmost");
        assertEquals("10.0.0.5", xff("10.0.0.5"), "no header: the proxy itself");
    }

    @Test
    void theForwardedHeaderIsReadFromItsForParameters() {
        List<String> forwarded = List.of("for=6.6.6.6, for=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.0.0.5");
        assertEquals("2001:db8:cafe:0::/64", ClientAddresses.resolve("10.0.0.5", forwarded, PROXIES, true));
        assertEquals("192.0.2.60", ClientAddresses.resolve("10.0.0.5", List.of("For=192.0.2.60:8080"), PROXIES,
                true));
    }

    @Test
    void ipv6ClientsCountByTheirSlash64AndMappedIpv4AsIpv4() {
        assertEquals("2001:db8:1:2::/64", xff("2001:db8:1:2:aaaa::1"));
        assertEquals(xff("2001:db8:1:2::1"), xff("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assertEquals("192.0.2.1", xff("::ffff:192.0.2.1"));
    }

    @Test
    void aHiddenAddressFromATrustedProxyCountsAsItIsWritten() {
        assertEquals("unknown", xff("10.0.0.5", "unknown"));
    }

    @Test
    void networksMatchByPrefixAndHostNamesAreNeverResolved() {
        assertTrue(Cidr.parse("192.168.0.0/16").contains(Cidr.literal("192.168.255.1").orElseThrow()));
        assertFalse(Cidr.parse("192.168.0.0/16").contains(Cidr.literal("192.169.0.1").orElseThrow()));
        assertTrue(Cidr.parse("10.0.0.0/9").contains(Cidr.literal("10.127.0.1").orElseThrow()));
        assertFalse(Cidr.parse("10.0.0.0/9").contains(Cidr.literal("10.128.0.1").orElseThrow()));
        assertTrue(Cidr.parse("127.0.0.1").contains(Cidr.literal("127.0.0.1").orElseThrow()));
        assertFalse(Cidr.parse("::1").contains(Cidr.literal("127.0.0.1").orElseThrow()));
        assertTrue(Cidr.literal("localhost").isEmpty(), "a name is not looked up");
        assertTrue(Cidr.literal("beef").isEmpty(), "hex digits alone are not an address");
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("proxy.example.com"));
    }
}
