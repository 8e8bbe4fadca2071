package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.decide.Decider;
import dev.portcullis.decide.RequestFacts;
import dev.portcullis.decide.Verdict;
import dev.portcullis.tools.PolicyDiff.Effect;
import dev.portcullis.vocab.BlockList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The representative callers of {@code report --diff} miss no gain and no loss: for random pairs
 * of one-route configs over a small vocabulary (two groups, two scopes, a {@code one_of} claim, a
 * {@code suffix} claim with nested suffixes, a boolean claim; methods, deny, {@code mode: audit},
 * {@code public}), every caller of the whole vocabulary (each subset of groups and scopes, each
 * value or list of values of each claim) is decided by the decision core in both configs, and
 * the diff must report a gain exactly when one of them gains, and a loss exactly when one loses.
 */
class EffectiveAccessCompletenessTest {
    private static final List<String> METHODS = List.of("GET", "POST", "DELETE");
    private static final List<Object> DEPTS = java.util.Arrays.asList(null, "x", "y", List.of("x", "y"), "z");
    private static final List<Object> EMAILS = java.util.Arrays.asList(null, "u@ex.com", "u@sub.ex.com", "uex.com",
            "u@other.org");
    private static final List<Object> VERIFIED = java.util.Arrays.asList(null, true, false, "true");
    private static final List<Caller> EVERYONE = everyone();

    static Stream<Arguments> pairs() {
        Random random = new Random(12);
        return Stream.generate(() -> Arguments.of(config(random), config(random))).limit(100);
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void aGainOrALossOfAnyCallerIsReported(String before, String after) {
        PolicyModel b = Fixtures.model(before);
        PolicyModel a = Fixtures.model(after);
        boolean gain = false;
        boolean loss = false;
        for (Caller who : EVERYONE) {
            for (String method : METHODS) {
                boolean was = forwarded(b, method, who);
                boolean now = forwarded(a, method, who);
                gain |= now && !was;
                loss |= was && !now;
            }
        }
        PolicyDiff d = PolicyDiff.of(b, a);
        assertThat(d.notes()).isEmpty();
        assertThat(d.changes().stream().anyMatch(c -> c.effect() == Effect.GAIN)).as("gain\n%s\n%s", before, after)
                .isEqualTo(gain);
        assertThat(d.changes().stream().anyMatch(c -> c.effect() == Effect.LOSS)).as("loss\n%s\n%s", before, after)
                .isEqualTo(loss);
    }

    private static boolean forwarded(PolicyModel model, String method, Caller who) {
        StatedCaller stated = new StatedCaller(who);
        Verdict<PolicyRoute> v = new Decider<>(PolicyRoute::compiled).decide(RequestFacts.of(method, "/r", null,
                stated.authorization()), model.table(), model.config().server(), stated, BlockList.NONE);
        return v instanceof Verdict.Forward;
    }

    private static List<Caller> everyone() {
        PolicyModel m = Fixtures.model(config(new Random(1)));
        List<Caller> out = new ArrayList<>();
        out.add(Caller.anonymous());
        for (int groups = 0; groups < 4; groups++) {
            for (int scopes = 0; scopes < 4; scopes++) {
                for (Object dept : DEPTS) {
                    for (Object email : EMAILS) {
                        for (Object verified : VERIFIED) {
                            Map<String, Object> claims = new HashMap<>();
                            put(claims, "dept", dept);
                            put(claims, "email", email);
                            put(claims, "verified", verified);
                            out.add(Callers.stated(m, "okta", "u", bits(groups, "a", "b"), bits(scopes, "s", "t"),
                                    null, claims, "test"));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void put(Map<String, Object> claims, String name, Object value) {
        if (value != null) {
            claims.put(name, value);
        }
    }

    private static List<String> bits(int mask, String first, String second) {
        List<String> out = new ArrayList<>();
        if ((mask & 1) != 0) {
            out.add(first);
        }
        if ((mask & 2) != 0) {
            out.add(second);
        }
        return out;
    }

    private static String config(Random r) {
        StringBuilder sb = new StringBuilder("""
                issuers: [ { id: okta, issuer: "%s", audiences: [a] } ]
                routes:
                  - id: r
                    match: { path: /r }
                    upstream: http://127.0.0.1:9001
                """.formatted(Fixtures.ISS));
        if (r.nextInt(8) == 0) {
            return sb.append("    public: true\n").toString();
        }
        if (r.nextInt(8) == 0) {
            sb.append("    mode: audit\n");
        }
        sb.append("    allow:\n");
        for (int i = 1 + r.nextInt(3); i > 0; i--) {
            sb.append("      - ").append(entry(r)).append('\n');
        }
        int denies = r.nextInt(3);
        if (denies > 0) {
            sb.append("    deny:\n");
            for (int i = denies; i > 0; i--) {
                sb.append("      - ").append(entry(r)).append('\n');
            }
        }
        return sb.toString();
    }

    private static String entry(Random r) {
        List<String> parts = new ArrayList<>();
        pick(r, parts, "methods", List.of("[GET]", "[GET, POST]", "[DELETE]"));
        pick(r, parts, "groups_any", List.of("[a]", "[b]", "[a, b]"));
        pick(r, parts, "groups_all", List.of("[a]", "[a, b]"));
        pick(r, parts, "scopes_any", List.of("[s]", "[s, t]"));
        pick(r, parts, "scopes_all", List.of("[t]", "[s, t]"));
        List<String> claims = new ArrayList<>();
        pick(r, claims, "dept", List.of("[x]", "[x, y]", "{ one_of: [y] }"));
        pick(r, claims, "email", List.of("{ suffix: \"@ex.com\" }", "{ suffix: \"ex.com\" }",
                "{ suffix: [\".ex.com\", \"@other.org\"] }"));
        pick(r, claims, "verified", List.of("true", "false", "[\"true\"]"));
        if (!claims.isEmpty()) {
            parts.add("claims: { " + String.join(", ", claims) + " }");
        }
        if (parts.isEmpty()) {
            parts.add("methods: [POST]");
        }
        if (r.nextInt(6) == 0) {
            parts.add("mode: audit");
        }
        return "{ " + String.join(", ", parts) + " }";
    }

    private static void pick(Random r, List<String> parts, String key, List<String> values) {
        if (r.nextInt(3) == 0) {
            parts.add(key + ": " + values.get(r.nextInt(values.size())));
        }
    }
}
