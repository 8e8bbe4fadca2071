package dev.portcullis.config;

import dev.portcullis.vocab.DenialReasons;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.DetectionConfig.BlockConfig;
import dev.portcullis.config.DetectionConfig.WebhookConfig;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a {@link DetectionConfig} and returns every problem, each with the key it is about
 * (relative to {@code detection}, e.g. {@code webhook/url}, {@code instant_reasons/1}), so the
 * config validator can report them with their line and column.
 */
public final class DetectionChecks {
    /** Headers the JDK's HTTP client sets itself (and refuses), plus the JSON content type we send. */
    private static final Set<String> RESERVED_HEADERS = Set.of("connection", "content-length", "content-type",
            "expect", "host", "upgrade", "date", "via", "warning", "transfer-encoding", "te", "trailer");

    /** One problem: the key it is about, relative to {@code detection}, and what is wrong. */
    public record Problem(String key, String message) {
    }

    private DetectionChecks() {
    }

    public static List<Problem> check(DetectionConfig c) {
        List<Problem> out = new ArrayList<>();
        range(out, "window", c.window(), Duration.ofSeconds(1), Duration.ofHours(1));
        number(out, "client_threshold", c.clientThreshold(), 0, 1_000_000);
        number(out, "subject_threshold", c.subjectThreshold(), 0, 1_000_000);
        number(out, "max_tracked_sources", c.maxTrackedSources(), 100, 10_000_000);
        for (int i = 0; i < c.instantReasons().size(); i++) {
            String code = c.instantReasons().get(i);
            Reason r = DenialReasons.byCode(code);
            if (r == null || !DenialReasons.counts(r)) {
                out.add(new Problem("instant_reasons/" + i, (r == null ? "unknown reason code '" : "'")
                        + code + (r == null ? "'" : "' is not a denial") + " (expected one of "
                        + String.join(", ", DenialReasons.countedCodes()) + ")"));
            }
        }
        block(out, c.block());
        webhook(out, c.webhook());
        return out;
    }

    private static void block(List<Problem> out, BlockConfig b) {
        range(out, "block/cooldown", b.cooldown(), Duration.ofSeconds(1), Duration.ofDays(7));
        if (b.status() != 429 && b.status() != 403) {
            out.add(new Problem("block/status", "must be 429 or 403, was " + b.status()));
        }
    }

    private static void webhook(List<Problem> out, WebhookConfig w) {
        range(out, "webhook/timeout", w.timeout(), Duration.ofMillis(100), Duration.ofMinutes(1));
        number(out, "webhook/max_attempts", w.maxAttempts(), 1, 20);
        range(out, "webhook/initial_backoff", w.initialBackoff(), Duration.ofMillis(10), Duration.ofHours(1));
        range(out, "webhook/max_backoff", w.maxBackoff(), w.initialBackoff(), Duration.ofHours(1));
        number(out, "webhook/queue_capacity", w.queueCapacity(), 1, 100_000);
        for (Map.Entry<String, String> h : w.headers().entrySet()) {
            String name = h.getKey();
            if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+") || RESERVED_HEADERS.contains(name.toLowerCase())) {
                out.add(new Problem("webhook/headers/" + name, "'" + name + "' cannot be set on the webhook request"));
            } else if (!h.getValue().matches("[\\t\\x20-\\x7e]*")) {
                out.add(new Problem("webhook/headers/" + name, "a header value is printable ASCII only"));
            }
        }
        if (w.url() != null) {
            url(out, w.url());
        }
    }

    private static void url(List<Problem> out, String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            out.add(new Problem("webhook/url", "not a URL: " + e.getMessage()));
            return;
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase();
        if (!scheme.equals("https") && !scheme.equals("http") || u.getHost() == null) {
            out.add(new Problem("webhook/url", "expected an http(s) URL with a host, was '" + url + "'"));
        } else if (u.getRawUserInfo() != null || u.getRawFragment() != null) {
            out.add(new Problem("webhook/url", "no user info or fragment in the URL; put credentials in 'headers'"));
        } else if (scheme.equals("http") && !loopback(u.getHost())) {
            // The webhook's headers usually carry a secret and its body names attackers' targets:
            // neither may cross a network in clear. Plain http is for a local relay only.
            out.add(new Problem("webhook/url", "plain http is allowed to loopback only; use https"));
        }
    }

    private static boolean loopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        // Literal addresses only: a name is not resolved here (no DNS at load time).
        if (!h.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static void number(List<Problem> out, String key, long v, long min, long max) {
        if (v < min || v > max) {
            out.add(new Problem(key, "must be between " + min + " and " + max + ", was " + v));
        }
    }

    private static void range(List<Problem> out, String key, Duration d, Duration min, Duration max) {
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            out.add(new Problem(key, "must be between " + format(min) + " and " + format(max) + ", was "
                    + format(d)));
        }
    }

    private static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
