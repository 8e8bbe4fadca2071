package dev.portcullis.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.compile.Route;
import dev.portcullis.config.PathPattern;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Differential test: for generated route tables and request paths, the route Portcullis picks
 * equals the route that Spring MVC's {@link PathPatternParser} (a router services actually run)
 * picks on the path the upstream RECEIVES. Spring matches on {@link PathContainer#parsePath},
 * which decodes each segment once, as a service does; Portcullis matches on its normalized path.
 *
 * <p>Mapping: a Portcullis literal is the same Spring literal; Portcullis {@code *} (one non-empty
 * segment) is a Spring capture {@code {vN}} — Spring's bare {@code *} also matches an empty last
 * segment ({@code /a/*} matches {@code /a/}), which no variable of Spring, Express, Flask, Rails or
 * ASP.NET does; {@code /**} is {@code /**}. Lenient routes use
 * {@code setMatchOptionalTrailingSeparator(true)} (deprecated in Spring 6 but present),
 * case-insensitive ones {@code setCaseSensitive(false)}. Among Spring's matches the most specific
 * by {@code PathPattern.SPECIFICITY_COMPARATOR} wins.
 *
 * <p>Rankings: Spring ranks every pattern without {@code /**} above every pattern with it;
 * Portcullis decides segment by segment from the left (a literal beats {@code *} beats
 * {@code /**}). They differ only when a {@code *} and a {@code /**} pattern can match one path
 * with the {@code /**} one deeper on the left — {@code /a/*} and {@code /a/b/**} for
 * {@code /a/b} — or when wildcards stand at different depths ({@code /a/*}{@code /c} against
 * {@code /*}{@code /b/c}). So the generated tables hold literal prefixes with at most one final
 * {@code *} or {@code /**}, and never {@code P/*} beside {@code P/x/**}; within those, both
 * rankings coincide: longer literal prefix first, exact before {@code *} before {@code /**}.
 * Tables are case-sensitive or case-insensitive, lenient or strict, as a whole.
 */
class DifferentialRoutingTest {
    private static final String LITERAL_CHARS =
            "abcdeikrsxyzABCDEIKRSXYZ019-._~!$&'()+,=:@";
    /** Characters whose escapes the corpus uses beside the literal ones: kept encoded, or refused. */
    private static final String[] OTHER_ESCAPES = {"%20", "%3B", "%3F", "%23", "%25", "%2F", "%5C", "%C3%A9",
        "%C4%B1", "%C4%B0", "%C5%BF", "%E2%84%AA", "%252E", "%2e", "%2E%2E"};
    private static final int TABLES = 120;
    private static final int PATHS_PER_TABLE = 250;

    private record Route(String id, String pattern) {
    }

    static Stream<Arguments> modes() {
        return Stream.of(Arguments.of(false, false), Arguments.of(true, false), Arguments.of(false, true),
                Arguments.of(true, true));
    }

    @ParameterizedTest(name = "strict trailing slash: {0}, case-insensitive: {1}")
    @MethodSource("modes")
    void portcullisPicksTheRouteSpringPicksOnTheForwardedPath(boolean strict, boolean insensitive) {
        Random random = new Random(0x5EED_0000L + (strict ? 1 : 0) + (insensitive ? 2 : 0));
        PathPatternParser parser = new PathPatternParser();
        parser.setCaseSensitive(!insensitive);
        setOptionalTrailingSeparator(parser, !strict);
        int compared = 0;
        int refused = 0;
        int routedSomewhere = 0;
        int respelledAndRouted = 0;
        for (int t = 0; t < TABLES; t++) {
            List<Route> routes = table(random, insensitive);
            RouteTable<Route> portcullis = RouteTable.build(routes, r -> null,
                    r -> PathPattern.parse(r.pattern()).with(strict, insensitive));
            List<org.springframework.web.util.pattern.PathPattern> spring = new ArrayList<>();
            for (Route r : routes) {
                spring.add(parser.parse(toSpring(r.pattern())));
            }
            for (int i = 0; i < PATHS_PER_TABLE; i++) {
                String raw = requestPath(random, routes.get(random.nextInt(routes.size())).pattern());
                RequestTarget target = PathNormalizer.normalize(raw);
                if (target == null) {
                    refused++;
                    continue;
                }
                Route mine = portcullis.match(null, target.path());
                Route theirs = springPick(routes, spring, target.path());
                assertThat(id(mine)).as("table %s, request '%s', forwarded as '%s'", routes, raw, target.path())
                        .isEqualTo(id(theirs));
                compared++;
                if (mine != null) {
                    routedSomewhere++;
                    if (!raw.equals(target.path())) {
                        respelledAndRouted++;
                    }
                }
            }
        }
        // Not vacuous: most requests are compared, many reach a route, many of those through a
        // spelling that the normalizer changed (escapes, dots, slashes).
        assertThat(compared).as("compared (refused: %d)", refused).isGreaterThan(TABLES * PATHS_PER_TABLE / 2);
        assertThat(refused).as("refused spellings are generated too").isGreaterThan(TABLES);
        assertThat(routedSomewhere).as("routed, of %d compared", compared).isGreaterThan(compared / 3);
        assertThat(respelledAndRouted).as("respelled and routed, of %d routed", routedSomewhere)
                .isGreaterThan(routedSomewhere / 3);
    }

    @SuppressWarnings("deprecation")
    private static void setOptionalTrailingSeparator(PathPatternParser parser, boolean optional) {
        parser.setMatchOptionalTrailingSeparator(optional);
    }

    private static Route springPick(List<Route> routes,
            List<org.springframework.web.util.pattern.PathPattern> spring, String forwarded) {
        PathContainer path = PathContainer.parsePath(forwarded);
        org.springframework.web.util.pattern.PathPattern best = null;
        Route pick = null;
        Comparator<org.springframework.web.util.pattern.PathPattern> specificity =
                org.springframework.web.util.pattern.PathPattern.SPECIFICITY_COMPARATOR;
        for (int i = 0; i < routes.size(); i++) {
            org.springframework.web.util.pattern.PathPattern p = spring.get(i);
            if (p.matches(path)) {
                int c = best == null ? -1 : specificity.compare(p, best);
                assertThat(c).as("two routes of one table rank alike for '%s': %s, %s", forwarded, p, best)
                        .isNotZero();
                if (c < 0) {
                    best = p;
                    pick = routes.get(i);
                }
            }
        }
        return pick;
    }

    /** Literal prefixes with at most one final * or /**, never P/* beside P/x/**, no duplicates. */
    private static List<Route> table(Random random, boolean insensitive) {
        List<Route> routes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> prefixes = new ArrayList<>(List.of(""));
        int n = 2 + random.nextInt(7);
        for (int attempt = 0; routes.size() < n && attempt < 50; attempt++) {
            String base = prefixes.get(random.nextInt(prefixes.size()));
            String prefix = base + "/" + segment(random);
            int depth = prefix.split("/").length - 1;
            if (depth < 3 && random.nextBoolean()) {
                prefixes.add(prefix);
            }
            String pattern = switch (random.nextInt(3)) {
                case 0 -> prefix;
                case 1 -> prefix + "/*";
                default -> random.nextInt(8) == 0 ? (base.isEmpty() ? "/**" : base + "/**") : prefix + "/**";
            };
            if (!seen.add(insensitive ? pattern.toLowerCase(Locale.ROOT) : pattern)) {
                continue;
            }
            routes.add(new Route("r" + routes.size(), pattern));
        }
        // never P/* beside P/x/** (see the class comment): drop the later one
        List<Route> kept = new ArrayList<>();
        for (Route r : routes) {
            if (kept.stream().noneMatch(k -> starBesideDeeperSubtree(k.pattern(), r.pattern(), insensitive)
                    || starBesideDeeperSubtree(r.pattern(), k.pattern(), insensitive))) {
                kept.add(r);
            }
        }
        return kept;
    }

    private static boolean starBesideDeeperSubtree(String star, String subtree, boolean insensitive) {
        if (!star.endsWith("/*") || !subtree.endsWith("/**")) {
            return false;
        }
        String p = star.substring(0, star.length() - 1);
        String s = subtree.substring(0, subtree.length() - 3);
        if (insensitive) {
            p = p.toLowerCase(Locale.ROOT);
            s = s.toLowerCase(Locale.ROOT);
        }
        return s.startsWith(p) && s.length() > p.length() && s.indexOf('/', p.length()) < 0;
    }

    private static String segment(Random random) {
        while (true) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + random.nextInt(5);
            for (int i = 0; i < len; i++) {
                sb.append(LITERAL_CHARS.charAt(random.nextInt(LITERAL_CHARS.length())));
            }
            String s = sb.toString();
            if (!s.equals(".") && !s.equals("..")) {
                return s;
            }
        }
    }

    private static String toSpring(String pattern) {
        StringBuilder sb = new StringBuilder();
        int v = 0;
        for (String s : pattern.substring(1).split("/", -1)) {
            sb.append('/').append(s.equals("*") ? "{v" + v++ + "}" : s);
        }
        return sb.toString();
    }

    /**
     * A request path near a pattern: its wildcards filled in, then respelled — letters in another
     * case, characters escaped in either hex case (the four non-ASCII letters that fold to ASCII
     * for some of them), dot segments, repeated and trailing slashes, other escapes.
     */
    private static String requestPath(Random random, String pattern) {
        List<String> segments = new ArrayList<>();
        for (String s : pattern.substring(1).split("/", -1)) {
            if (s.equals("*")) {
                segments.add(random.nextInt(10) == 0 ? "" : segment(random));
            } else if (s.equals("**")) {
                for (int i = random.nextInt(3); i > 0; i--) {
                    segments.add(segment(random));
                }
            } else {
                segments.add(s);
            }
        }
        if (random.nextInt(6) == 0 && !segments.isEmpty()) {
            segments.set(random.nextInt(segments.size()), segment(random)); // a near miss
        }
        StringBuilder sb = new StringBuilder();
        for (String s : segments) {
            sb.append(random.nextInt(12) == 0 ? "//" : "/");
            if (random.nextInt(12) == 0) {
                sb.append(random.nextBoolean() ? "./" : segment(random).replace('.', 'x') + "/../");
            }
            for (int i = 0; i < s.length(); i++) {
                sb.append(respell(random, s.charAt(i)));
            }
            if (random.nextInt(15) == 0) {
                sb.append(OTHER_ESCAPES[random.nextInt(OTHER_ESCAPES.length)]);
            }
        }
        if (sb.length() == 0) {
            sb.append('/');
        }
        switch (random.nextInt(8)) {
            case 0 -> sb.append('/');
            case 1 -> sb.append("/.");
            case 2 -> sb.append("//");
            default -> {
            }
        }
        return sb.toString();
    }

    private static String respell(Random random, char c) {
        int roll = random.nextInt(10);
        if (roll < 3) {
            String hex = String.format("%%%02X", (int) c);
            return random.nextBoolean() ? hex : hex.toLowerCase(Locale.ROOT);
        }
        if (roll < 5 && Character.isLetter(c)) {
            if (random.nextInt(4) == 0) {
                switch (Character.toLowerCase(c)) {
                    case 'i':
                        return random.nextBoolean() ? "%C4%B0" : "%C4%B1";
                    case 's':
                        return "%C5%BF";
                    case 'k':
                        return "%E2%84%AA";
                    default:
                        break;
                }
            }
            return String.valueOf(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return String.valueOf(c);
    }

    private static String id(Route r) {
        return r == null ? null : r.id() + " " + r.pattern();
    }
}
