package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.authz.AccessPolicy;
import dev.portcullis.config.ClaimConfig;
import dev.portcullis.vocab.Identity;
import dev.portcullis.authz.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;

/**
 * {@code Rule.firstUnmet} must say "nothing unmet" exactly when {@code Rule.matches} says yes:
 * checked on random rules and callers drawn from small alphabets, so that both outcomes are common.
 */
class RuleFirstUnmetTest {
    private static final List<String> VALUES = List.of("a", "b", "c");
    private static final List<String> METHODS = List.of("GET", "POST", "DELETE");

    @RepeatedTest(20)
    void agreesWithMatches(org.junit.jupiter.api.RepetitionInfo info) {
        Random random = new Random(info.getCurrentRepetition());
        for (int i = 0; i < 500; i++) {
            Map<String, ClaimConfig> claims = new HashMap<>();
            if (random.nextBoolean()) {
                claims.put("dept", new ClaimConfig.OneOf(pick(random)));
            }
            if (random.nextInt(3) == 0) {
                claims.put("email", new ClaimConfig.Suffix(pick(random)));
            }
            if (random.nextInt(3) == 0) {
                claims.put("verified", new ClaimConfig.Bool(random.nextBoolean()));
            }
            dev.portcullis.config.RuleConfig config = new dev.portcullis.config.RuleConfig(
                    random.nextBoolean() ? null : List.of(METHODS.get(random.nextInt(3))), maybe(random), maybe(random),
                    maybe(random), maybe(random), claims, "x:1");
            if (config.methods() == null && config.groupsAny() == null && config.groupsAll() == null
                    && config.scopesAny() == null && config.scopesAll() == null && claims.isEmpty()) {
                continue;
            }
            Rule rule = AccessPolicy.compile(List.of(config), List.of()).allowRules().get(0);
            Map<String, Object> idClaims = new HashMap<>();
            if (random.nextBoolean()) {
                idClaims.put("dept", random.nextBoolean() ? VALUES.get(random.nextInt(3)) : pick(random));
            }
            if (random.nextBoolean()) {
                idClaims.put("email", "x@" + VALUES.get(random.nextInt(3)));
            }
            if (random.nextBoolean()) {
                idClaims.put("verified", random.nextBoolean() ? random.nextBoolean() : "true");
            }
            Identity who = new Identity("okta", "s", held(random), held(random), null,
                    null, null, 0, idClaims);
            String method = METHODS.get(random.nextInt(3));
            String unmet = rule.firstUnmet(who, method);

            assertThat(unmet == null).as("%s for %s %s", rule, who, method).isEqualTo(rule.matches(who, method));
        }
    }

    private static Set<String> held(Random random) {
        return random.nextInt(4) == 0 ? Set.of() : new HashSet<>(pick(random));
    }

    private static List<String> maybe(Random random) {
        return random.nextInt(3) == 0 ? null : pick(random);
    }

    private static List<String> pick(Random random) {
        Set<String> out = new HashSet<>();
        for (String v : VALUES) {
            if (random.nextInt(3) == 0) {
                out.add(v);
            }
        }
        return out.isEmpty() ? List.of(VALUES.get(random.nextInt(3))) : new ArrayList<>(out);
    }
}
