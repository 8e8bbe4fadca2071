package dev.portcullis.bench;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.authn.AuthResult;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.compile.Route;
import dev.portcullis.route.RouteTable;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request policy decision: {@link RouteTable#match} on a normalized path, then the
 * matched route's {@code AccessPolicy.authorize} for a GET — on a snapshot compiled from a
 * generated config of {@code routes} routes (three shapes, a deny rule and two allow rules each),
 * for an identity (from a real, verified token) with {@code groups} groups. The path matches one
 * subtree route in the middle of the table; the caller is allowed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PolicyBenchmark {
    @Param({"10", "1000", "10000"})
    public int routes;

    @Param({"5", "100"})
    public int groups;

    private static final String HOST = "api.example.com";

    private RouteTable<Route> table;
    private Identity who;
    private String path;

    @Setup(Level.Trial)
    public void setUp() {
        RSAKey key = Fixtures.rsaKey();
        Snapshot snapshot = Fixtures.snapshot(routes, 0, Fixtures.issuerKeys(key));
        table = snapshot.routes();
        path = Fixtures.targetPath(routes);
        String token = Fixtures.mint(key, "alice", Fixtures.groups(groups, Fixtures.targetGroup(routes)));
        AuthResult r = snapshot.authenticator().authenticate(token, null, false);
        if (!(r instanceof AuthResult.Authenticated a)) {
            throw new IllegalStateException("setup token refused: " + r);
        }
        who = a.identity();
        Route route = table.match(HOST, path);
        if (route == null || !route.id().equals("r" + Fixtures.targetRoute(routes))
                || route.policy().authorize(who, "GET") != Reason.ALLOWED) {
            throw new IllegalStateException("setup: " + path + " did not match and allow as intended");
        }
    }

    @Benchmark
    public Reason matchAndAuthorize() {
        Route route = table.match(HOST, path);
        return route.policy().authorize(who, "GET");
    }
}
