package dev.portcullis.tools;

import dev.portcullis.vocab.Identity;
import dev.portcullis.config.IssuerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Builds callers stated by hand (CLI options, test cases) the way a token would present them. */
public final class Callers {
    /** The issuer id of a caller whose issuer is not stated. */
    public static final String UNSTATED_ISSUER = "-";

    private Callers() {
    }

    /**
     * An identity as a verified token of {@code issuerId} would give it: groups also appear under
     * the issuer's {@code groups_claim}, scopes under {@code scp}, so {@code claims:} conditions on
     * those names see what they would see in a real token. Explicit claims win.
     *
     * @param issuerId a configured issuer id, or null: then the config's only issuer when it has
     *                 exactly one, otherwise unstated (route {@code issuers:} are not checked)
     * @throws IllegalArgumentException when {@code issuerId} is not a configured issuer
     */
    public static Caller.Claimed stated(PolicyModel model, String issuerId, String subject, List<String> groups,
            List<String> scopes, String email, Map<String, Object> claims, String source) {
        Objects.requireNonNull(subject, "subject");
        Optional<IssuerConfig> issuer;
        if (issuerId != null) {
            issuer = model.issuerById(issuerId);
            if (issuer.isEmpty()) {
                throw new IllegalArgumentException("no issuer with id '" + issuerId + "' in the config (ids: "
                        + model.config().issuers().stream().map(IssuerConfig::id).toList() + ")");
            }
        } else {
            issuer = model.config().issuers().size() == 1 ? Optional.of(model.config().issuers().get(0))
                    : Optional.empty();
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("sub", subject);
        all.put(issuer.map(IssuerConfig::groupsClaim).orElse("groups"), List.copyOf(groups));
        all.put("scp", List.copyOf(scopes));
        if (email != null) {
            all.put(issuer.map(IssuerConfig::emailClaim).orElse("email"), email);
        }
        all.putAll(claims);
        List<String> notes = new ArrayList<>();
        String id = issuer.map(IssuerConfig::id).orElse(UNSTATED_ISSUER);
        Identity identity = new Identity(id, subject, new LinkedHashSet<>(groups), new LinkedHashSet<>(scopes), email,
                null, null, 0, all);
        return new Caller.Claimed(identity, issuer.isPresent(), source, notes);
    }
}
