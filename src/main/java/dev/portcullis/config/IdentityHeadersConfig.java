package dev.portcullis.config;

/**
 * Names of the headers that carry the caller's identity to upstreams. Any header a client sends
 * under one of these names (or a look-alike) is removed before forwarding.
 */
public record IdentityHeadersConfig(String subject, String groups, String email, String issuer, String scopes) {

    public static IdentityHeadersConfig defaults() {
        return new IdentityHeadersConfig("X-Auth-Subject", "X-Auth-Groups", "X-Auth-Email", "X-Auth-Issuer",
                "X-Auth-Scopes");
    }
}
