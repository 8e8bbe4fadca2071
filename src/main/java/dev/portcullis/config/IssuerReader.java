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
            "jwks_min_refetch_interval", "groups_source", "client");
    static final Set<String> CLIENT_KEYS = Set.of("client_id", "client_secret_file", "private_key_file",
            "refresh_before", "session_max_age", "session_idle_timeout", "redirect_uri", "scopes",
            "post_logout_redirect_uri");
    static final Set<String> SESSIONS_KEYS = Set.of("max_sessions", "key_file", "sign_in_timeout", "rotation_grace");
    static final Set<String> IDENTITY_HEADERS_KEYS = Set.of("subject", "groups", "email", "issuer", "scopes");
    static final Set<String> IDENTITY_ASSERTION_KEYS = Set.of("enabled", "header", "issuer", "lifetime",
            "rotate_every", "cache_size", "key_files", "algorithm", "routes");

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
                groupsSource(n),
                client(n.get("client")));
    }

    /** {@code client}, or null when the issuer signs no browser in. */
    private static ClientConfig client(ConfigNode n) {
        if (n.isMissing() || !n.expectObject()) {
            return null;
        }
        n.allowOnly(CLIENT_KEYS);
        String secret = n.text("client_secret_file", null);
        String key = n.text("private_key_file", null);
        if (secret != null && key != null) {
            n.get("private_key_file").error("give 'client_secret_file' or 'private_key_file', not both");
        } else if (secret == null && key == null) {
            n.error("a client needs 'client_secret_file' (client_secret_basic) or 'private_key_file' "
                    + "(private_key_jwt); a secret is never written in the config itself");
        }
        String id = n.text("client_id", null);
        if (id == null || id.isBlank()) {
            n.error("a client needs 'client_id'");
        }
        List<String> scopes = n.texts("scopes");
        List<String> asked = new java.util.ArrayList<>(scopes == null ? ClientConfig.DEFAULT_SCOPES : scopes);
        for (String always : List.of("openid", "offline_access")) {
            if (!asked.contains(always)) {
                asked.add(always); // the ID token and the refresh token are what sessions are made of
            }
        }
        return new ClientConfig(id, secret, key,
                n.duration("refresh_before", ClientConfig.DEFAULT_REFRESH_BEFORE, Duration.ofSeconds(1)),
                n.duration("session_max_age", ClientConfig.DEFAULT_SESSION_MAX_AGE, Duration.ofSeconds(1)),
                n.duration("session_idle_timeout", ClientConfig.DEFAULT_SESSION_IDLE_TIMEOUT, Duration.ofSeconds(1)),
                n.text("redirect_uri", null), asked, n.text("post_logout_redirect_uri", null));
    }

    static SessionsConfig sessions(ConfigNode n) {
        return Sections.read(n, SESSIONS_KEYS, SessionsConfig.defaults(),
                d -> new SessionsConfig(n.number("max_sessions", d.maxSessions(), 1, 100_000_000),
                        n.text("key_file", d.keyFile()),
                        n.duration("sign_in_timeout", d.signInTimeout(), Duration.ofSeconds(10)),
                        n.duration("rotation_grace", d.rotationGrace(), Duration.ZERO)));
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
                        n.duration("rotate_every", d.rotateEvery()), n.number("cache_size", d.cacheSize(), 0, 10_000_000),
                        assertionKeyFiles(n), AssertionAlgorithm.read(n, d.algorithm()), n.texts("routes")));
    }

    /**
     * {@code key_files}: absent for a generated key. With key files, the operator rotates by editing
     * the list (the next key is published ahead), so {@code rotate_every}, which would replace a
     * shared key with one only this instance knows, is refused rather than silently ignored.
     */
    private static List<String> assertionKeyFiles(ConfigNode n) {
        List<String> files = n.texts("key_files");
        if (files == null) {
            return List.of();
        }
        if (files.isEmpty() && n.get("key_files").isArray()) { // not a list at all: asTexts said so
            n.get("key_files").error("list at least one key file (the first signs), or leave 'key_files' out for a"
                    + " generated key");
        }
        if (!files.isEmpty() && !n.get("rotate_every").isMissing()) {
            n.get("rotate_every").error("not with 'key_files': rotate by editing the list (the first key signs,"
                    + " all are published), so every instance of the fleet rotates alike");
        }
        return files;
    }
}
