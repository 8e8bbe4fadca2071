package dev.portcullis.tools;

import dev.portcullis.config.IssuerConfig;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One representative caller of {@code report --diff}: nobody (no token), or a token of one issuer
 * (named by its {@code iss} URL, so an issuer renamed between two configs is the same issuer) that
 * holds a set of {@link Atom atoms}: groups, scopes and claim values. The same caller is presented
 * to each config as that config's authenticator would see its token.
 *
 * @param iss   the token's {@code iss}, or null for a request without a token
 * @param atoms what the token holds; empty for a token with no groups, scopes or claims that a rule reads
 */
record ProbeCaller(String iss, Set<Atom> atoms) {

    static final ProbeCaller ANONYMOUS = new ProbeCaller(null, Set.of());

    ProbeCaller {
        atoms = Set.copyOf(atoms);
    }

    /**
     * One thing a token can hold. {@code kind} is {@code group}, {@code scope} or {@code claim};
     * {@code condition} is how reports show it ({@code group:admins}, {@code claim:email ends with
     * @example.com}); {@code value} is the value placed in the token (for a claim: a String,
     * Boolean or Number).
     */
    record Atom(String kind, String name, Object value, String condition) {
        Atom {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(condition, "condition");
        }

        static Atom group(String g) {
            return new Atom("group", g, g, "group:" + g);
        }

        static Atom scope(String s) {
            return new Atom("scope", s, s, "scope:" + s);
        }
    }

    boolean anonymous() {
        return iss == null;
    }

    /**
     * The caller as {@code model}'s authenticator would see its token: refused ({@code
     * issuer_unknown}) when the config has no issuer with this {@code iss}; otherwise an identity
     * with the groups also under the issuer's {@code groups_claim} and the scopes under {@code scp},
     * as {@link Callers#stated} builds one for {@code explain}.
     */
    Caller toCaller(PolicyModel model) {
        if (anonymous()) {
            return Caller.anonymous();
        }
        Optional<IssuerConfig> issuer = model.issuerByIss(iss);
        if (issuer.isEmpty()) {
            return new Caller.Refused(null, Reason.ISSUER_UNKNOWN, "no issuer " + iss + " in this config");
        }
        Set<String> groups = new LinkedHashSet<>();
        Set<String> scopes = new LinkedHashSet<>();
        Map<String, List<Object>> claims = new LinkedHashMap<>();
        for (Atom a : atoms) {
            switch (a.kind()) {
                case "group" -> groups.add(a.name());
                case "scope" -> scopes.add(a.name());
                default -> claims.computeIfAbsent(a.name(), k -> new ArrayList<>()).add(a.value());
            }
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("sub", "report-diff-probe");
        all.put(issuer.get().groupsClaim(), List.copyOf(groups));
        all.put("scp", List.copyOf(scopes));
        // One value as itself, several as the JSON array a token would carry them in.
        claims.forEach((k, v) -> all.put(k, v.size() == 1 ? v.get(0) : List.copyOf(v)));
        Identity identity = new Identity(issuer.get().id(), "report-diff-probe", groups, scopes, null, null, null, 0,
                all);
        return new Caller.Claimed(identity, true, "report --diff", List.of());
    }

    /**
     * Who this is, in the words of the access matrix: {@code anonymous (no token)}, {@code any
     * valid token}, or the atoms joined by {@code +}.
     */
    String text() {
        if (anonymous()) {
            return "anonymous (no token)";
        }
        if (atoms.isEmpty()) {
            return Grants.ANY_TOKEN;
        }
        Set<String> parts = new TreeSet<>();
        atoms.forEach(a -> parts.add(a.condition()));
        return String.join(" + ", parts);
    }

    /**
     * Whether this caller holds no more than {@code other}: same issuer, fewer atoms. Anonymous is
     * within anonymous only: a change of a public route is reported for both kinds of caller.
     */
    boolean within(ProbeCaller other) {
        return Objects.equals(iss, other.iss) && other.atoms.containsAll(atoms);
    }
}
