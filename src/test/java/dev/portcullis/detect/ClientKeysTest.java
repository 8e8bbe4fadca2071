package dev.portcullis.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.Cidr;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** IPv4 addresses are keys as they are; IPv6 addresses share the key of their /64. */
class ClientKeysTest {

    @ParameterizedTest
    @CsvSource({
        "203.0.113.9, 203.0.113.9",
        "::ffff:203.0.113.9, 203.0.113.9",
        "2001:db8:1:2:3:4:5:6, 2001:db8:1:2::/64",
        "2001:db8:1:2:ffff:ffff:ffff:ffff, 2001:db8:1:2::/64",
        "::1, 0:0:0:0::/64",
        "fe80::1, fe80:0:0:0::/64"})
    void keyOf(String address, String key) throws Exception {
        assertThat(ClientKeys.of(InetAddress.getByName(address))).isEqualTo(key);
    }

    /** Trusted: 10.0.0.0/8 and 2001:db8:ffff::/48 (the proxies in front of us). */
    private static final List<Cidr> PROXIES = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8:ffff::/48"));
    private static final Predicate<InetAddress> TRUSTED = a -> PROXIES.stream().anyMatch(c -> c.contains(a));

    /** Headers are separated by '|'; '-' is "no key from the header" (the connection's key is kept). */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "198.51.100.7; 198.51.100.7",
        "198.51.100.7, 10.0.0.2; 198.51.100.7",
        "192.0.2.1, 198.51.100.7, 10.0.0.2, 10.1.1.1; 198.51.100.7",
        "192.0.2.1, 198.51.100.7|10.0.0.2; 198.51.100.7",
        "  198.51.100.7 ,10.0.0.2 ; 198.51.100.7",
        "2001:db8:1:2::5, 2001:db8:ffff::1; 2001:db8:1:2::/64",
        "[2001:db8:1:2::5]; 2001:db8:1:2::/64",
        "10.0.0.3, 10.0.0.2; 10.0.0.3",
        "evil.example, 10.0.0.2; -",
        "198.51.100.7, unknown; -",
        "198.51.100.7:4711; -",
        "999.1.1.1; -",
        "1.2.3; -",
        "127.1; -",
        "; -",
        "0x7f.1.1.1; -",
        "::ffff:198.51.100.7; 198.51.100.7"})
    void forwardedFor(String headers, String key) {
        List<String> h = headers == null ? List.of() : Arrays.asList(headers.split("\\|"));
        assertThat(ClientKeys.forwarded(h, TRUSTED)).isEqualTo(key.equals("-") ? null : key);
    }

    @ParameterizedTest
    @CsvSource({"localhost", "example.com", "a.b.c.d", "1.2.3.4.5", "::g", "[::1", "01234567890123456789012345678901234567890123:"})
    void onlyLiteralsAreReadNeverNames(String text) {
        assertThat(ClientKeys.literal(text)).isNull();
    }

    @org.junit.jupiter.api.Test
    void aChainLongerThanAnyRealOneStopsAtItsLastTrustedHop() {
        String chain = String.join(", ", java.util.Collections.nCopies(ClientKeys.MAX_HOPS + 5, "10.0.0.9"));
        assertThat(ClientKeys.forwarded(List.of("198.51.100.7, " + chain), TRUSTED)).isEqualTo("10.0.0.9");
    }
}
