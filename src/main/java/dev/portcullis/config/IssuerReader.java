package dev.portcullis.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Reads who may vouch for a caller and how the proxy passes the caller on: {@code issuers},
 * {@code identity_headers} and {@code identity_assertion}.
 */
final class IssuerReader {
    static final Set<String> ISSUER_KEYS = Set.of("id", "issuer", "audiences", "jwks_uri", "groups_claim",
            "email_claim", "algorithms", "clock_skew", "max_token_lifetime", "jwks_refresh_interval",
            "jwks_min_refetch_interval", "groups_source");
    static final Set<String> IDENTITY_HEADERS_KEYS = Set.of("subject", "groups", "email", "issuer", "scopes");
    static final Set<String> IDENTITY_ASSERTION_KEYS = Set.of("enabled", "header", "issuer", "lifetime",
            "rotate_every", "cache_size");

    private IssuerReader() {
    }

    static IssuerConfig issuer(ConfigNode n) {
        if (!n.expectObject()) {
            return new IssuerConfig("", "", List.of(), null, "groups", "email", List.of("RS256"),
                    Duration.ofSeconds(30), null, Duration.ofHours(1), Duration.ofSeconds(10));
        }
        n.allowOnly(ISSUER_KEYS);
        List<String> audiences = n.texts("audiences");
        List<String> algorithms = n.texts("algorithms");
        return new IssuerConfig(
                n.text("id", null),
                n.text("issuer", null),
                audiences == null ? List.of() : audiences,
                n.text("jwks_uri", null),
                n.text("groups_claim", "groups"),
                n.text("email_claim", "email"),
                algorithms == null ? List.of("RS256") : algorithms,
                n.duration("clock_skew", Duration.ofSeconds(30)),
                n.duration("max_token_lifetime", null),
                n.duration("jwks_refresh_interval", Duration.ofHours(1)),
                n.duration("jwks_min_refetch_interval", Duration.ofSeconds(10)),
                groupsSource(n));
    }

    private static IssuerConfig.GroupsSource groupsSource(ConfigNode n) {
        String word = n.text("groups_source", "token");
        for (IssuerConfig.GroupsSource s : IssuerConfig.GroupsSource.values()) {
            if (s.word().equals(word)) {
                return s;
            }
        }
        n.get("groups_source").error("expected 'token', 'okta_api' or 'both', was '" + word + "'");
        return IssuerConfig.GroupsSource.TOKEN;
    }

    static IdentityHeadersConfig identityHeaders(ConfigNode n) {
        return Sections.read(n, IDENTITY_HEADERS_KEYS, IdentityHeadersConfig.defaults(),
                d -> new IdentityHeadersConfig(n.text("subject", d.subject()), n.text("groups", d.groups()),
                        n.text("email", d.email()), n.text("issuer", d.issuer()), n.text("scopes", d.scopes())));
    }

    static IdentityAssertionConfig identityAssertion(ConfigNode n) {
        return Sections.read(n, IDENTITY_ASSERTION_KEYS, IdentityAssertionConfig.defaults(),
                d -> new IdentityAssertionConfig(n.bool("enabled", d.enabled()), n.text("header", d.header()),
                        n.text("issuer", d.issuer()), n.duration("lifetime", d.lifetime()),
                        n.duration("rotate_every", d.rotateEvery()), n.number("cache_size", d.cacheSize(), 0, 10_000_000)));
    }
}
