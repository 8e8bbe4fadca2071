package dev.portcullis.bench;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.authn.TokenDecoding;
import java.text.ParseException;
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
 * Decoding a new bearer token (before any key is looked at), before and after issue 17's change,
 * side by side: {@code jwtParser} is the former path ({@link JWTParser#parse}, which parses the
 * header's JSON once to choose the type and again in {@link SignedJWT#parse}, then the claims);
 * {@code tokenDecoding} is {@link TokenDecoding#decode} now (a compact JWS parsed once).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class TokenDecodeBenchmark {
    @Param({"5", "100"})
    public int groups;

    private String token;

    @Setup(Level.Trial)
    public void setUp() {
        token = Fixtures.mint(Fixtures.rsaKey(), "alice", Fixtures.groups(groups, "orders-readers"));
        if (!(TokenDecoding.decode(token) instanceof TokenDecoding.Decoded)) {
            throw new IllegalStateException("setup token not decoded");
        }
    }

    @Benchmark
    public JWTClaimsSet jwtParser() throws ParseException {
        return ((SignedJWT) JWTParser.parse(token)).getJWTClaimsSet();
    }

    @Benchmark
    public TokenDecoding tokenDecoding() {
        return TokenDecoding.decode(token);
    }
}
