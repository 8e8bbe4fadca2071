package dev.portcullis.bench;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.ServerConfig;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.decide.Decider;
import dev.portcullis.decide.RequestFacts;
import dev.portcullis.decide.Verdict;
import dev.portcullis.detect.Detection;
import dev.portcullis.config.DetectionConfig;
import dev.portcullis.detect.IntrusionListener;
import dev.portcullis.compile.Route;
import dev.portcullis.route.RouteTable;
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
 * The whole decision of one request head, {@link Decider#decide} alone (no Netty, no I/O): block
 * check, head checks, normalization, route lookup, token extraction, authentication and
 * authorization, over a snapshot compiled from a generated config of {@code routes} routes, with
 * the proxy's authenticator (verified-token cache on) and a running intrusion detection:
 * <ul>
 *   <li>{@code allow}: a cached token in the route's group — 200 {@code allowed};</li>
 *   <li>{@code deny401}: no token — 401 {@code token_missing};</li>
 *   <li>{@code deny403}: a cached token in no allowed group — 403 {@code group_denied}.</li>
 * </ul>
 * The facts are built once: reading them off a Netty request is the handler's share, not measured here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class DecideBenchmark {
    private static final String HOST = "api.example.com";

    /** The proxy's view of its compiled routes (as {@code server.FactsReader} has it). */
    private static final Decider<Route> CORE = Route.DECIDER;

    @Param({"10", "1000"})
    public int routes;

    private Snapshot snapshot;
    private RouteTable<Route> table;
    private ServerConfig limits;
    private Detection detection;
    private RequestFacts allowed;
    private RequestFacts anonymous;
    private RequestFacts forbidden;

    @Setup(Level.Trial)
    public void setUp() {
        RSAKey key = Fixtures.rsaKey();
        snapshot = Fixtures.snapshot(routes, 50_000, Fixtures.issuerKeys(key));
        table = snapshot.routes();
        limits = snapshot.config().server();
        detection = Detection.start(DetectionConfig.defaults(), IntrusionListener.NONE);
        String target = Fixtures.targetPath(routes) + "?page=2";
        String reader = Fixtures.mint(key, "alice", Fixtures.groups(5, Fixtures.targetGroup(routes)));
        String stranger = Fixtures.mint(key, "bob", Fixtures.groups(5, "other-team"));
        allowed = facts(target, List.of("Bearer " + reader));
        anonymous = facts(target, List.of());
        forbidden = facts(target, List.of("Bearer " + stranger));
        expect(allowed, Reason.ALLOWED);
        expect(anonymous, Reason.TOKEN_MISSING);
        expect(forbidden, Reason.GROUP_DENIED);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        detection.close();
    }

    private static RequestFacts facts(String target, List<String> authorization) {
        return new RequestFacts("GET", RequestFacts.Version.HTTP_1_1, RequestFacts.DecoderFailure.NONE, target,
                List.of(HOST), RequestFacts.Expect.NONE, 6, true, authorization, "198.51.100.7", System.currentTimeMillis());
    }

    private void expect(RequestFacts facts, Reason reason) {
        Verdict<Route> v = decide(facts);
        Reason got = v instanceof Verdict.Forward<Route> f ? f.reason()
                : v instanceof Verdict.Refuse<Route> r ? r.reason() : null;
        if (got != reason) {
            throw new IllegalStateException("setup: expected " + reason + ", got " + v);
        }
    }

    private Verdict<Route> decide(RequestFacts facts) {
        return CORE.decide(facts, table, limits, snapshot.authenticator(), detection);
    }

    @Benchmark
    public Verdict<Route> allow() {
        return decide(allowed);
    }

    @Benchmark
    public Verdict<Route> deny401() {
        return decide(anonymous);
    }

    @Benchmark
    public Verdict<Route> deny403() {
        return decide(forbidden);
    }
}
