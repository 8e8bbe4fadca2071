package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The probe paths of {@code report --diff} meet every pair of routes that some path is routed to
 * by two configs: for random pattern sets (literals, {@code *}, {@code /**}, an explicit trailing
 * slash, {@code path_case: insensitive}, {@code trailing_slash: strict}), every path over the
 * patterns' literals in several spellings and a segment none names, up to four segments and with
 * and without a trailing slash, is routed by both real route tables, and each (route before,
 * route after) pair it gives, unless it is no route in both, must also be given by some probe.
 */
class ProbePathsTest {
    private static final List<String> SEGMENTS = List.of("a", "b", "*", "A");
    private static final List<String> SPELLINGS = List.of("a", "A", "b", "B", "q");

    static Stream<Arguments> pairs() {
        Random random = new Random(7);
        return Stream.generate(() -> Arguments.of(config(random, "old"), config(random, "new"))).limit(200);
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void everyPairOfRoutesThatAPathCanMeetIsProbed(String before, String after) {
        PolicyModel b = Fixtures.model(before);
        PolicyModel a = Fixtures.model(after);
        Set<List<String>> probed = new HashSet<>();
        for (ProbePaths.Probe p : ProbePaths.of(b, a)) {
            probed.add(pair(b, a, p.path()));
        }
        for (String path : everyPath()) {
            if (pair(b, a, path).equals(java.util.Arrays.asList(null, null))) {
                continue; // no route in either: refused alike, nothing to compare
            }
            assertThat(probed).as("%s\n%s\n%s", path, before, after).contains(pair(b, a, path));
        }
    }

    private static List<String> pair(PolicyModel b, PolicyModel a, String path) {
        PolicyRoute rb = b.table().match(null, path);
        PolicyRoute ra = a.table().match(null, path);
        return java.util.Arrays.asList(rb == null ? null : rb.id(), ra == null ? null : ra.id());
    }

    private static List<String> everyPath() {
        List<String> out = new ArrayList<>();
        List<List<String>> level = List.of(List.of());
        for (int depth = 0; depth <= 4; depth++) {
            List<List<String>> next = new ArrayList<>();
            for (List<String> segments : level) {
                String path = "/" + String.join("/", segments);
                out.add(path);
                if (depth > 0) {
                    out.add(path + "/");
                }
                for (String s : SPELLINGS) {
                    List<String> longer = new ArrayList<>(segments);
                    longer.add(s);
                    next.add(longer);
                }
            }
            level = next;
        }
        return out;
    }

    private static String config(Random r, String prefix) {
        StringBuilder sb = new StringBuilder("routes:\n");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2 + r.nextInt(4); i++) {
            StringBuilder path = new StringBuilder();
            for (int d = r.nextInt(4); d > 0; d--) {
                path.append('/').append(SEGMENTS.get(r.nextInt(SEGMENTS.size())));
            }
            int end = r.nextInt(5);
            String p = end == 0 ? path + "/**" : end == 1 && path.length() > 0 ? path + "/" : path.length() == 0
                    ? "/" : path.toString();
            if (!seen.add(p.toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            sb.append("  - id: ").append(prefix).append(i).append('\n')
                    .append("    match: { path: \"").append(p).append("\" }\n")
                    .append("    upstream: http://127.0.0.1:9001\n")
                    .append("    public: true\n");
            if (r.nextInt(3) == 0) {
                sb.append("    path_case: insensitive\n");
            }
            if (r.nextInt(3) == 0) {
                sb.append("    trailing_slash: strict\n");
            }
        }
        return sb.toString();
    }
}
