package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/8", "192.168.1.7", "192.168.1.7/32", "0.0.0.0/0", "::1", "::1/128",
        "fd00::/8", "2001:db8::/32", "::/0"})
    void acceptsAddressesAndBlocks(String text) {
        assertThat(Cidr.isValid(text)).isTrue();
    }

    /**
     * Only literal addresses: a name (even one spelled in hex digits, like {@code cafe.de}) would
     * be resolved through DNS at load time, and the short forms {@code 10/8} or {@code 127.1} mean
     * something else to Java ({@code 0.0.0.10}, {@code 127.0.0.1}) than to the person who wrote them.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "/8", "10.0.0.0/33", "::1/129", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/x",
        "10.0.0.0/8/8", "example.com", "localhost", "10.0.0.256", "1.2.3.4.5", " 10.0.0.0/8",
        "10/8", "10", "127.1", "1.2.3", "cafe.de", "bad.cafe", "deadbeef"})
    void refusesAnythingElse(String text) {
        assertThat(Cidr.isValid(text)).isFalse();
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> membership() {
        return Stream.of(
                arguments("10.0.0.0/8", "10.0.0.0", true),
                arguments("10.0.0.0/8", "10.255.255.255", true),
                arguments("10.0.0.0/8", "11.0.0.0", false),
                arguments("10.0.0.0/8", "9.255.255.255", false),
                arguments("10.0.0.0/9", "10.127.255.255", true),
                arguments("10.0.0.0/9", "10.128.0.0", false),
                arguments("192.168.1.7", "192.168.1.7", true),
                arguments("192.168.1.7", "192.168.1.8", false),
                arguments("192.168.1.0/31", "192.168.1.1", true),
                arguments("192.168.1.0/31", "192.168.1.2", false),
                arguments("0.0.0.0/0", "203.0.113.9", true),
                arguments("0.0.0.0/0", "::1", false),
                arguments("::1", "::1", true),
                arguments("::1", "127.0.0.1", false),
                arguments("fd00::/8", "fd12:3456::1", true),
                arguments("fd00::/8", "fe80::1", false),
                arguments("2001:db8::/33", "2001:db8:7fff::1", true),
                arguments("2001:db8::/33", "2001:db8:8000::1", false));
    }

    @ParameterizedTest
    @MethodSource("membership")
    void containsExactlyTheAddressesOfItsBlock(String cidr, String address, boolean expected)
            throws UnknownHostException {
        assertThat(Cidr.parse(cidr).contains(InetAddress.getByName(address))).isEqualTo(expected);
    }
}
