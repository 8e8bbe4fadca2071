package dev.portcullis.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The new-token costs of {@link TokenBenchmark#firstSight} (parse, RS256 verify, claims) and
 * {@link AssertionSignBenchmark#mint} (one assertion signed), and {@link TokenDecodeBenchmark}'s two
 * decodings (before and after the header is parsed once), each variant timed by this thread's
 * CPU time with the variants interleaved round by round, so that a busy machine skews them alike
 * (see {@link CryptoCpuTime}). Prints the median CPU µs per operation over the rounds.
 * {@code java -cp bench/jmh/target/benchmarks.jar dev.portcullis.bench.NewTokenCpuTime [rounds] [ops] [label regex]}
 */
public final class NewTokenCpuTime {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 25;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        java.util.regex.Pattern only = java.util.regex.Pattern.compile(args.length > 2 ? args[2] : ".");
        Map<String, Callable<Object>> ops = new LinkedHashMap<>();
        for (int groups : new int[] {5, 100}) {
            TokenDecodeBenchmark d = new TokenDecodeBenchmark();
            d.groups = groups;
            d.setUp();
            ops.put("decode, groups=" + groups + ", JWTParser (before)", d::jwtParser);
            ops.put("decode, groups=" + groups + ", TokenDecoding (after)", d::tokenDecoding);
        }
        for (String crypto : new String[] {"java", "auto"}) {
            for (int groups : new int[] {5, 100}) {
                TokenBenchmark t = new TokenBenchmark();
                t.crypto = crypto;
                t.groups = groups;
                t.setUp();
                ops.put("token firstSight, groups=" + groups + ", crypto=" + crypto, t::firstSight);
            }
        }
        for (String algorithm : new String[] {"ES256", "EdDSA"}) {
            for (String crypto : new String[] {"java", "auto"}) {
                AssertionSignBenchmark a = new AssertionSignBenchmark();
                a.algorithm = algorithm;
                a.crypto = crypto;
                a.setUp();
                ops.put("assertion mint, " + algorithm + ", crypto=" + crypto, a::mint);
            }
        }
        ops.keySet().removeIf(k -> !only.matcher(k).find());
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, double[]> samples = new LinkedHashMap<>();
        ops.keySet().forEach(k -> samples.put(k, new double[rounds]));
        for (int r = -10; r < rounds; r++) { // ten rounds of warm-up
            for (Map.Entry<String, Callable<Object>> op : ops.entrySet()) {
                long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    op.getValue().call();
                }
                if (r >= 0) {
                    samples.get(op.getKey())[r] = (mx.getCurrentThreadCpuTime() - t0) / 1000.0 / n;
                }
            }
        }
        System.out.println("| operation | median CPU µs/op | min | max |\n|---|---:|---:|---:|");
        samples.forEach((k, s) -> {
            Arrays.sort(s);
            System.out.printf("| %s | %.1f | %.1f | %.1f |%n", k, s[rounds / 2], s[0], s[rounds - 1]);
        });
    }
}
