package dev.portcullis.tools;

import dev.portcullis.authz.ClaimMatcher;
import dev.portcullis.authz.Rule;
import dev.portcullis.config.IssuerConfig;
import dev.portcullis.tools.ProbeCaller.Atom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The representative callers ("who") of {@code report --diff}, for a request that one route of
 * each config decides (either may be none).
 *
 * <p><b>Why these callers find every gain.</b> For an authenticated caller a route allows when an
 * enforced allow entry matches and no enforced deny entry does ({@code AccessPolicy}). Every
 * condition of an entry holds more often when the token holds more (a {@code groups_any} or
 * {@code groups_all} group, a scope, one more value in a claim: a claim that is a list satisfies a
 * condition when one element does), so "some allow matches" ({@code A}) and "some deny matches"
 * ({@code D}) are both monotone in what the token holds. Written out as alternatives
 * ({@link #terms}: one group of a {@code groups_any}, all of a {@code groups_all}, one value per
 * claim condition), the smallest tokens that satisfy {@code A} are its terms. Suppose a caller
 * {@code c} is allowed after ({@code A'(c)}, not {@code D'(c)}) but not before. Some term
 * {@code a} of {@code A'} is within {@code c}; {@code a} is not denied after either (monotone).
 * Either {@code a} was not allowed before, and {@code a} is a witness; or it was, and {@code c} was
 * refused before by an old deny term {@code d} within {@code c}; then {@code a + d} (within
 * {@code c}, so still not denied after) is a witness. So the callers "each allow term of one config,
 * alone and together with each deny term of the other" contain a witness of every gain and every
 * loss, for every issuer (a route's {@code issuers:} depends on the issuer alone; an issuer that
 * neither config has is refused by both). Anonymous covers public routes and {@code mode: audit}
 * routes, which forward without a token. Each group, scope and claim value named anywhere, alone,
 * and a token with none of them are added too, so that a report names the simplest caller.
 *
 * <p><b>Claim values.</b> A value stands for every value that satisfies the same conditions: a
 * {@code one_of}/plain value is itself (and, when its text is a JSON number or boolean, that
 * number or boolean as well, since they compare by their text and a string of the same text can
 * end with a suffix that a number never does); a {@code suffix} is the suffix behind a character
 * that no suffix or value of either config contains, so it ends with exactly the suffixes that
 * the suffix itself ends with, the fewest any value ending with it can; a boolean is itself.
 * Groups and scopes that neither config names change no decision. Limits: a rule whose
 * alternatives exceed {@value #MAX_TERMS}, or a request with more than {@value #MAX_CALLERS}
 * callers, is cut and reported as a note (and counts as a gain, failing closed); a token is
 * modelled as {@code explain} states one (groups also under the issuer's {@code groups_claim},
 * scopes under {@code scp}), so issuer-level settings (audiences, {@code groups_claim}) are not
 * compared.
 */
final class ProbeCallers {
    static final int MAX_TERMS = 512;
    static final int MAX_CALLERS = 20_000;

    private final String filler;
    private final Set<Set<Atom>> singles = new LinkedHashSet<>();
    private final List<String> issuers;
    private final Map<String, Set<ProbeCaller>> cache = new HashMap<>();
    private final Set<String> notes;

    ProbeCallers(PolicyModel before, PolicyModel after, Set<String> notes) {
        this.notes = notes;
        this.filler = filler(before, after);
        Set<String> iss = new TreeSet<>();
        for (PolicyModel m : List.of(before, after)) {
            m.config().issuers().stream().map(IssuerConfig::issuer).forEach(iss::add);
            for (PolicyRoute r : m.routes()) {
                for (List<Rule> rules : List.of(r.everyRule().allowRules(), r.everyRule().denyRules())) {
                    for (Set<Atom> t : terms(rules, r.id())) {
                        t.forEach(a -> singles.add(Set.of(a)));
                    }
                }
            }
        }
        this.issuers = List.copyOf(iss);
    }

    /** The iss URLs of both configs, sorted. */
    List<String> issuers() {
        return issuers;
    }

    /** The callers for a request that {@code before} and {@code after} decide (null: no route there). */
    Set<ProbeCaller> callers(PolicyRoute before, PolicyRoute after) {
        String key = (before == null ? "" : before.id()) + '\n' + (after == null ? "" : after.id());
        return cache.computeIfAbsent(key, k -> build(before, after));
    }

    private Set<ProbeCaller> build(PolicyRoute before, PolicyRoute after) {
        Set<Set<Atom>> tokens = new LinkedHashSet<>();
        tokens.add(Set.of());
        tokens.addAll(singles);
        List<Set<Atom>> allowBefore = allow(before);
        List<Set<Atom>> allowAfter = allow(after);
        tokens.addAll(allowBefore);
        tokens.addAll(allowAfter);
        combine(allowAfter, deny(before), tokens);
        combine(allowBefore, deny(after), tokens);
        Set<ProbeCaller> out = new LinkedHashSet<>();
        out.add(ProbeCaller.ANONYMOUS);
        for (Set<Atom> t : tokens) {
            for (String iss : issuers) {
                if (out.size() > MAX_CALLERS) {
                    notes.add("more than " + MAX_CALLERS + " representative callers for routes "
                            + (before == null ? "-" : before.id()) + "/" + (after == null ? "-" : after.id())
                            + ": the comparison was cut and may miss a change");
                    return out;
                }
                out.add(new ProbeCaller(iss, t));
            }
        }
        return out;
    }

    private List<Set<Atom>> allow(PolicyRoute r) {
        return r == null ? List.of() : terms(r.policy().allowRules(), r.id());
    }

    private List<Set<Atom>> deny(PolicyRoute r) {
        return r == null ? List.of() : terms(r.policy().denyRules(), r.id());
    }

    private static void combine(List<Set<Atom>> allow, List<Set<Atom>> deny, Set<Set<Atom>> into) {
        for (Set<Atom> a : allow) {
            for (Set<Atom> d : deny) {
                Set<Atom> both = new HashSet<>(a);
                both.addAll(d);
                into.add(Set.copyOf(both));
            }
        }
    }

    /** The alternatives of these entries: the smallest sets of atoms that satisfy one of them. */
    List<Set<Atom>> terms(List<Rule> rules, String route) {
        List<Set<Atom>> out = new ArrayList<>();
        for (Rule rule : rules) {
            List<Set<Atom>> alts = new ArrayList<>();
            alts.add(Set.of());
            alts = product(alts, any(rule.groupsAny(), Atom::group));
            alts = product(alts, all(rule.groupsAll(), Atom::group));
            alts = product(alts, any(rule.scopesAny(), Atom::scope));
            alts = product(alts, all(rule.scopesAll(), Atom::scope));
            for (Map.Entry<String, ClaimMatcher> c : new TreeMap<>(rule.claims()).entrySet()) {
                alts = product(alts, claim(c.getKey(), c.getValue()).stream().map(Set::of).toList());
            }
            if (alts.size() > MAX_TERMS) {
                notes.add("an entry of route " + route + " has more than " + MAX_TERMS
                        + " alternatives: only the first were compared");
                alts = alts.subList(0, MAX_TERMS);
            }
            out.addAll(alts);
        }
        return out;
    }

    private static List<Set<Atom>> any(Set<String> values, java.util.function.Function<String, Atom> atom) {
        return values == null ? null : new TreeSet<>(values).stream().map(v -> Set.of(atom.apply(v))).toList();
    }

    private static List<Set<Atom>> all(Set<String> values, java.util.function.Function<String, Atom> atom) {
        if (values == null) {
            return null;
        }
        Set<Atom> every = new HashSet<>();
        values.forEach(v -> every.add(atom.apply(v)));
        return List.of(every);
    }

    private static List<Set<Atom>> product(List<Set<Atom>> in, List<Set<Atom>> choices) {
        if (choices == null) {
            return in;
        }
        List<Set<Atom>> out = new ArrayList<>();
        for (Set<Atom> a : in) {
            for (Set<Atom> c : choices) {
                if (out.size() > MAX_TERMS) {
                    return out;
                }
                Set<Atom> next = new HashSet<>(a);
                next.addAll(c);
                out.add(Set.copyOf(next));
            }
        }
        return out;
    }

    /** The values that stand for every value satisfying this condition (see the class comment). */
    private List<Atom> claim(String name, ClaimMatcher m) {
        List<Atom> out = new ArrayList<>();
        String prefix = "claim:" + name;
        if (m instanceof ClaimMatcher.OneOf o) {
            for (String w : new TreeSet<>(o.values())) {
                out.add(new Atom("claim", name, w, prefix + "=" + w));
                if (w.equals("true") || w.equals("false")) {
                    out.add(new Atom("claim", name, Boolean.valueOf(w), prefix + " is " + w));
                }
                Number n = number(w);
                if (n != null) {
                    out.add(new Atom("claim", name, n, prefix + "=" + w + " (number)"));
                }
            }
        } else if (m instanceof ClaimMatcher.Suffix s) {
            s.suffixes().forEach(v -> out.add(new Atom("claim", name, filler + v, prefix + " ends with " + v)));
        } else if (m instanceof ClaimMatcher.Bool b) {
            out.add(new Atom("claim", name, b.value(), prefix + " is " + b.value()));
        }
        return out;
    }

    /** The JSON number whose text is exactly {@code w}, or null. */
    private static Number number(String w) {
        try {
            long l = Long.parseLong(w);
            return Long.toString(l).equals(w) ? l : null;
        } catch (NumberFormatException e) {
            try {
                double d = Double.parseDouble(w);
                return Double.toString(d).equals(w) ? d : null;
            } catch (NumberFormatException e2) {
                return null;
            }
        }
    }

    /** A character that no claim value or suffix of either config contains. */
    private static String filler(PolicyModel before, PolicyModel after) {
        StringBuilder seen = new StringBuilder();
        for (PolicyModel m : List.of(before, after)) {
            for (PolicyRoute r : m.routes()) {
                for (List<Rule> rules : List.of(r.everyRule().allowRules(), r.everyRule().denyRules())) {
                    rules.forEach(rule -> rule.claims().values().forEach(c -> seen.append(c.text())));
                }
            }
        }
        for (char c = '~'; ; c++) {
            if (seen.indexOf(String.valueOf(c)) < 0) {
                return String.valueOf(c);
            }
        }
    }
}
