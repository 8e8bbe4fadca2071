package dev.portcullis.vocab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostNameTest {

    static Stream<Arguments> authorities() {
        return Stream.of(
                arguments("api.example.com", "api.example.com"),
                arguments("API.Example.COM", "api.example.com"),
                arguments("api.example.com.", "api.example.com"),
                arguments("api.example.com:8443", "api.example.com"),
                arguments("API.EXAMPLE.COM.:443", "api.example.com"),
                arguments("localhost:8080", "localhost"),
                arguments("127.0.0.1:8080", "127.0.0.1"),
                arguments("under_score.example", "under_score.example"),
                arguments("[::1]", "[::1]"),
                arguments("[::1]:80", "[::1]"),
                arguments("[2001:DB8::1]:8443", "[2001:db8::1]"),
                arguments("[::ffff:10.0.0.1]:80", "[::ffff:10.0.0.1]"));
    }

    @ParameterizedTest
    @MethodSource("authorities")
    void readsTheHostOfAnAuthority(String authority, String host) {
        assertThat(HostName.fromAuthority(authority)).isEqualTo(host);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", ":80", "host:", "host:abc", "host:-1", "host:8a", "host:1234567", "host:65536", "host:99999", "host:80:80",
        "host: 80", "[]", "[]:80", "[::1", "[::1]x", "[::1]:", "[::1]:http", "::1", "[a b]", "[::1]/x", "[evil.example/x]:80",
        "exa mple.com", "a/b", "a@b", "user@host:80", "a%2eb", "caf\u00e9.example", "a\\b", "a?b", "a#b",
        "a,b"})
    void refusesWhatIsNotAPlausibleAuthority(String authority) {
        assertThat(HostName.fromAuthority(authority)).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {261, 1000})
    void refusesOverlongAuthorities(int length) {
        assertThat(HostName.fromAuthority("a".repeat(length))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"api.example.com", "localhost", "a", "a-b.c-d.example", "API.EXAMPLE.COM.",
        "xn--bcher-kva.example", "10.0.0.1"})
    void validHostPatterns(String host) {
        assertThat(HostName.isValidPattern(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-a.example", "a-.example", "a..b", ".a", "a_b.example", "*.example.com",
        "a b", "a.example:80", "[::1]", "caf\u00e9.example"})
    void invalidHostPatterns(String host) {
        assertThat(HostName.isValidPattern(host)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {254, 300})
    void hostPatternsAreAtMost253Characters(int length) {
        String host = ("a".repeat(62) + ".").repeat(5).substring(0, length - 1) + "a";

        assertThat(HostName.isValidPattern(host)).isFalse();
    }

    static Stream<Arguments> canonical() {
        return Stream.of(
                arguments("api.example.com", "api.example.com"),
                arguments("API.Example.COM.", "api.example.com"),
                arguments("LOCALHOST", "localhost"));
    }

    @ParameterizedTest
    @MethodSource("canonical")
    void canonicalIsLowerCaseWithoutTrailingDot(String host, String expected) {
        assertThat(HostName.canonical(host)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LocalHost", "127.0.0.1", "127.1.2.3", "127.255.255.255", "::1", "[::1]"})
    void loopback(String host) {
        assertThat(HostName.isLoopback(host)).isTrue();
    }

    /** Plain http is allowed for loopback only, so a name that merely starts with "127." must not pass. */
    @ParameterizedTest
    @ValueSource(strings = {"127.attacker.example", "127.0.0.1.nip.io", "127.0.0.1.attacker.example", "127.",
        "10.0.0.1", "128.0.0.1", "0.0.0.0", "::2", "[::2]", "example.com", "localhost.attacker.example"})
    void notLoopback(String host) {
        assertThat(HostName.isLoopback(host)).isFalse();
    }
}
