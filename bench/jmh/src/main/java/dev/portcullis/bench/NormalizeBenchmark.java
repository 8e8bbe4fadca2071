package dev.portcullis.bench;

import dev.portcullis.route.PathNormalizer;
import dev.portcullis.route.RequestTarget;
import java.util.Map;
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

/** {@link PathNormalizer#normalize} on request-targets a proxy sees, from plain to hostile. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class NormalizeBenchmark {
    static final Map<String, String> TARGETS = Map.of(
            // what nearly every request looks like
            "typical", "/api/orders/12345?expand=items&limit=10",
            // a long REST path with ids, no query
            "long", "/api/v2/customers/8f14e45f-ceea-467f-a0e6-0b2d7c3f1a2b/orders/123456/items/7890/attachments/42",
            // dot segments, doubled slashes, encoded unreserved and reserved characters
            "dots", "/api/./v1/../v1//orders/%7Ealice/%41%42c/./items/..?q=a%20b",
            // traversal through encoded dots: decoded once, then refused for climbing above the root
            "traversal", "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            // 100 repetitions of "x/./y/../" plus doubled slashes: the worst legal shape
            "pathological", "/" + "x/./y/..//".repeat(100) + "end");

    @Param({"typical", "long", "dots", "traversal", "pathological"})
    public String target;

    private String raw;

    @Setup(Level.Trial)
    public void setUp() {
        raw = TARGETS.get(target);
        RequestTarget t = PathNormalizer.normalize(raw);
        boolean refused = target.equals("traversal");
        if ((t == null) != refused) {
            throw new IllegalStateException(target + ": unexpected result " + t);
        }
    }

    @Benchmark
    public RequestTarget normalize() {
        return PathNormalizer.normalize(raw);
    }
}
