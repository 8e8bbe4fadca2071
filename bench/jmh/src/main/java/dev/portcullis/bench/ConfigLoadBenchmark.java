package dev.portcullis.bench;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.compile.Snapshot;
import java.nio.file.Path;
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
 * Load time, not request time: YAML files to a published-ready {@link Snapshot}
 * ({@code ConfigReader.read} with validation, then {@code PolicyCompiler.compile}) for configs of
 * {@code routes} generated routes (above 2,500 in {@code include:} files, as one YAML document may
 * hold 3 MiB at most). This is what a start or a hot reload costs. One call per
 * iteration ({@code SingleShotTime}); iteration settings on the command line apply as counts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class ConfigLoadBenchmark {
    @Param({"10", "1000", "10000"})
    public int routes;

    private Path config;
    private IssuerKeys keys;

    @Setup(Level.Trial)
    public void setUp() {
        RSAKey key = Fixtures.rsaKey();
        keys = Fixtures.issuerKeys(key);
        config = Fixtures.configFiles(routes, 50_000);
    }

    @Benchmark
    public Snapshot readAndCompile() {
        return Fixtures.compile(Fixtures.read(config), keys);
    }
}
