package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.it.RecordingUpstream.Behaviour;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upstream lists that survive a dead or failing member: the retry on another upstream, passive
 * ejection and its back-off, health checks, least_request, and what metrics, /readyz and the audit
 * log say of them. Each scenario has a route and upstreams of its own.
 */
class UpstreamResilienceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Behaviour UNAVAILABLE = new Behaviour(503, "{}", 0, false);
    private static final Behaviour RESET = new Behaviour(200, "", 0, true);

    static Harness h;
    static AuditCapture audit;
    static int dead;
    static RecordingUpstream good;
    static RecordingUpstream goodPost;
    static RecordingUpstream failing;
    static RecordingUpstream goodFlaky;
    static RecordingUpstream resetter;
    static RecordingUpstream goodReuse;
    static RecordingUpstream resetterPost;
    static RecordingUpstream goodReusePost;
    static RecordingUpstream sick;
    static RecordingUpstream goodChecked;
    static RecordingUpstream slow;
    static RecordingUpstream fast;

    @BeforeAll
    static void start() throws Exception {
        audit = new AuditCapture();
        h = new Harness();
        dead = UpstreamIT.closedPort();
        good = new RecordingUpstream();
        goodPost = new RecordingUpstream();
        failing = new RecordingUpstream();
        goodFlaky = new RecordingUpstream();
        resetter = new RecordingUpstream();
        goodReuse = new RecordingUpstream();
        resetterPost = new RecordingUpstream();
        goodReusePost = new RecordingUpstream();
        sick = new RecordingUpstream();
        goodChecked = new RecordingUpstream();
        slow = new RecordingUpstream();
        fast = new RecordingUpstream();
        failing.behave(new Behaviour(500, "{}", 0, false));
        sick.behave(UNAVAILABLE);
        slow.behave(new Behaviour(200, "{}", 700, false));
        h.start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                upstream_defaults: { connect_timeout: 1s, response_timeout: 5s }
                issuers:
                  - { id: mock, issuer: %ISSUER%, audiences: [api://portcullis] }
                routes:
                  - id: pair
                    match: { path: /pair/** }
                    upstream: [%GOOD%, http://127.0.0.1:%DEAD%]
                    public: true
                  - id: pair-post
                    match: { path: /pair-post/** }
                    upstream: [http://127.0.0.1:%DEAD%, %GOOD_POST%]
                    public: true
                    outlier_detection: { consecutive_failures: 0 }
                  - id: flaky
                    match: { path: /flaky/** }
                    upstream: [%FAILING%, %GOOD_FLAKY%]
                    public: true
                    outlier_detection: { consecutive_failures: 3, base_ejection: 4s, max_ejection: 4s }
                  - id: reuse
                    match: { path: /reuse/** }
                    upstream: [%RESETTER%, %GOOD_REUSE%]
                    public: true
                    outlier_detection: { consecutive_failures: 0 }
                  - id: reuse-post
                    match: { path: /reuse-post/** }
                    upstream: [%RESETTER_POST%, %GOOD_REUSE_POST%]
                    public: true
                    outlier_detection: { consecutive_failures: 0 }
                  - id: checked
                    match: { path: /checked/** }
                    upstream: [%SICK%, %GOOD_CHECKED%]
                    public: true
                    retry: never
                    outlier_detection: { consecutive_failures: 0 }
                    health_check: { path: /health, interval: 100ms, timeout: 100ms, healthy: 2, unhealthy: 2 }
                  - id: lr
                    match: { path: /lr/** }
                    upstream: [%SLOW%, %FAST%]
                    public: true
                    load_balancing: least_request
                """.replace("%DEAD%", String.valueOf(dead)).replace("%GOOD%", good.url())
                .replace("%GOOD_POST%", goodPost.url()).replace("%FAILING%", failing.url())
                .replace("%GOOD_FLAKY%", goodFlaky.url()).replace("%RESETTER%", resetter.url())
                .replace("%GOOD_REUSE%", goodReuse.url()).replace("%RESETTER_POST%", resetterPost.url())
                .replace("%GOOD_REUSE_POST%", goodReusePost.url()).replace("%SICK%", sick.url())
                .replace("%GOOD_CHECKED%", goodChecked.url()).replace("%SLOW%", slow.url())
                .replace("%FAST%", fast.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        audit.close();
        for (RecordingUpstream u : List.of(good, goodPost, failing, goodFlaky, resetter, goodReuse, resetterPost,
                goodReusePost, sick, goodChecked, slow, fast)) {
            u.close();
        }
    }

    @Test
    void getsToAGoodAndADeadUpstreamAllSucceedAndTheDeadOneIsEjected() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            statuses.add(h.get("/pair/" + i, null).statusCode());
        }

        assertThat(statuses).as("the first too: a refused connection is retried on the other upstream")
                .containsOnly(200);
        List<String> received = new ArrayList<>();
        RecordingUpstream.Received r;
        while ((r = good.poll()) != null) {
            received.add(r.target());
        }
        assertThat(received).hasSize(20).doesNotHaveDuplicates();

        String deadLabel = "http://127.0.0.1:" + dead;
        String metrics = h.metricsOnce("portcullis_upstream_ejections_total{route=\"pair\"");
        assertThat(metrics).contains("portcullis_upstream_ejections_total{route=\"pair\",upstream=\"" + deadLabel
                + "\"} 1.0", "portcullis_upstream_up{route=\"pair\",upstream=\"" + deadLabel + "\"} 0.0",
                "portcullis_upstream_up{route=\"pair\",upstream=\"" + good.url() + "\"} 1.0");
        double connectFailures = value(metrics, "portcullis_upstream_failures_total{kind=\"connect\",route=\"pair\","
                + "upstream=\"" + deadLabel + "\"}");
        assertThat(connectFailures).as("five in a row eject it").isEqualTo(5.0);
        assertThat(value(metrics, "portcullis_upstream_retries_total{route=\"pair\"}"))
                .as("each failed connect was retried").isEqualTo(connectFailures);

        HttpResponse<String> ready = h.admin("/readyz");
        assertThat(ready.statusCode()).as("a dead upstream does not make the proxy unready").isEqualTo(200);
        JsonNode deadState = JSON.readTree(ready.body()).at("/upstreams/pair").get(deadLabel);
        assertThat(deadState.get("up").asBoolean()).isFalse();
        assertThat(deadState.get("ejected").asBoolean()).isTrue();
        assertThat(JSON.readTree(ready.body()).at("/upstreams/pair").get(good.url()).get("up").asBoolean())
                .isTrue();

        List<JsonNode> lines = audit.awaitCount(l -> "pair".equals(l.path("route").asText()), 20);
        assertThat(lines).as("one audit line per client request").hasSize(20)
                .allSatisfy(l -> assertThat(l.get("upstream").asText()).isEqualTo(good.url()));
        assertThat(lines.stream().filter(l -> l.path("retried").asBoolean()).count())
                .isEqualTo((long) connectFailures);
    }

    @Test
    void aPostWithABodyIsRetriedWhenTheConnectionNeverOpened() throws Exception {
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> res = h.send("POST", "/pair-post/" + i, null, "body-" + i);
            assertThat(res.statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 4; i++) {
            RecordingUpstream.Received r = goodPost.take();
            assertThat(r.method()).isEqualTo("POST");
            assertThat(new String(r.body())).isEqualTo("body-" + r.target().substring("/pair-post/".length()));
        }
        assertThat(goodPost.poll()).isNull();
    }

    @Test
    void anUpstreamAnswering5xxIsEjectedAndComesBackAfterItsBackOff() throws Exception {
        int fiveHundreds = 0;
        for (int i = 0; i < 12 && fiveHundreds < 3; i++) {
            if (h.get("/flaky/before-" + i, null).statusCode() == 500) {
                fiveHundreds++;
            }
        }
        assertThat(fiveHundreds).as("5xx answers are relayed, not retried").isEqualTo(3);
        failing.clear();

        for (int i = 0; i < 6; i++) {
            assertThat(h.get("/flaky/ejected-" + i, null).statusCode()).isEqualTo(200);
        }
        assertThat(failing.poll()).as("nothing reaches an ejected upstream").isNull();
        assertThat(h.metricsOnce("portcullis_upstream_ejections_total{route=\"flaky\"")).contains(
                "portcullis_upstream_ejections_total{route=\"flaky\",upstream=\"" + failing.url() + "\"} 1.0");

        failing.behave(Behaviour.ok());
        boolean back = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int i = 0; !back && System.nanoTime() < deadline; i++) {
            assertThat(h.get("/flaky/after-" + i, null).statusCode()).isEqualTo(200);
            back = failing.poll() != null;
        }
        assertThat(back).as("back in the rotation after its back-off").isTrue();
    }

    @Test
    void aGetResetOnAReusedConnectionIsRetriedOnTheOtherUpstream() throws Exception {
        try (RawHttp c = h.raw()) {
            assertThat(c.exchange(get("/reuse/1")).status()).isEqualTo(200);
            assertThat(resetter.take().target()).isEqualTo("/reuse/1");
            assertThat(c.exchange(get("/reuse/2")).status()).isEqualTo(200);
            assertThat(goodReuse.take().target()).isEqualTo("/reuse/2");
            resetter.behave(RESET);

            RawHttp.Response res = c.exchange(get("/reuse/3"));

            assertThat(res.status()).isEqualTo(200);
            RecordingUpstream.Received first = resetter.take();
            assertThat(first.target()).isEqualTo("/reuse/3");
            assertThat(first.connectionId()).as("sent on the pooled connection").isEqualTo(1);
            assertThat(goodReuse.take().target()).isEqualTo("/reuse/3");
        }
    }

    @Test
    void aPostWithABodyResetOnAReusedConnectionIsNotRetried() throws Exception {
        try (RawHttp c = h.raw()) {
            assertThat(c.exchange(post("/reuse-post/1")).status()).isEqualTo(200);
            assertThat(resetterPost.take().target()).isEqualTo("/reuse-post/1");
            assertThat(c.exchange(post("/reuse-post/2")).status()).isEqualTo(200);
            assertThat(goodReusePost.take().target()).isEqualTo("/reuse-post/2");
            resetterPost.behave(RESET);

            RawHttp.Response res = c.exchange(post("/reuse-post/3"));

            assertThat(res.status()).isEqualTo(502);
            assertThat(resetterPost.take().target()).isEqualTo("/reuse-post/3");
            assertThat(goodReusePost.poll()).as("the body was streamed: never sent again").isNull();
        }
    }

    @Test
    void healthChecksTakeADownUpstreamOutAndBringItBack() throws Exception {
        awaitUp("checked", sick.url(), false);
        assertThat(h.admin("/readyz").statusCode()).isEqualTo(200);
        sick.clear();
        for (int i = 0; i < 8; i++) {
            assertThat(h.get("/checked/out-" + i, null).statusCode()).isEqualTo(200);
        }
        assertThat(requestsOtherThanProbes(sick)).as("nothing but probes reaches it").isZero();
        assertThat(JSON.readTree(h.admin("/readyz").body()).at("/upstreams/checked").get(sick.url())
                .get("health_check").asText()).isEqualTo("failing");

        sick.behave(Behaviour.ok());
        awaitUp("checked", sick.url(), true);
        requestsOtherThanProbes(sick);
        for (int i = 0; i < 8; i++) {
            assertThat(h.get("/checked/in-" + i, null).statusCode()).isEqualTo(200);
        }
        int served = requestsOtherThanProbes(sick);
        assertThat(served).as("back in the rotation: round-robin again").isEqualTo(4);
    }

    @Test
    void leastRequestPrefersTheLessBusyUpstream() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int thread = t;
                done.add(clients.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 8; i++) {
                        HttpResponse<String> res = h.http.send(HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + h.port() + "/lr/" + thread + "-" + i))
                                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                        ok += res.statusCode() == 200 ? 1 : 0;
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> f : done) {
                ok += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(ok).isEqualTo(48);
        } finally {
            clients.shutdownNow();
        }
        int toSlow = slow.pending();
        int toFast = fast.pending();
        assertThat(toSlow + toFast).isEqualTo(48);
        assertThat(toFast).as("round-robin would give each 24; slow %d, fast %d", toSlow, toFast)
                .isGreaterThanOrEqualTo(34);
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: proxy\r\n\r\n";
    }

    private static String post(String path) {
        return "POST " + path + " HTTP/1.1\r\nHost: proxy\r\nContent-Length: 5\r\n\r\nhello";
    }

    /** Requests received so far but health probes (a request is received before its response is sent). */
    private static int requestsOtherThanProbes(RecordingUpstream u) throws InterruptedException {
        int n = 0;
        for (int left = u.pending(); left > 0; left--) {
            if (!u.take().target().equals("/health")) {
                n++;
            }
        }
        return n;
    }

    private static void awaitUp(String route, String upstream, boolean up) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode state = null;
        while (System.nanoTime() < deadline) {
            state = JSON.readTree(h.admin("/readyz").body()).at("/upstreams/" + route).get(upstream);
            if (state != null && state.get("up").asBoolean() == up) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(upstream + " not " + (up ? "up" : "down") + " within 10 s: " + state);
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile(Pattern.quote(series) + " ([0-9.eE+-]+)").matcher(metrics);
        assertThat(m.find()).as("%s in /metrics", series).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
