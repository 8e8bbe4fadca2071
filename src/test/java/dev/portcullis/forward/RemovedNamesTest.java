package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.IdentityHeadersConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link RemovedNames} finds, character by character, the names the string rule
 * ({@link RequestHeaders#removed}: lower-case and look-alike strings, the {@code Connection} list
 * split) removes: a differential test over every name the rules know, in every case and separator
 * spelling, prefixes of the prefixed rules, non-ASCII spellings, and {@code Connection} lists.
 */
class RemovedNamesTest {
    private static final HeaderPolicy POLICY = new HeaderPolicy(IdentityHeadersConfig.defaults(),
            "X-Portcullis-Assertion", List.of());

    /** The names the string rule removes from {@code names}, with these {@code Connection} values. */
    private static Set<String> byStrings(List<String> names, List<String> connection, boolean trusted,
            boolean keepAuthorization) {
        Set<String> listed = new HashSet<>();
        for (String v : connection) {
            for (String token : v.split(",")) {
                String t = token.trim();
                if (!t.isEmpty() && HeaderPolicy.removableByConnection(HeaderPolicy.lower(t))) {
                    listed.add(HeaderPolicy.lower(t));
                }
            }
        }
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            if (RequestHeaders.removed(HeaderPolicy.lower(n), HeaderPolicy.lookalike(n), listed, POLICY, trusted,
                    keepAuthorization)) {
                out.add(n);
            }
        }
        return out;
    }

    private static Set<String> found(List<String> names, List<String> connection, boolean trusted,
            boolean keepAuthorization) {
        HttpHeaders h = new DefaultHttpHeaders(false);
        for (String n : names) {
            h.add(n, "v");
        }
        for (String c : connection) {
            h.add("Connection", c);
        }
        RemovedNames r = RemovedNames.of(h, POLICY, trusted, keepAuthorization);
        r.removeFrom(h);
        Set<String> removed = new LinkedHashSet<>();
        for (String n : names) {
            if (!h.contains(n)) {
                removed.add(n);
            }
        }
        return removed;
    }

    /** Every name a rule names, and look-alikes and near misses of them. */
    private static List<String> corpus() {
        List<String> base = new ArrayList<>(List.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
                "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate", "content-length", "host",
                "expect", "authorization", "x-real-ip", "true-client-ip", "x-client-ip", "cf-connecting-ip",
                "client-ip", "x-cluster-client-ip", "forwarded", "x-http-method-override", "x-http-method",
                "x-method-override", "x-original-url", "x-rewrite-url", "x-original-method", "proxy",
                "x-forwarded-for", "x-forwarded-", "x-forwarded", "x-forwarded-anything", "x-http2-scheme", "x-http2-",
                "x-http2", "x-auth-subject", "x-auth-groups", "x-auth-email", "x-auth-issuer", "x-auth-scopes",
                "x-portcullis-assertion", "x-request-id", "accept", "user-agent", "cookie", "x-custom", "hosts", "hos",
                "t", "tee", "x-auth-subjects", "content-type", "traceparent", "x-foo"));
        List<String> out = new ArrayList<>();
        Random random = new Random(17);
        for (String b : base) {
            out.add(b);
            out.add(b.toUpperCase(Locale.ROOT));
            out.add(mixed(b, random));
            out.add(b.replace('-', '_'));
            out.add(b.replace('-', '.'));
            out.add(mixed(b.replace('-', '_'), random));
            out.add(b.replace('k', '\u212A')); // KELVIN SIGN lower-cases to k: the string path's business
        }
        return new ArrayList<>(new LinkedHashSet<>(out));
    }

    private static String mixed(String s, Random random) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "Connection: [{0}], trusted {1}, keep Authorization {2}")
    @CsvSource(delimiter = '|', value = {
        "                                                  | false | false",
        "keep-alive                                        | false | true",
        "close                                             | true  | false",
        "X-Custom, x_foo ,Content-Length, host, ,Cookie    | false | false",
        "x-auth-subjects,  X-FOO\t, tee                    | true  | true",
        "\u212Aeep-alive, x-custom                         | false | false",
    })
    void findsWhatTheStringRuleRemoves(String connection, boolean trusted, boolean keepAuthorization) {
        List<String> values = connection == null ? List.of() : List.of(connection);
        List<String> names = corpus();
        for (int i = 0; i < names.size(); i += 20) { // a head of 20 names at a time, as a client sends them
            List<String> head = names.subList(i, Math.min(names.size(), i + 20));
            assertThat(found(head, values, trusted, keepAuthorization))
                    .as("removed from %s", head)
                    .isEqualTo(byStrings(head, values, trusted, keepAuthorization));
        }
    }

    @Test
    void twoConnectionHeadersAreBothRead() {
        List<String> names = List.of("X-One", "X-Two", "X-Three");
        assertThat(found(names, List.of("x-one", "X-TWO"), false, false))
                .containsExactlyInAnyOrder("X-One", "X-Two");
    }

    @Test
    void theClientAddressTextIsKeptPerAddress() throws Exception {
        HttpHeaders h = new DefaultHttpHeaders();
        RemovedNames r = RemovedNames.of(h, POLICY, false, false);
        InetAddress a = InetAddress.getByAddress(new byte[] {10, 0, 0, 1});
        InetAddress b = InetAddress.getByName("2001:db8::1");
        assertThat(r.hostAddress(a)).isEqualTo("10.0.0.1").isSameAs(r.hostAddress(a));
        assertThat(r.hostAddress(b)).isEqualTo(b.getHostAddress());
        assertThat(r.hostAddress(a)).isEqualTo("10.0.0.1");
    }
}
