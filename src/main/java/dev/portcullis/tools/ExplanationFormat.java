package dev.portcullis.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.portcullis.vocab.Identity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Renders an {@link Explanation} for people (an aligned trace) or for scripts (one JSON object
 * whose keys are a documented contract: {@code decision}, {@code status}, {@code reason},
 * {@code route}, {@code rules}, {@code notes}…).
 */
public final class ExplanationFormat {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ExplanationFormat() {
    }

    /** A readable trace; {@code ruleClaims} limits the claims shown to those rules ask about. */
    public static String text(Explanation e, Set<String> ruleClaims) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.method()).append(' ').append(e.url()).append('\n');
        line(sb, "path", e.path() == null ? "(refused)" : e.path() + (e.host() == null ? "  (no host)"
                : "  (host " + e.host() + ")"));
        line(sb, "caller", caller(e.caller(), ruleClaims));
        for (String note : e.notes()) {
            line(sb, "!", note);
        }
        if (e.route() != null) {
            line(sb, "route", e.route().id() + "  (" + e.route().matchText() + ", " + e.route().config().location()
                    + (e.route().policy().isPublic() ? ", public" : "") + (e.route().auditOnly() ? ", mode: audit" : "")
                    + ")");
        }
        if (e.route() != null && e.rules().isEmpty()) {
            line(sb, "rules", e.route().policy().isPublic() ? "none: a public route takes any request"
                    : "not read: the request is refused before authorization");
        }
        for (RuleTrace r : e.rules()) {
            line(sb, r.name(), (r.matched() ? "yes  " : "no   ") + r.text() + (r.audit() ? "  [mode: audit]" : "")
                    + (r.decisive() ? "  <- decides" : r.matched() ? "" : "  (" + r.unmet() + " not met)"));
        }
        sb.append("decision: ").append(e.decision()).append(' ').append(e.reason().status()).append(' ')
                .append(e.reason().code());
        if (e.wouldBe() != null) {
            sb.append("  (would be ").append(e.wouldBe().status()).append(' ').append(e.wouldBe().code()).append(')');
        }
        sb.append('\n');
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append("  ").append(String.format("%-10s", label)).append(value).append('\n');
    }

    private static String caller(Caller caller, Set<String> ruleClaims) {
        if (caller instanceof Caller.Refused r) {
            return "token refused: " + r.detail();
        }
        if (!(caller instanceof Caller.Claimed c)) {
            return "anonymous (no token)";
        }
        Identity id = c.identity();
        Map<String, Object> claims = shownClaims(id, ruleClaims);
        return id.subject() + ", issuer " + id.issuerId() + ", groups " + id.groups() + ", scopes " + id.scopes()
                + (claims.isEmpty() ? "" : ", claims " + claims) + "  (" + c.source() + ")";
    }

    private static Map<String, Object> shownClaims(Identity id, Set<String> ruleClaims) {
        Map<String, Object> out = new TreeMap<>();
        for (String name : ruleClaims) {
            if (id.claims().containsKey(name)) {
                out.put(name, id.claims().get(name));
            }
        }
        return out;
    }

    /** The JSON contract of {@code explain --json}. */
    public static String json(Explanation e, Set<String> ruleClaims) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("decision", e.decision());
        out.put("status", e.reason().status());
        out.put("reason", e.reason().code());
        out.put("method", e.method());
        out.put("url", e.url());
        out.put("host", e.host());
        out.put("path", e.path());
        out.put("caller", callerJson(e.caller(), ruleClaims));
        Map<String, Object> route = null;
        if (e.route() != null) {
            route = new LinkedHashMap<>();
            route.put("id", e.route().id());
            route.put("match", e.route().matchText());
            route.put("public", e.route().policy().isPublic());
            route.put("audit", e.route().auditOnly());
            route.put("location", e.route().config().location());
        }
        out.put("route", route);
        List<Map<String, Object>> rules = new ArrayList<>();
        for (RuleTrace r : e.rules()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", r.name());
            m.put("matched", r.matched());
            m.put("unmet", r.unmet());
            m.put("decisive", r.decisive());
            m.put("audit", r.audit());
            m.put("text", r.text());
            m.put("location", r.location());
            rules.add(m);
        }
        out.put("rules", rules);
        out.put("decided_by", e.decisiveRule() == null ? null : e.decisiveRule().name());
        out.put("would_be", e.wouldBe() == null ? null : Map.of("status", e.wouldBe().status(), "reason",
                e.wouldBe().code()));
        out.put("notes", e.notes());
        try {
            return JSON.writeValueAsString(out) + "\n";
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static Map<String, Object> callerJson(Caller caller, Set<String> ruleClaims) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (caller instanceof Caller.Refused r) {
            m.put("type", "refused_token");
            m.put("issuer", r.issuerId());
            m.put("detail", r.detail());
        } else if (caller instanceof Caller.Claimed c) {
            m.put("type", c.source());
            m.put("subject", c.identity().subject());
            m.put("issuer", c.issuerStated() ? c.identity().issuerId() : null);
            m.put("groups", c.identity().groups());
            m.put("scopes", c.identity().scopes());
            m.put("email", c.identity().email());
            m.put("claims", shownClaims(c.identity(), ruleClaims));
        } else {
            m.put("type", "anonymous");
        }
        return m;
    }
}
