package dev.portcullis.bench;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.authn.AuthResult;
import dev.portcullis.authn.Authenticator;
import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.config.CryptoChoice;
import dev.portcullis.server.CryptoProviders;
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
 * Bearer token verification through {@link Authenticator#authenticate}, with the authenticator a
 * real config compiles ({@code token_cache_size} set per case):
 * <ul>
 *   <li>{@code firstSight}: cache off ({@code token_cache_size: 0}), so every call parses the
 *       JWT, verifies the RS256 signature and validates the claims — the cost of a token the
 *       proxy has not seen;</li>
 *   <li>{@code firstSightCacheFull}: cache on but full and thrashing (one entry, {@value #POOL}
 *       distinct tokens in turn): the miss path plus the cache's own hash, insert and eviction;</li>
 *   <li>{@code repeatSight}: cache on, the same token again — SHA-256 of the token and a lookup.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class TokenBenchmark {
    static final int POOL = 512;

    /** Groups in the token (the groups claim is parsed and copied into the identity). */
    @Param({"5", "100"})
    public int groups;

    /** {@code server.crypto_provider}: {@code java} (the JDK's RSA) or {@code auto} (AWS-LC where it loads). */
    @Param({"java", "auto"})
    public String crypto;

    private Authenticator noCache;
    private Authenticator cached;
    private Authenticator thrashing;
    private String token;
    private String[] pool;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        RSAKey key = Fixtures.rsaKey();
        IssuerKeys keys = Fixtures.issuerKeys(key, CryptoProviders.start(
                "auto".equals(crypto) ? CryptoChoice.AUTO : CryptoChoice.JAVA).tokens());
        noCache = Fixtures.snapshot(10, 0, keys).authenticator();
        cached = Fixtures.snapshot(10, 50_000, keys).authenticator();
        thrashing = Fixtures.snapshot(10, 1, keys).authenticator();
        token = Fixtures.mint(key, "alice", Fixtures.groups(groups, "orders-readers"));
        pool = new String[POOL];
        for (int i = 0; i < POOL; i++) {
            pool[i] = Fixtures.mint(key, "user" + i, Fixtures.groups(groups, "orders-readers"));
        }
        for (Authenticator a : new Authenticator[] {noCache, cached, thrashing}) {
            AuthResult r = a.authenticate(token, null, false);
            if (!(r instanceof AuthResult.Authenticated)) {
                throw new IllegalStateException("setup token refused: " + r);
            }
        }
    }

    @Benchmark
    public AuthResult firstSight() {
        return noCache.authenticate(token, null, false);
    }

    @Benchmark
    public AuthResult firstSightCacheFull() {
        String t = pool[next];
        next = (next + 1) & (POOL - 1);
        return thrashing.authenticate(t, null, false);
    }

    @Benchmark
    public AuthResult repeatSight() {
        return cached.authenticate(token, null, false);
    }
}
