package dev.portcullis.config;

import dev.portcullis.config.ProxyConfig.AdminConfig;
import dev.portcullis.config.ProxyConfig.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Reads how the proxy listens and talks to its upstreams: {@code listen}, {@code admin},
 * {@code server} and {@code upstream_defaults}, and how it stops listening: {@code shutdown}. An
 * absent section means its safe defaults.
 */
final class ListenerReader {
    static final Set<String> ADMIN_KEYS = Set.of("listen", "max_connections", "header_read_timeout",
            "idle_timeout", "token_file");
    static final Set<String> SERVER_KEYS = Set.of("max_initial_line_length", "max_header_size",
            "max_header_count", "max_token_bytes", "max_body_size", "idle_timeout", "header_read_timeout",
            "max_connections", "key_wait_timeout", "io_threads", "token_cache_size", "token_cache_max_bytes",
            "body_read_timeout", "body_min_rate", "response_write_timeout", "method_override", "http2",
            "http2_limits", "transport", "crypto_provider", "token_cache_admission");
    static final Set<String> UPSTREAM_DEFAULTS_KEYS = Set.of("connect_timeout", "response_timeout",
            "idle_timeout", "max_idle_per_loop", "load_balancing", "retry", "outlier_detection");
    static final Set<String> SHUTDOWN_KEYS = Set.of("drain_delay", "timeout");
    /** The shortest client-side timeout accepted: below it, ordinary network jitter would cut requests. */
    private static final Duration MIN_CLIENT_TIMEOUT = Duration.ofMillis(100);

    private ListenerReader() {
    }

    /** The proxy's own address, {@code 127.0.0.1:8080} unless {@code listen} says otherwise. */
    static HostPort listen(ConfigNode n) {
        return hostPort(n, new HostPort("127.0.0.1", 8080));
    }

    static AdminConfig admin(ConfigNode n) {
        return Sections.read(n, ADMIN_KEYS, new AdminConfig(new HostPort("127.0.0.1", 9090)),
                d -> new AdminConfig(hostPort(n.get("listen"), d.listen()),
                        (int) n.number("max_connections", d.maxConnections(), 1, 100_000),
                        n.duration("header_read_timeout", d.headerReadTimeout(), MIN_CLIENT_TIMEOUT),
                        n.duration("idle_timeout", d.idleTimeout(), MIN_CLIENT_TIMEOUT),
                        n.text("token_file", d.tokenFile())));
    }

    static ServerConfig server(ConfigNode n) {
        return Sections.read(n, SERVER_KEYS, ServerConfig.defaults(),
                d -> new ServerConfig(
                        (int) n.number("max_initial_line_length", d.maxInitialLineLength(), 256, 1 << 20),
                        (int) n.number("max_header_size", d.maxHeaderSize(), 1024, 1 << 22),
                        (int) n.number("max_header_count", d.maxHeaderCount(), 8, 10_000),
                        (int) n.number("max_token_bytes", d.maxTokenBytes(), 512, 1 << 20),
                        n.number("max_body_size", d.maxBodySize(), 0, Long.MAX_VALUE),
                        n.duration("idle_timeout", d.idleTimeout()),
                        n.duration("header_read_timeout", d.headerReadTimeout()),
                        (int) n.number("max_connections", d.maxConnections(), 1, 10_000_000),
                        n.duration("key_wait_timeout", d.keyWaitTimeout()),
                        (int) n.number("io_threads", d.ioThreads(), 0, 1024),
                        n.number("token_cache_size", d.tokenCacheSize(), 0, 10_000_000),
                        n.number("token_cache_max_bytes", d.tokenCacheMaxBytes(), 1L << 20, 1L << 40),
                        n.duration("body_read_timeout", d.bodyReadTimeout(), MIN_CLIENT_TIMEOUT),
                        n.number("body_min_rate", d.bodyMinRate(), 0, 1L << 40),
                        n.duration("response_write_timeout", d.responseWriteTimeout(), MIN_CLIENT_TIMEOUT),
                        n.choice("method_override", "refuse", "allow", d.methodOverrideAllowed()),
                        Http2Reader.http2(n, d.http2()),
                        TransportChoice.read(n, d.transport()),
                        CryptoChoice.read(n, d.cryptoProvider()),
                        n.choice("token_cache_admission", "first_use", "second_use", d.tokenCacheSecondUse())));
    }

    static UpstreamDefaultsConfig upstreamDefaults(ConfigNode n) {
        return Sections.read(n, UPSTREAM_DEFAULTS_KEYS, UpstreamDefaultsConfig.defaults(),
                d -> new UpstreamDefaultsConfig(
                        n.duration("connect_timeout", d.connectTimeout()),
                        n.duration("response_timeout", d.responseTimeout()),
                        n.duration("idle_timeout", d.idleTimeout()),
                        (int) n.number("max_idle_per_loop", d.maxIdlePerLoop(), 0, 100_000),
                        UpstreamPolicyReader.defaults(n)));
    }

    /**
     * {@code shutdown}: each duration from 0 (no delay; cut at once) to an hour. The two add up: the
     * timeout starts when the drain delay ends, so neither has to be shorter than the other.
     */
    static ShutdownConfig shutdown(ConfigNode n) {
        return Sections.read(n, SHUTDOWN_KEYS, ShutdownConfig.defaults(),
                d -> new ShutdownConfig(atMost(n, "drain_delay", d.drainDelay(), ShutdownConfig.MAX),
                        atMost(n, "timeout", d.timeout(), ShutdownConfig.MAX)));
    }

    private static Duration atMost(ConfigNode n, String key, Duration fallback, Duration max) {
        Duration d = n.duration(key, fallback);
        if (d.compareTo(max) > 0) {
            n.get(key).error("must be at most " + Durations.format(max) + ", was " + Durations.format(d));
            return fallback;
        }
        return d;
    }

    private static HostPort hostPort(ConfigNode n, HostPort fallback) {
        if (n.isMissing()) {
            return fallback;
        }
        HostPort parsed = parseHostPort(n);
        return parsed == null ? fallback : parsed;
    }

    private static HostPort parseHostPort(ConfigNode n) {
        String raw;
        try {
            raw = holderText(n);
        } catch (IllegalArgumentException e) {
            n.error("expected host:port");
            return null;
        }
        int colon = raw.lastIndexOf(':');
        if (colon <= 0 || colon == raw.length() - 1) {
            n.error("expected host:port, e.g. 127.0.0.1:8080, was '" + raw + "'");
            return null;
        }
        String host = raw.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(raw.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new HostPort(host, port);
        } catch (NumberFormatException e) {
            n.error("port must be a number from 0 to 65535, was '" + raw.substring(colon + 1) + "'");
            return null;
        }
    }

    private static String holderText(ConfigNode n) {
        List<String> texts = n.asTexts();
        if (texts.size() != 1) {
            throw new IllegalArgumentException();
        }
        return texts.get(0);
    }
}
