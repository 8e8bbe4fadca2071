package dev.portcullis.server;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.authn.AuthResult;
import dev.portcullis.authn.BearerToken;
import dev.portcullis.bench.BenchFixtures;
import dev.portcullis.compile.Route;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.config.DetectionConfig;
import dev.portcullis.decide.RequestFacts;
import dev.portcullis.decide.Verdict;
import dev.portcullis.detect.Detection;
import dev.portcullis.detect.IntrusionListener;
import dev.portcullis.forward.GrpcHeaders;
import dev.portcullis.forward.TraceContext;
import dev.portcullis.forward.Upstream;
import dev.portcullis.membership.DirectoryEvent;
import dev.portcullis.membership.MembershipOverlay;
import dev.portcullis.membership.MemorySharedState;
import dev.portcullis.membership.OverlayCounters;
import dev.portcullis.route.PathNormalizer;
import dev.portcullis.route.RequestTarget;
import dev.portcullis.vocab.HostName;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What an allowed request with a cached token costs between its parsed head and the head that goes
 * upstream, with the proxy's own classes in the proxy's order ({@link FrontendHandler#begin},
 * {@link Admission#decide}, {@code UpstreamLeg.start}): {@link Exchange#reset}, {@link FactsReader#read},
 * {@link FactsReader#DECIDER} (normalize, route, token cache hit, membership overlay, authorize), the
 * trace context, and {@link UpstreamRequestHead#rewrite} (identity headers and the cached identity
 * assertion). {@code whole} is all of it; the {@code step*} benchmarks are its pieces, for a per-step
 * {@code gc.alloc.rate.norm}.
 *
 * <p>The rewrite edits the request's headers in place, so each {@code whole} and {@code stepRewrite}
 * call starts from a fresh copy of a 12-header template, as the decoder would give it: {@code copyOnly}
 * is that copy alone, to subtract. The membership overlay is on and holds events of other users and
 * groups (so its lookups run, and refuse or narrow nothing).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CachedRequestBenchmark {
    private static final String HOST = "api.example.com";
    private static final String CLIENT_KEY = "198.51.100.7";

    @Param({"10", "10000"})
    public int routes;

    /** Groups of the caller (the route's own group last). */
    @Param({"5", "100"})
    public int groups;

    private Snapshot snapshot;
    private Detection detection;
    private MembershipOverlay overlay;
    private InetAddress client;
    private ClientAddress clientAddress; // formatted once, as the connection does
    private Upstream upstream;
    private HttpHeaders template;
    private HttpRequest head; // read-only: for the steps that do not change it
    private String target;
    private RequestFacts facts;
    private Route route;
    private Identity who;
    private RequestTarget normalized;
    private String token;
    private final Exchange x = new Exchange();
    private long ids;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        RSAKey key = BenchFixtures.rsaKey();
        snapshot = BenchFixtures.snapshot(routes, 50_000, key);
        detection = Detection.start(DetectionConfig.defaults(), IntrusionListener.NONE);
        overlay = new MembershipOverlay(new MemorySharedState(), Duration.ofHours(2), Clock.systemUTC(),
                OverlayCounters.NONE);
        Instant now = Instant.now();
        overlay.apply(new DirectoryEvent("e1", DirectoryEvent.Type.USER_SUSPEND, now, "00u-other", "other@example.com",
                null, null, null));
        overlay.apply(new DirectoryEvent("e2", DirectoryEvent.Type.MEMBERSHIP_REMOVE, now, "00u-other",
                "other@example.com", "00g-x", "some-other-group", null));
        overlay.apply(new DirectoryEvent("e3", DirectoryEvent.Type.GROUP_DELETE, now, null, null, "00g-y",
                "retired-group", null));
        client = InetAddress.getByAddress(new byte[] {(byte) 198, 51, 100, 7});
        clientAddress = ClientAddress.of(client);
        upstream = Upstream.parse("http://127.0.0.1:9001");
        target = BenchFixtures.targetPath(routes) + "?page=2";
        token = BenchFixtures.mint(key, "alice", BenchFixtures.groups(groups, BenchFixtures.targetGroup(routes)));
        template = new DefaultHttpHeaders();
        template.add("Host", HOST);
        template.add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36");
        template.add("Accept", "application/json, text/plain, */*");
        template.add("Accept-Encoding", "gzip, deflate, br");
        template.add("Accept-Language", "en-US,en;q=0.9,de;q=0.8");
        template.add("Authorization", "Bearer " + token);
        template.add("Connection", "keep-alive");
        template.add("Cookie", "theme=dark; _ga=GA1.1.123456789.1700000000");
        template.add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        template.add("X-Forwarded-For", "203.0.113.7");
        template.add("X-Auth-Subject", "admin");
        template.add("X-Auth-Groups", "admins");
        head = request();
        facts = FactsReader.read(head, "GET", CLIENT_KEY, System.currentTimeMillis(), null, "http");
        Verdict<Route> v = decide(facts);
        if (!(v instanceof Verdict.Forward<Route> f) || f.reason() != Reason.ALLOWED || f.identity() == null) {
            throw new IllegalStateException("setup: expected allowed, got " + v);
        }
        route = f.route();
        who = f.identity();
        normalized = f.target();
        HttpRequest check = whole();
        HttpHeaders h = check.headers();
        if (h.contains("Authorization") || !"alice".equals(h.get("X-Auth-Subject"))
                || !h.get("X-Auth-Groups").endsWith(BenchFixtures.targetGroup(routes))
                || !"198.51.100.7".equals(h.get("X-Forwarded-For")) || h.get("X-Portcullis-Assertion") == null
                || !check.uri().equals(target)) {
            throw new IllegalStateException("setup: unexpected upstream head " + check);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        detection.close();
    }

    private HttpRequest request() {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target, template.copy());
    }

    private Verdict<Route> decide(RequestFacts f) {
        return FactsReader.DECIDER.decide(f, snapshot.routes(), snapshot.config().server(), snapshot.authenticator(),
                detection, overlay);
    }

    /** FrontendHandler.begin, Admission.decide and act, UpstreamLeg.start (without the connection). */
    @Benchmark
    public HttpRequest whole() {
        HttpRequest r = request();
        x.reset(r, "bench-" + ++ids, snapshot);
        x.clientKey = CLIENT_KEY;
        RequestFacts f = FactsReader.read(r, x.method, x.clientKey, x.startMillis, null, "http");
        Verdict<Route> v = decide(f);
        x.clientHost = f.hosts().isEmpty() ? null : f.hosts().get(0);
        List<String> parents = r.headers().getAll("traceparent");
        x.trace = TraceContext.continueOrStart(parents.size() == 1 ? parents.get(0) : null,
                snapshot.headers().isTrustedTraceSource(client), false);
        Verdict.Forward<Route> fw = (Verdict.Forward<Route>) v;
        x.route = fw.route();
        x.target = fw.target();
        x.identity = fw.identity();
        x.decision = fw.reason();
        long timeout = GrpcHeaders.responseTimeoutMillis(r.headers(), x.route.responseTimeoutMillis());
        boolean expect = HttpUtil.is100ContinueExpected(r);
        UpstreamRequestHead.rewrite(x, upstream, clientAddress, "http");
        return timeout + (expect ? 1 : 0) > 0 ? r : null;
    }

    @Benchmark
    public HttpRequest copyOnly() {
        return request();
    }

    @Benchmark
    public RequestFacts stepFacts() {
        return FactsReader.read(head, "GET", CLIENT_KEY, 1L, null, "http");
    }

    @Benchmark
    public RequestTarget stepNormalize() {
        String host = HostName.fromAuthority(HOST);
        return host == null ? null : PathNormalizer.normalize(target);
    }

    @Benchmark
    public Route stepRoute() {
        return snapshot.routes().match(HOST, normalized.path());
    }

    @Benchmark
    public AuthResult stepToken() {
        if (BearerToken.refusal(facts.authorization(), 16384) != null) {
            return null;
        }
        String value = facts.authorization().get(0); // as the Decider: the token's region, hashed in place
        return snapshot.authenticator().authenticate(value, BearerToken.start(value), BearerToken.end(value),
                route.acceptedIssuers(), true);
    }

    @Benchmark
    public Object stepMembership() {
        return overlay.check(who);
    }

    @Benchmark
    public Reason stepAuthorize() {
        return route.policy().authorize(who, "GET");
    }

    @Benchmark
    public Verdict<Route> stepDecide() {
        return decide(facts);
    }

    @Benchmark
    public TraceContext stepTrace() {
        return TraceContext.continueOrStart(null, false, false);
    }

    @Benchmark
    public CharSequence stepAssertion() {
        return snapshot.assertions().assertionFor(route.id(), who);
    }

    /** {@link UpstreamRequestHead#rewrite} on a fresh copy: subtract {@code copyOnly}. */
    @Benchmark
    public HttpRequest stepRewrite() {
        HttpRequest r = request();
        x.request = r;
        x.snapshot = snapshot;
        x.route = route;
        x.identity = who;
        x.target = normalized;
        x.clientHost = HOST;
        x.requestId = "bench-1";
        x.trace = null;
        UpstreamRequestHead.rewrite(x, upstream, clientAddress, "http");
        return r;
    }
}
