package dev.portcullis.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link CryptoProviderBenchmark}'s operations timed by this thread's CPU time, the providers
 * interleaved round by round, so that a busy machine (other processes taking the cores) skews every
 * provider alike: the ratios hold where JMH's wall-clock rows, run one after another, drift with the
 * load. Prints the median CPU µs per operation of each provider over the rounds.
 * {@code java -cp bench/jmh/target/benchmarks.jar dev.portcullis.bench.CryptoCpuTime [rounds] [ops]}
 */
public final class CryptoCpuTime {
    interface Op {
        Object run(CryptoProviderBenchmark b) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Map<String, Op> ops = new LinkedHashMap<>();
        ops.put("rs256Verify", CryptoProviderBenchmark::rs256Verify);
        ops.put("rs256VerifyProviderKey", CryptoProviderBenchmark::rs256VerifyProviderKey);
        ops.put("es256Sign", CryptoProviderBenchmark::es256Sign);
        ops.put("ed25519Sign", CryptoProviderBenchmark::ed25519Sign);
        ops.put("ed25519Verify", CryptoProviderBenchmark::ed25519Verify);
        ops.put("ed25519SignTink", CryptoProviderBenchmark::ed25519SignTink);
        List<String> names = List.of("JDK", "ACCP", "Conscrypt", "BC");
        Map<String, CryptoProviderBenchmark> benches = new LinkedHashMap<>();
        for (String name : names) {
            CryptoProviderBenchmark b = new CryptoProviderBenchmark();
            b.provider = name;
            b.setUp();
            benches.put(name, b);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("| operation | %s |%n|---|%s%n", String.join(" | ", names), "---:|".repeat(names.size()));
        for (Map.Entry<String, Op> op : ops.entrySet()) {
            Map<String, double[]> samples = new LinkedHashMap<>();
            names.forEach(p -> samples.put(p, new double[rounds]));
            for (int r = -10; r < rounds; r++) { // ten rounds of warm-up
                for (String p : names) {
                    CryptoProviderBenchmark b = benches.get(p);
                    long t0 = mx.getCurrentThreadCpuTime();
                    try {
                        for (int i = 0; i < n; i++) {
                            op.getValue().run(b);
                        }
                    } catch (Exception | Error e) { // this provider lacks the operation
                        samples.put(p, null);
                        continue;
                    }
                    if (r >= 0 && samples.get(p) != null) {
                        samples.get(p)[r] = (mx.getCurrentThreadCpuTime() - t0) / 1000.0 / n;
                    }
                }
            }
            List<String> cells = new ArrayList<>();
            for (String p : names) {
                double[] s = samples.get(p);
                if (s == null) {
                    cells.add("–");
                } else {
                    Arrays.sort(s);
                    cells.add(String.format("%.1f", s[rounds / 2]));
                }
            }
            System.out.printf("| %s | %s |%n", op.getKey(), String.join(" | ", cells));
        }
    }
}
