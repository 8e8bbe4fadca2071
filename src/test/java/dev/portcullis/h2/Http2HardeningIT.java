package dev.portcullis.h2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.it.Harness;
import dev.portcullis.it.RawHttp;
import dev.portcullis.it.RecordingUpstream;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 3's smuggling, spoofing and path tables ({@code hardening/PathConfusionIT},
 * {@code SpoofingIT}, {@code SmugglingIT}) rerun over HTTP/2 streams (RawH2, prior knowledge) on a
 * proxy with the same routes: the same answers and the same upstream view as over HTTP/1.1. The
 * tables are those classes' own providers where they apply to h2 as they are; header names go
 * lower-case (h2 has no other; upper case is refused, see {@link Http2MalformedIT}). Left out, as
 * h2 cannot carry them: Transfer-Encoding and chunk syntax, obs-fold, bare LF, request-line
 * variants, Connection-listed headers and pipelining. Content-Length disagreeing with the DATA is h2's own.
 */
class Http2HardeningIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern REASON = Pattern.compile("\"reason\":\"([a-z_]+)\"");
    private static final String HIDDEN = "GET /admin/secret HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final List<String> IDENTITY = List.of("x-auth-subject", "x-auth-groups", "x-auth-email",
            "x-auth-issuer", "x-auth-scopes", "x-portcullis-assertion");
    static Harness h;

    @BeforeAll
    static void start() throws Exception {
        h = new Harness().start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                server: { key_wait_timeout: 2s, http2: true }
                upstream_defaults: { connect_timeout: 1s, response_timeout: 2s }
                issuers:
                  - id: mock
                    issuer: %ISSUER%
                    audiences: [api://portcullis]
                    clock_skew: 5s
                    jwks_min_refetch_interval: 2s
                routes:
                  - id: admin
                    match: { path: /admin/** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [admins] } ]
                  - id: public
                    match: { path: /public/** }
                    upstream: %UPSTREAM%
                    public: true
                  - id: vault
                    match: { path: /vault/** }
                    upstream: %UPSTREAM%
                    deny: [ { methods: [DELETE], groups_any: [admins] } ]
                    allow: [ { groups_any: [admins] } ]
                  - id: internal
                    match: { host: internal.example.com, path: /** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [admins] } ]
                  - id: catch-all
                    match: { path: /** }
                    upstream: %UPSTREAM%
                    public: true
                """);
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    @BeforeEach
    void forget() {
        h.upstream.clear();
    }

    private static String admin() {
        return h.token("alice", Map.of("groups", List.of("admins"), "email", "alice@example.com",
                "scp", List.of("orders.read")));
    }

    /** An answer: status (null for a reset stream), the reason in its body, the reset code. */
    private record Answer(String status, String reason, long reset, String requestId, String frames) {
        Answer(String status, String reason, long reset, String requestId) {
            this(status, reason, reset, requestId, "");
        }
    }

    private static String reason(String body) {
        Matcher m = REASON.matcher(body);
        return m.find() ? m.group(1) : null;
    }

    /** One stream on a new h2 connection; {@code lines} are "Name: value", sent with lower-case names. */
    private static Answer stream(String method, String path, byte[] body, String... lines) throws Exception {
        Http2Headers head = RawH2.request(method, path, h.port());
        for (String l : lines) {
            int colon = l.indexOf(':');
            head.add(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        try (RawH2 c = new RawH2(h.port())) {
            c.headers(1, head, body == null);
            if (body != null) {
                c.data(1, body, true);
            }
            RawH2.Answer a = c.answer(1, WAIT);
            CharSequence id = a.headers() == null ? null : a.headers().get("x-request-id");
            return new Answer(a.status(), reason(a.body()), a.resetCode(), id == null ? null : id.toString(),
                    c.seen().stream().map(e -> e.type() + ":" + e.streamId() + ":" + e.code()).toList().toString());
        }
    }

    private static Answer h2(String path, String... lines) throws Exception {
        return stream("GET", path, null, lines);
    }

    private static Answer h1(String target, String... lines) throws Exception {
        StringBuilder sb = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + h.port() + "\r\n");
        for (String l : lines) {
            sb.append(l).append("\r\n");
        }
        try (RawHttp c = new RawHttp(h.port(), 3000)) {
            c.send(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Response r = c.read();
            return new Answer(String.valueOf(r.status()), reason(r.bodyText()), 0, r.header("X-Request-Id"));
        }
    }

    private static RecordingUpstream.Received forwarded() throws InterruptedException {
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r).as("the upstream received the request").isNotNull();
        return r;
    }

    /** Nothing reached the upstream, and a normal stream afterwards is the next thing it receives. */
    private static void assertNothingForwardedAndStillServing() throws Exception {
        assertThat(h2("/public/still-serving").status()).isEqualTo("200");
        assertThat(forwarded().target()).as("nothing reached the upstream before").isEqualTo("/public/still-serving");
    }

    private static List<String> valuesFolded(RecordingUpstream.Received r, String canonical) {
        List<String> out = new ArrayList<>();
        for (String[] e : r.headers()) {
            if (e[0].toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-').equals(canonical)) {
                out.add(e[1]);
            }
        }
        return out;
    }

    // ---- PathConfusionIT's tables ----

    @ParameterizedTest(name = "{0} is judged as {1}")
    @MethodSource("dev.portcullis.hardening.PathConfusionIT#normalizedIntoAdmin")
    void normalizedPathIsJudgedAndForwardedAsOneString(String target, String normalized) throws Exception {
        Answer anonymous = h2(target);
        assertThat(anonymous.status()).as("no token: %s", anonymous).isEqualTo("401");
        assertThat(anonymous.reason()).isEqualTo("token_missing");
        Answer reader = h2(target, "Authorization: Bearer " + h.token("bob", List.of("readers")));
        assertThat(reader.status()).as("not an admin: %s", reader).isEqualTo("403");
        assertThat(h.upstream.poll()).as("neither refusal reached the upstream").isNull();

        Answer admin = h2(target, "Authorization: Bearer " + admin());
        assertThat(admin.status()).as("admin: %s", admin).isEqualTo("200");
        RecordingUpstream.Received r = forwarded();
        assertThat(r.requestLine()).isEqualTo("GET " + normalized + " HTTP/1.1");
        assertThat(r.header("X-Auth-Subject")).isEqualTo("alice");
    }

    /**
     * Targets HTTP/1.1 refuses before routing get the same status and reason over h2, except where
     * h2 refuses earlier: a {@code :path} that is not origin-form is a malformed h2 head
     * ({@code bad_request}, not {@code path_rejected}), and Netty resets a stream whose {@code :path}
     * holds a control byte (as it does for any field value with CR, LF or NUL).
     */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("dev.portcullis.hardening.PathConfusionIT#ambiguous")
    void ambiguousTargetIsRefusedBeforeRouting(String what, String target, String reason) throws Exception {
        Answer one = h1(target, "Authorization: Bearer " + admin());
        assertThat(one.status()).isEqualTo("400");
        assertThat(h.upstream.poll()).isNull();
        Answer two = h2(target, "Authorization: Bearer " + admin());
        if (target.equals("*") || target.equals("admin/x")) {
            assertThat(two.status()).as("%s", two).isEqualTo("400");
            assertThat(two.reason()).as(":path not origin-form").isEqualTo("bad_request");
        } else if (two.status() == null) {
            assertThat(two.reset()).as("%s", two).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
            assertThat(target.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)).as("only control bytes are reset")
                    .isTrue();
        } else if (target.contains("\t")) {
            // over HTTP/1.1 a tab breaks the request line (bad_request); in :path it is a path byte the
            // normalizer refuses
            assertThat(two.status()).as("%s", two).isEqualTo("400");
            assertThat(two.reason()).isEqualTo("path_rejected");
        } else {
            assertThat(two.status()).as("%s", two).isEqualTo("400");
            assertThat(two.reason()).as("the HTTP/1.1 reason").isEqualTo(one.reason()).isEqualTo(reason);
        }
        assertNothingForwardedAndStillServing();
    }

    @ParameterizedTest(name = "{0} is forwarded as {1}")
    @MethodSource("dev.portcullis.hardening.PathConfusionIT#forwardedLiterally")
    void doubleEncodingIsForwardedLiterallyAndNeverDecodedTwice(String target, String forwarded) throws Exception {
        Answer a = h2(target);
        assertThat(a.status()).as("%s", a).isEqualTo("200");
        RecordingUpstream.Received r = forwarded();
        assertThat(r.requestLine()).isEqualTo("GET " + forwarded + " HTTP/1.1");
        assertThat(r.header("X-Auth-Subject")).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/Admin/x", "/ADMIN/x", "/aDmIn"})
    void differentCaseIsADifferentRouteAndIsForwardedAsJudged(String target) throws Exception {
        Answer a = h2(target, "X-Auth-Subject: root", "X-Auth-Groups: admins");
        assertThat(a.status()).as("%s", a).isEqualTo("200");
        RecordingUpstream.Received r = forwarded();
        assertThat(r.requestLine()).isEqualTo("GET " + target + " HTTP/1.1");
        assertThat(r.all("X-Auth-Subject")).isEmpty();
        assertThat(r.all("X-Auth-Groups")).isEmpty();
    }

    // ---- SpoofingIT's tables ----

    @ParameterizedTest(name = "protected route, {0}")
    @MethodSource("dev.portcullis.hardening.SpoofingIT#forgeries")
    void forgedIdentityIsReplacedOnAProtectedRoute(String what, List<String> forged) throws Exception {
        List<String> lines = new ArrayList<>(forged);
        lines.add("Authorization: Bearer " + admin());
        Answer a = h2("/admin/x", lines.toArray(String[]::new));
        assertThat(a.status()).as("%s", a).isEqualTo("200");
        RecordingUpstream.Received r = forwarded();
        assertThat(valuesFolded(r, "x-auth-subject")).containsExactly("alice");
        assertThat(valuesFolded(r, "x-auth-groups")).containsExactly("admins");
        assertThat(valuesFolded(r, "x-auth-email")).containsExactly("alice@example.com");
        assertThat(valuesFolded(r, "x-auth-issuer")).containsExactly("mock");
        assertThat(valuesFolded(r, "x-auth-scopes")).containsExactly("orders.read");
        List<String> assertion = valuesFolded(r, "x-portcullis-assertion");
        assertThat(assertion).hasSize(1);
        assertThat(assertion.get(0)).matches("eyJ[\\w-]+\\.eyJ[\\w-]+\\.[\\w-]{20,}");
        assertThat(valuesFolded(r, "x-request-id")).containsExactly(a.requestId());
        assertThat(r.all("Authorization")).isEmpty();
    }

    @ParameterizedTest(name = "public route, {0}")
    @MethodSource("dev.portcullis.hardening.SpoofingIT#forgeries")
    void forgedIdentityIsRemovedOnAPublicRoute(String what, List<String> forged) throws Exception {
        Answer a = h2("/public/x", forged.toArray(String[]::new));
        assertThat(a.status()).as("%s", a).isEqualTo("200");
        RecordingUpstream.Received r = forwarded();
        for (String name : IDENTITY) {
            assertThat(valuesFolded(r, name)).as(name).isEmpty();
        }
        assertThat(valuesFolded(r, "x-request-id")).containsExactly(a.requestId());
    }

    @ParameterizedTest(name = "untrusted client, {0}")
    @MethodSource("dev.portcullis.hardening.SpoofingIT#forwardingForgeries")
    void forwardingHeadersFromAnUntrustedClientAreReplaced(String what, List<String> forged) throws Exception {
        Answer a = h2("/public/x", forged.toArray(String[]::new));
        assertThat(a.status()).as("%s", a).isEqualTo("200");
        RecordingUpstream.Received r = forwarded();
        assertThat(valuesFolded(r, "x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(valuesFolded(r, "x-forwarded-proto")).containsExactly("http");
        assertThat(valuesFolded(r, "x-forwarded-host")).containsExactly("127.0.0.1:" + h.port());
        assertThat(valuesFolded(r, "forwarded")).isEmpty();
        assertThat(valuesFolded(r, "x-real-ip")).isEmpty();
    }

    // ---- SmugglingIT's, as far as h2 can carry them ----

    /**
     * Content-Length rows of SmugglingIT's framing table, and h2's own: a length the DATA does not
     * have. Repeated equal values are the one difference from HTTP/1.1 (which refuses them): Netty
     * folds them into one before the gate sees the head, and they agree with the DATA, so the
     * upstream gets one {@code Content-Length} and the body it describes.
     */
    static Stream<Arguments> contentLengths() {
        return Stream.of(
                Arguments.of("two Content-Lengths", List.of("5", "44"), "hello" + HIDDEN, false),
                Arguments.of("same Content-Length twice", List.of("5", "5"), "hello", true),
                Arguments.of("Content-Length list", List.of("5, 44"), "hello" + HIDDEN, false),
                Arguments.of("Content-Length list of equal values", List.of("5, 5"), "hello", true),
                Arguments.of("Content-Length +5", List.of("+5"), "hello", false),
                Arguments.of("Content-Length -1", List.of("-1"), "hello", false),
                Arguments.of("Content-Length 0x5", List.of("0x5"), "hello", false),
                Arguments.of("Content-Length 5 5", List.of("5 5"), "hello", false),
                Arguments.of("Content-Length empty", List.of(""), "hello", false),
                Arguments.of("Content-Length overflow", List.of("99999999999999999999"), "hello", false),
                Arguments.of("DATA longer than Content-Length", List.of("5"), "hello" + HIDDEN, false),
                Arguments.of("DATA shorter than Content-Length", List.of(String.valueOf(5 + HIDDEN.length())),
                        "hello", false),
                Arguments.of("Content-Length on a body-less stream", List.of("5"), null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contentLengths")
    void contentLengthDisagreeingWithTheDataIsRefusedAndNothingHalfForwarded(String what, List<String> lengths,
            String body, boolean folded) throws Exception {
        String[] lines = lengths.stream().map(v -> "content-length: " + v).toArray(String[]::new);
        Answer a = stream("POST", "/public/x", body == null ? null : body.getBytes(StandardCharsets.US_ASCII), lines);
        if (folded) {
            assertThat(a.status()).as("%s", a).isEqualTo("200");
            RecordingUpstream.Received r = forwarded();
            assertThat(r.all("Content-Length")).containsExactly("5");
            assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("hello");
            return;
        }
        if (a.status() == null) {
            assertThat(a.reset()).as("Netty's stream error: %s", a).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
        } else {
            assertThat(a.status()).as("%s", a).isEqualTo("400");
            assertThat(a.reason()).isEqualTo("bad_request");
        }
        // A head may have gone on before its DATA broke the length (bodies stream, they are not
        // buffered): then that upstream connection was cut mid-body, so the upstream never had a
        // whole request, and the connection is not used again.
        assertThat(h2("/public/still-serving").status()).isEqualTo("200");
        List<Integer> cut = new ArrayList<>();
        RecordingUpstream.Received r;
        while (!(r = forwarded()).target().equals("/public/still-serving")) {
            assertThat(r.body().length).as("only a cut request reached the upstream: %s", r.requestLine())
                    .isLessThan(Integer.parseInt(r.header("Content-Length")));
            cut.add(r.connectionId());
        }
        assertThat(cut).as("the cut upstream connection is not reused").doesNotContain(r.connectionId());
    }

    @Test
    void requestHiddenInABodyIsOnlyEverABody() throws Exception {
        byte[] body = HIDDEN.getBytes(StandardCharsets.US_ASCII);
        try (RawH2 c = new RawH2(h.port())) {
            c.headers(1, RawH2.request("POST", "/public/x", h.port(), "content-length", String.valueOf(body.length)),
                    false);
            c.data(1, body, true);
            assertThat(c.answer(1, WAIT).status()).isEqualTo("200");
            c.headers(3, RawH2.request("GET", "/admin/after", h.port()), true);
            assertThat(c.answer(3, WAIT).status()).as("the next stream is judged on its own").isEqualTo("401");
        }
        RecordingUpstream.Received r = forwarded();
        assertThat(r.requestLine()).isEqualTo("POST /public/x HTTP/1.1");
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo(HIDDEN);
        assertThat(r.all("Content-Length")).containsExactly(String.valueOf(body.length));
        assertNothingForwardedAndStillServing();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"delete", "Delete", "dElEtE"})
    void methodInAnotherCaseCannotWalkAroundAMethodRule(String method) throws Exception {
        String auth = "Authorization: Bearer " + admin();
        assertThat(stream("DELETE", "/vault/x", null, auth).status()).as("the rule itself").isEqualTo("403");
        Answer a = stream(method, "/vault/x", null, auth);
        if (a.status() == null) {
            assertThat(a.reset()).as("%s", a).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
        } else {
            assertThat(a.status()).as("%s", a).isIn("400", "403", "405", "501");
        }
        assertNothingForwardedAndStillServing();
    }

    /** SmugglingIT's control bytes in a value that are neither CR, LF nor NUL (those: Http2MalformedIT). */
    @ParameterizedTest(name = "byte {0}")
    @ValueSource(ints = {0x01, 0x7f, 0x1b})
    void controlByteInAValueIsRefusedAsOverHttp11(int b) throws Exception {
        String control = String.valueOf((char) b);
        assertThat(h1("/public/x", "X-Note: a" + control + "b").status()).as("HTTP/1.1").isEqualTo("400");
        Answer a = h2("/public/x", "X-Note: a" + control + "b");
        if (a.status() == null) {
            assertThat(a.reset()).as("%s", a).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
        } else {
            assertThat(a.status()).as("%s", a).isEqualTo("400");
        }
        assertNothingForwardedAndStillServing();
    }
}
