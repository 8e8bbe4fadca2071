package dev.portcullis.demo;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * How the dev issuer plays Okta's management API: the {@code SSWS} API token it accepts, and the
 * requests a minute each resource (users, groups) allows before it answers 429.
 *
 * @param apiToken      the token a caller sends as {@code Authorization: SSWS <apiToken>}
 * @param ratePerMinute requests a minute per resource, at least 1
 */
public record DirectoryOptions(String apiToken, int ratePerMinute) {
    /** A small budget, like a low Okta org's, that a directory client's caching keeps well within. */
    public static final int DEFAULT_RATE_PER_MINUTE = 100;

    public DirectoryOptions {
        Objects.requireNonNull(apiToken, "apiToken");
        if (apiToken.isBlank() || apiToken.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("an API token is printable ASCII without spaces");
        }
        if (ratePerMinute < 1) {
            throw new IllegalArgumentException("the API rate limit is at least 1 a minute: " + ratePerMinute);
        }
    }

    /** A fresh random token and the default budget. */
    public static DirectoryOptions defaults() {
        return new DirectoryOptions(randomToken(), DEFAULT_RATE_PER_MINUTE);
    }

    /** 32 random bytes as hex, e.g. for an API token or a hook secret. */
    public static String randomToken() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Never the token: this may be printed. */
    @Override
    public String toString() {
        return "DirectoryOptions[ratePerMinute=" + ratePerMinute + "]";
    }
}
