package dev.portcullis.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.it.Harness;
import dev.portcullis.it.RawHttp;
import dev.portcullis.it.RecordingUpstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real proxy, a real issuer and a recording upstream, driven over raw sockets with exact
 * bytes. Every attack is followed by {@link #assertStillServing()}, which also proves that the
 * upstream received nothing before the marker request: a smuggled or hidden request that got
 * through would sit ahead of it in the upstream's queue.
 */
final class ProxyUnderAttack implements AutoCloseable {
    /** Every read is bounded by this; no test waits on a socket longer. */
    static final int READ_TIMEOUT_MILLIS = 3000;
    static final String ADMINS = "admins";
    private static final Pattern REASON = Pattern.compile("\"reason\":\"([a-z_]+)\"");

    final Harness h;
    private final AtomicInteger markers = new AtomicInteger();

    private ProxyUnderAttack(Harness h) {
        this.h = h;
    }

    /**
     * Starts a proxy with a protected {@code /admin/**} (group {@code admins}) and a public
     * {@code /public/**} route, plus whatever the test adds.
     *
     * @param server      YAML flow-mapping entries for {@code server:} (may be empty)
     * @param top         extra top-level YAML (may be empty)
     * @param extraRoutes extra route list items, indented by two spaces (may be empty)
     */
    static ProxyUnderAttack start(String server, String top, String extraRoutes) throws Exception {
        return start(server, top, "", extraRoutes);
    }

    /** As {@link #start(String, String, String)}, with extra issuer list items (indented by two spaces). */
    static ProxyUnderAttack start(String server, String top, String extraIssuers, String extraRoutes)
            throws Exception {
        String yaml = """
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                server: { key_wait_timeout: 2s%SERVER% }
                upstream_defaults: { connect_timeout: 1s, response_timeout: 2s }
                %TOP%
                issuers:
                  - id: mock
                    issuer: %ISSUER%
                    audiences: [api://portcullis]
                    clock_skew: 5s
                    jwks_min_refetch_interval: 2s
                %ISSUERS%routes:
                  - id: admin
                    match: { path: /admin/** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [admins] } ]
                  - id: public
                    match: { path: /public/** }
                    upstream: %UPSTREAM%
                    public: true
                %ROUTES%""".replace("%SERVER%", server.isEmpty() ? "" : ", " + server)
                .replace("%TOP%", top).replace("%ISSUERS%", extraIssuers).replace("%ROUTES%", extraRoutes);
        Harness h = new Harness();
        try {
            return new ProxyUnderAttack(h.start(yaml));
        } catch (Exception | Error e) {
            h.close();
            throw e;
        }
    }

    int port() {
        return h.port();
    }

    /** The value a well-behaved client puts in {@code Host}. */
    String host() {
        return "127.0.0.1:" + h.port();
    }

    String adminToken() {
        return h.token("alice", List.of(ADMINS));
    }

    String readerToken() {
        return h.token("bob", List.of("readers"));
    }

    RawHttp connect() throws IOException {
        return new RawHttp(h.port(), READ_TIMEOUT_MILLIS);
    }

    /** Sends exact bytes on a new connection and reads one answer (or notes that there was none). */
    Answer send(byte[] request) throws IOException {
        try (RawHttp c = connect()) {
            c.send(request);
            return Answer.read(c);
        }
    }

    Answer send(String request) throws IOException {
        return send(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A plain GET with the given extra header lines ({@code "Name: value"}). */
    String get(String target, String... headerLines) {
        StringBuilder sb = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: ").append(host())
                .append("\r\n");
        for (String l : headerLines) {
            sb.append(l).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** The next request the upstream received; fails when none arrives within 5 s. */
    RecordingUpstream.Received forwarded() throws InterruptedException {
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r).as("the upstream received the request").isNotNull();
        return r;
    }

    /**
     * A normal request on a new connection is answered and forwarded, and it is the first thing
     * the upstream received since the test began: nothing an attack hid or smuggled got there.
     */
    void assertStillServing() throws Exception {
        String marker = "/public/still-serving/" + markers.incrementAndGet();
        Answer a = send(get(marker, "Connection: close"));
        assertThat(a.status()).as("a normal request after the attack: %s", a).isEqualTo(200);
        RecordingUpstream.Received r = forwarded();
        assertThat(r.requestLine()).as("the first request the upstream received since the attack")
                .isEqualTo("GET " + marker + " HTTP/1.1");
        assertThat(h.upstream.poll()).as("nothing else reached the upstream").isNull();
    }

    /** Nothing reached the upstream (waits briefly for stragglers), and normal requests still work. */
    void assertNothingForwardedAndStillServing() throws Exception {
        assertThat(h.upstream.poll()).as("the upstream received nothing").isNull();
        assertStillServing();
    }

    @Override
    public void close() throws IOException {
        h.close();
    }

    /**
     * One answer as read from the wire. {@code status} is -1 when the proxy closed without
     * answering. {@code closed} is checked only when the answer says {@code Connection: close}
     * (or there was none), so keep-alive answers do not cost a read timeout.
     */
    record Answer(int status, String reason, RawHttp.Response response, boolean closed) {
        static Answer read(RawHttp c) throws IOException {
            RawHttp.Response res;
            try {
                res = c.read();
            } catch (IOException e) {
                return new Answer(-1, null, null, true);
            }
            Matcher m = REASON.matcher(res.bodyText());
            String reason = m.find() ? m.group(1) : null;
            boolean closing = "close".equalsIgnoreCase(res.header("Connection"));
            return new Answer(res.status(), reason, res, closing && c.closedByPeer());
        }

        String header(String name) {
            return response == null ? null : response.header(name);
        }

        @Override
        public String toString() {
            return status + " " + reason + (closed ? " (closed)" : "")
                    + (response == null ? "" : " " + response.bodyText().trim());
        }
    }
}
