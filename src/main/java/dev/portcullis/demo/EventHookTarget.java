package dev.portcullis.demo;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the dev issuer delivers Okta Event Hooks, as an Okta admin registers one: the receiver's
 * URL and the static header Okta sends with every request ({@code channel.config.authScheme}
 * {@code {"type": "HEADER", "key": …, "value": …}}).
 *
 * @param url          the receiver, e.g. {@code http://127.0.0.1:8080/.portcullis/okta/events}
 * @param secretHeader the header's name, e.g. {@code Authorization}
 * @param secret       the header's value
 * @param timeout      how long a request waits for the receiver's answer before it counts as a
 *                     timeout (and a delivery is retried once): Okta's budget is 3 seconds
 */
public record EventHookTarget(URI url, String secretHeader, String secret, Duration timeout) {
    /** Okta's budget for a receiver's answer. */
    public static final Duration OKTA_TIMEOUT = Duration.ofSeconds(3);

    public EventHookTarget {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(secretHeader, "secretHeader");
        Objects.requireNonNull(secret, "secret");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("an event hook URL is http or https: " + url);
        }
        if (secret.isBlank()) {
            throw new IllegalArgumentException("the event hook secret is empty");
        }
    }

    /** A target with Okta's 3-second budget. */
    public EventHookTarget(URI url, String secretHeader, String secret) {
        this(url, secretHeader, secret, OKTA_TIMEOUT);
    }

    /** Never the secret: this may be printed. */
    @Override
    public String toString() {
        return url + " (secret in " + secretHeader + ")";
    }
}
