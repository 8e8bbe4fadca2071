package dev.portcullis.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.authn.AuthResult;
import dev.portcullis.config.AssertionAlgorithm;
import dev.portcullis.config.CryptoChoice;
import dev.portcullis.config.IdentityAssertionConfig;
import dev.portcullis.forward.AssertionKeys;
import dev.portcullis.forward.IdentityAssertions;
import dev.portcullis.server.CryptoProviders;
import dev.portcullis.vocab.Identity;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One identity assertion minted (claims built, signed, serialized) for a caller whose token has no
 * {@code jti}, so every call signs: {@code identity_assertion.algorithm} ES256 against EdDSA, with
 * {@code server.crypto_provider} java (Bouncy Castle) against auto (AWS-LC), side by side.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class AssertionSignBenchmark {
    @Param({"ES256", "EdDSA"})
    public String algorithm;

    @Param({"java", "auto"})
    public String crypto;

    private IdentityAssertions assertions;
    private Identity caller;

    @Setup(Level.Trial)
    public void setUp() throws JOSEException {
        AssertionAlgorithm alg = "EdDSA".equals(algorithm) ? AssertionAlgorithm.EDDSA : AssertionAlgorithm.ES256;
        CryptoProviders providers = CryptoProviders.start("auto".equals(crypto) ? CryptoChoice.AUTO : CryptoChoice.JAVA);
        IdentityAssertionConfig d = IdentityAssertionConfig.defaults();
        IdentityAssertionConfig config = new IdentityAssertionConfig(true, d.header(), d.issuer(), d.lifetime(),
                d.rotateEvery(), 0, List.of(), alg); // cache_size 0: every call signs
        assertions = new IdentityAssertions(config,
                new AssertionKeys(Fixtures.CLOCK, Duration.ofSeconds(60), alg, providers.signing(), List.of()),
                Fixtures.CLOCK);
        RSAKey key = Fixtures.rsaKey();
        var snapshot = Fixtures.snapshot(10, 0, Fixtures.issuerKeys(key));
        String token = Fixtures.mint(key, "alice", Fixtures.groups(5, "orders-readers"), false);
        if (!(snapshot.authenticator().authenticate(token, null, false) instanceof AuthResult.Authenticated a)) {
            throw new IllegalStateException("setup token refused");
        }
        caller = a.identity();
    }

    @Benchmark
    public CharSequence mint() {
        return assertions.assertionFor("r0", caller);
    }
}
