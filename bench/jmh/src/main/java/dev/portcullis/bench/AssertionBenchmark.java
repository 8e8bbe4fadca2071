package dev.portcullis.bench;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.authn.AuthResult;
import dev.portcullis.vocab.Identity;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.forward.IdentityAssertions;
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
 * The identity assertion every allowed request carries upstream (on by default):
 * {@code cached} is a caller whose token has a {@code jti} (one ES256 signature per token,
 * route and assertion lifetime, then a cache lookup); {@code mint} is a caller whose token has
 * no {@code jti}, which is signed on every request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class AssertionBenchmark {
    @Param({"5", "100"})
    public int groups;

    private IdentityAssertions assertions;
    private Identity withJti;
    private Identity withoutJti;

    @Setup(Level.Trial)
    public void setUp() {
        RSAKey key = Fixtures.rsaKey();
        Snapshot snapshot = Fixtures.snapshot(10, 0, Fixtures.issuerKeys(key));
        assertions = snapshot.assertions();
        withJti = identity(snapshot, Fixtures.mint(key, "alice", Fixtures.groups(groups, "orders-readers"), true));
        withoutJti = identity(snapshot, Fixtures.mint(key, "alice", Fixtures.groups(groups, "orders-readers"), false));
        if (withJti.tokenId() == null || withoutJti.tokenId() != null) {
            throw new IllegalStateException("setup: jti not as intended");
        }
    }

    private static Identity identity(Snapshot snapshot, String token) {
        if (!(snapshot.authenticator().authenticate(token, null, false) instanceof AuthResult.Authenticated a)) {
            throw new IllegalStateException("setup token refused");
        }
        return a.identity();
    }

    @Benchmark
    public CharSequence cached() {
        return assertions.assertionFor("r0", withJti);
    }

    @Benchmark
    public CharSequence mint() {
        return assertions.assertionFor("r0", withoutJti);
    }
}
