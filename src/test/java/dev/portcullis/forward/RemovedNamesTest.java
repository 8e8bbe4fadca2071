package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.IdentityHeadersConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Which client headers {@link RequestHeaders#rewrite} removes ({@link RemovalRule}, applied by
 * {@link RemovedNames} with each name's forms kept in {@link RemovalRule#NAMES}), as a table:
 * every name a rule names and near misses of them, each in every case and separator spelling and
 * with non-ASCII look-alikes, under each combination of the request's facts (trusted proxy or not,
 * {@code Authorization} kept or not); and {@code Connection} lists, as a second table.
 */
class RemovedNamesTest {
    private static final HeaderPolicy POLICY = new HeaderPolicy(IdentityHeadersConfig.defaults(),
            "X-Portcullis-Assertion", List.of());

    /** What the rule says of a name, before the request's {@code Connection} list. */
    enum Expect {
        /** removed from every request */
        REMOVED,
        /** forwarded from a trusted proxy, removed from any other client */
        UNLESS_TRUSTED,
        /** forwarded when the client's token verified and the route forwards it */
        UNLESS_AUTHORIZATION_KEPT,
        /** forwarded */
        KEPT;

        boolean removed(boolean trusted, boolean keepAuthorization) {
            return this == REMOVED || (this == UNLESS_TRUSTED && !trusted)
                    || (this == UNLESS_AUTHORIZATION_KEPT && !keepAuthorization);
        }
    }

    /**
     * The table: a name in lower case, what is expected of it in its own spelling (any case), and
     * what is expected of its {@code _} and {@code .} spellings (the look-alikes CGI, WSGI and Rack
     * read as the name).
     */
    private static final Object[][] TABLE = {
        // hop-by-hop fields
        {"connection", Expect.REMOVED, Expect.REMOVED},
        {"keep-alive", Expect.REMOVED, Expect.REMOVED},
        {"proxy-connection", Expect.REMOVED, Expect.REMOVED},
        {"te", Expect.REMOVED, Expect.REMOVED},
        {"trailer", Expect.REMOVED, Expect.REMOVED},
        {"transfer-encoding", Expect.REMOVED, Expect.REMOVED},
        {"upgrade", Expect.REMOVED, Expect.REMOVED},
        {"proxy-authorization", Expect.REMOVED, Expect.REMOVED},
        {"proxy-authenticate", Expect.REMOVED, Expect.REMOVED},
        // framing and what the proxy handles itself: the real Content-Length stays, a look-alike goes
        {"content-length", Expect.KEPT, Expect.REMOVED},
        {"host", Expect.REMOVED, Expect.REMOVED},
        {"expect", Expect.REMOVED, Expect.REMOVED},
        {"authorization", Expect.UNLESS_AUTHORIZATION_KEPT, Expect.UNLESS_AUTHORIZATION_KEPT},
        // client-address headers: only a trusted proxy's, in their own spelling
        {"x-real-ip", Expect.UNLESS_TRUSTED, Expect.REMOVED},
        {"true-client-ip", Expect.UNLESS_TRUSTED, Expect.REMOVED},
        {"x-client-ip", Expect.UNLESS_TRUSTED, Expect.REMOVED},
        {"cf-connecting-ip", Expect.UNLESS_TRUSTED, Expect.REMOVED},
        {"client-ip", Expect.UNLESS_TRUSTED, Expect.REMOVED},
        {"x-cluster-client-ip", Expect.UNLESS_TRUSTED, Expect.REMOVED},
        // forwarding and overrides: always rewritten or removed
        {"forwarded", Expect.REMOVED, Expect.REMOVED},
        {"x-forwarded-for", Expect.REMOVED, Expect.REMOVED},
        {"x-forwarded-", Expect.REMOVED, Expect.REMOVED},
        {"x-forwarded-anything", Expect.REMOVED, Expect.REMOVED},
        {"x-forwarded", Expect.KEPT, Expect.KEPT},
        {"x-http2-scheme", Expect.REMOVED, Expect.REMOVED},
        {"x-http2-", Expect.REMOVED, Expect.REMOVED},
        {"x-http2", Expect.KEPT, Expect.KEPT},
        {"x-http-method-override", Expect.REMOVED, Expect.REMOVED},
        {"x-http-method", Expect.REMOVED, Expect.REMOVED},
        {"x-method-override", Expect.REMOVED, Expect.REMOVED},
        {"x-original-url", Expect.REMOVED, Expect.REMOVED},
        {"x-rewrite-url", Expect.REMOVED, Expect.REMOVED},
        {"x-original-method", Expect.REMOVED, Expect.REMOVED},
        {"proxy", Expect.REMOVED, Expect.REMOVED},
        // the identity headers, the assertion and the request id (reserved)
        {"x-auth-subject", Expect.REMOVED, Expect.REMOVED},
        {"x-auth-groups", Expect.REMOVED, Expect.REMOVED},
        {"x-auth-email", Expect.REMOVED, Expect.REMOVED},
        {"x-auth-issuer", Expect.REMOVED, Expect.REMOVED},
        {"x-auth-scopes", Expect.REMOVED, Expect.REMOVED},
        {"x-portcullis-assertion", Expect.REMOVED, Expect.REMOVED},
        {"x-request-id", Expect.REMOVED, Expect.REMOVED},
        // near misses and ordinary headers
        {"accept", Expect.KEPT, Expect.KEPT},
        {"user-agent", Expect.KEPT, Expect.KEPT},
        {"cookie", Expect.KEPT, Expect.KEPT},
        {"x-custom", Expect.KEPT, Expect.KEPT},
        {"hosts", Expect.KEPT, Expect.KEPT},
        {"hos", Expect.KEPT, Expect.KEPT},
        {"t", Expect.KEPT, Expect.KEPT},
        {"tee", Expect.KEPT, Expect.KEPT},
        {"x-auth-subjects", Expect.KEPT, Expect.KEPT},
        {"x-auth", Expect.KEPT, Expect.KEPT},
        {"content-type", Expect.KEPT, Expect.KEPT},
        {"traceparent", Expect.KEPT, Expect.KEPT},
        {"x-foo", Expect.KEPT, Expect.KEPT},
    };

    /**
     * Non-ASCII spellings, each with what is expected: one that lower-cases to a known name is that
     * name (the KELVIN SIGN lower-cases to {@code k}); one that does not (a Unicode hyphen, a dotless
     * i) is another name. The dotted capital I lower-cases to {@code i} and a combining dot as a
     * string, but to {@code i} alone char by char, as the look-alike form takes it: a look-alike.
     */
    private static final Object[][] NON_ASCII = {
        {"\u212Aeep-alive", Expect.REMOVED},
        {"\u212Aeep_alive", Expect.REMOVED},
        {"Coo\u212Aie", Expect.KEPT},
        {"x\u2010forwarded-for", Expect.KEPT},
        {"x-forwarded\u2010for", Expect.KEPT},
        {"x-real-\u0131p", Expect.KEPT},
        {"X-REAL-\u0130P", Expect.REMOVED},
        {"\u0130\u0130", Expect.KEPT},
        {"X-FORWARDED-FOR\u0130", Expect.REMOVED},
        {"x-auth-subj\u00e9ct", Expect.KEPT},
        {"x-http2-\u00e9", Expect.REMOVED},
        {"x-forwarded-\u00e9", Expect.REMOVED},
    };

    /** Every spelling in the tables, with what is expected of it. */
    static Map<String, Expect> spellings() {
        Map<String, Expect> out = new LinkedHashMap<>();
        Random random = new Random(17);
        for (Object[] row : TABLE) {
            String name = (String) row[0];
            Expect own = (Expect) row[1];
            Expect lookalike = (Expect) row[2];
            for (String s : List.of(name, name.toUpperCase(Locale.ROOT), mixed(name, random), capitalized(name))) {
                out.put(s, own);
            }
            if (name.indexOf('-') >= 0) {
                for (String s : List.of(name.replace('-', '_'), name.replace('-', '.'),
                        mixed(name.replace('-', '_'), random), name.toUpperCase(Locale.ROOT).replace('-', '_'),
                        name.replaceFirst("-", "_"))) {
                    out.put(s, lookalike);
                }
            }
        }
        for (Object[] row : NON_ASCII) {
            out.put((String) row[0], (Expect) row[1]);
        }
        return out;
    }

    private static String mixed(String s, Random random) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
        }
        return sb.toString();
    }

    /** {@code x-real-ip} as {@code X-Real-Ip}. */
    private static String capitalized(String s) {
        StringBuilder sb = new StringBuilder();
        boolean start = true;
        for (char c : s.toCharArray()) {
            sb.append(start ? Character.toUpperCase(c) : c);
            start = c == '-';
        }
        return sb.toString();
    }

    private static boolean latin1(String s) {
        return s.chars().allMatch(c -> c <= 0xFF);
    }

    /** The names {@link RemovedNames} removes from a head of {@code names}, with these {@code Connection} values. */
    private static Set<String> removed(HeaderPolicy policy, List<? extends CharSequence> names, List<String> connection,
            boolean trusted, boolean keepAuthorization) {
        HttpHeaders h = new DefaultHttpHeaders(false);
        for (CharSequence n : names) {
            h.add(n, "v");
        }
        for (String c : connection) {
            h.add("Connection", c);
        }
        RemovedNames.of(h, policy, trusted, keepAuthorization).removeFrom(h);
        Set<String> out = new LinkedHashSet<>();
        for (CharSequence n : names) {
            boolean present = false;
            for (Map.Entry<CharSequence, CharSequence> e : (Iterable<Map.Entry<CharSequence, CharSequence>>)
                    h::iteratorCharSequence) {
                present |= e.getKey().toString().equals(n.toString());
            }
            if (!present) {
                out.add(n.toString());
            }
        }
        return out;
    }

    @ParameterizedTest(name = "trusted {0}, keep Authorization {1}")
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void everyNameAndSpellingIsRemovedOrKeptAsTheTableSays(boolean trusted, boolean keepAuthorization) {
        Map<String, Expect> table = spellings();
        assertThat(table.size()).as("spellings in the table").isGreaterThan(350);
        // the rule alone, twice: the second time every name is taken from the cache
        for (int pass = 0; pass < 2; pass++) {
            for (Map.Entry<String, Expect> row : table.entrySet()) {
                assertThat(RemovalRule.name(row.getKey()).removed(POLICY, false, trusted, keepAuthorization))
                        .as("%s (%s), pass %d", row.getKey(), row.getValue(), pass)
                        .isEqualTo(row.getValue().removed(trusted, keepAuthorization));
                if (latin1(row.getKey())) { // as Netty's decoder gives a name: one char per byte
                    assertThat(RemovalRule.name(new AsciiString(row.getKey())))
                            .as("the same characters as an AsciiString").isEqualTo(RemovalRule.name(row.getKey()));
                }
            }
        }
        // whole heads of 20 names, as a client sends them, through RemovedNames, as String and as AsciiString
        List<String> names = new ArrayList<>(table.keySet());
        for (int i = 0; i < names.size(); i += 20) {
            List<String> head = names.subList(i, Math.min(names.size(), i + 20));
            Set<String> expected = new LinkedHashSet<>();
            for (String n : head) {
                if (table.get(n).removed(trusted, keepAuthorization)) {
                    expected.add(n);
                }
            }
            assertThat(removed(POLICY, head, List.of(), trusted, keepAuthorization))
                    .as("removed from %s", head).isEqualTo(expected);
            List<String> latin1 = head.stream().filter(RemovedNamesTest::latin1).toList();
            expected.retainAll(latin1);
            assertThat(removed(POLICY, latin1.stream().map(AsciiString::new).toList(), List.of(), trusted,
                    keepAuthorization)).as("removed from %s as AsciiString", latin1).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "Connection: [{0}]")
    @CsvSource(delimiter = '|', value = {
        // Connection values           | headers sent                                        | removed of them
        "X-Custom, x_foo ,Content-Length, host, ,Cookie | X-Custom x_foo X_FOO x-foo Content-Length Cookie Accept | X-Custom x_foo X_FOO Cookie",
        "x-auth-subjects,  X-FOO\t, tee                 | X-Auth-Subjects x-foo X_Foo Tee T Accept                | X-Auth-Subjects x-foo Tee",
        "\u212Aeep-alive, x-custom                      | X-Custom Keep-Alive Accept                               | X-Custom Keep-Alive",
        "x-\u212Aey                                      | X-Key x-key X_Key Accept                                 | X-Key x-key",
        "close                                          | Accept Cookie Content-Length                             | ''",
        "content-length                                 | Content-Length Accept                                    | ''",
        "x-custom,x-custom,,, ,x-other                  | X-Custom X-Other X-Third                                 | X-Custom X-Other",
        "X-Caf\u00e9                                     | x-caf\u00e9 X-CAF\u00c9 X-Cafe                             | x-caf\u00e9 X-CAF\u00c9",
    })
    void namesTheConnectionHeaderListsAreRemoved(String connection, String sent, String expected) {
        List<String> names = List.of(sent.trim().split(" +"));
        Set<String> want = expected.isBlank() ? Set.of() : new LinkedHashSet<>(List.of(expected.trim().split(" +")));
        assertThat(removed(POLICY, names, List.of(connection), false, false)).isEqualTo(want);
        assertThat(removed(POLICY, names, List.of(connection), true, true)).isEqualTo(want);
    }

    @Test
    void everyConnectionHeaderIsRead() {
        List<String> names = List.of("X-One", "X-Two", "X-Three", "X-Four", "X-Five", "X-Six");
        assertThat(removed(POLICY, names, List.of("x-one", "X-TWO", "close", "x-four", "X-Five, x-six"), false,
                false)).containsExactly("X-One", "X-Two", "X-Four", "X-Five", "X-Six");
    }

    @Test
    void aConnectionListOfOneRequestDoesNotCarryToTheNext() {
        assertThat(removed(POLICY, List.of("X-Custom"), List.of("x-custom"), false, false)).containsExactly("X-Custom");
        assertThat(removed(POLICY, List.of("X-Custom"), List.of(), false, false)).isEmpty();
        assertThat(removed(POLICY, List.of("X-Custom"), List.of("x-other"), false, false)).isEmpty();
    }

    @Test
    void manyHeadersGrowTheBuffers() {
        List<String> names = new ArrayList<>();
        StringBuilder listed = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            names.add("X-Auth-Subject-" + i);
            names.add("X_Auth_Subject" + (i == 0 ? "" : "." + i)); // one look-alike, 99 others
            listed.append("x-auth-subject-").append(i).append(',');
        }
        Set<String> out = removed(POLICY, names, List.of(listed.toString()), false, false);
        assertThat(out).hasSize(101).contains("X_Auth_Subject", "X-Auth-Subject-0", "X-Auth-Subject-99");
    }

    /**
     * The identity header names are the configuration's, read from the snapshot's policy on each
     * request: a name kept from one configuration's requests is judged by the next one's names.
     */
    @ParameterizedTest
    @ValueSource(strings = {"X-User", "x_user", "X.USER", "X-Auth-Subject", "x_auth_subject"})
    void identityHeaderNamesAreThePolicys(String name) {
        HeaderPolicy custom = new HeaderPolicy(new IdentityHeadersConfig("X-User", "X-Groups", "X-Email",
                "X-Issuer", "X-Scopes"), "X-Assertion", List.of());
        boolean defaultName = HeaderPolicy.lookalike(name).startsWith("x-auth");
        for (int pass = 0; pass < 2; pass++) {
            assertThat(removed(POLICY, List.of(name), List.of(), true, true)).hasSize(defaultName ? 1 : 0);
            assertThat(removed(custom, List.of(name), List.of(), true, true)).hasSize(defaultName ? 0 : 1);
        }
    }

    /**
     * A name seen before takes its kept forms. Judged on a cache of the rule's own making: the shared
     * {@link RemovalRule#NAMES} may already be full of other tests' made-up names, and then it keeps
     * nothing (slower, never a different answer), so identity would not hold there.
     */
    @Test
    void aNameSeenBeforeTakesItsKeptForms() {
        ContentCache<RemovalRule.Name> names = new ContentCache<>(512, 128, RemovalRule::of);
        String name = "X-Custom-Seen";
        RemovalRule.Name first = names.get(name);
        assertThat(first.lower()).isEqualTo(name.toLowerCase(Locale.ROOT));
        assertThat(names.get(name)).isSameAs(first);
        assertThat(names.get(new AsciiString(name))).isSameAs(first);
        assertThat(names.get(name.toLowerCase(Locale.ROOT))).isNotSameAs(first).isEqualTo(first);
    }

    /** Through the shared cache, kept or not, a name's forms are the same answer. */
    @Test
    void theSharedCacheGivesTheRulesAnswer() {
        String name = "X-Custom-Seen-" + System.nanoTime();
        assertThat(RemovalRule.name(name)).isEqualTo(RemovalRule.of(name));
        assertThat(RemovalRule.name(new AsciiString(name))).isEqualTo(RemovalRule.of(name));
    }
}
