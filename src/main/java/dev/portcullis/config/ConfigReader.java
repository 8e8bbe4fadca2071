package dev.portcullis.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.config.ProxyConfig.AdminConfig;
import dev.portcullis.config.ProxyConfig.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a YAML config file into {@link ProxyConfig} and validates it. Every error in the file is
 * collected, with its line and column, before anything is thrown.
 */
public final class ConfigReader {
    private static final Set<String> TOP_KEYS = Set.of("listen", "tls", "admin", "server", "upstream_defaults",
            "trusted_proxies", "identity_headers", "identity_assertion", "issuers", "routes", "include", "detection", "audit", "tracing",
            "routing");
    private static final Set<String> ISSUER_KEYS = Set.of("id", "issuer", "audiences", "jwks_uri", "groups_claim",
            "email_claim", "algorithms", "clock_skew", "max_token_lifetime", "jwks_refresh_interval",
            "jwks_min_refetch_interval");
    private static final Set<String> ROUTE_KEYS = Set.of("id", "match", "upstream", "public", "allow", "deny",
            "issuers", "forward_token", "preserve_host", "connect_timeout", "response_timeout", "upstream_tls",
            "max_body_size", "max_concurrent_requests", "mode", "method_override", "trailing_slash", "path_case");
    private static final Set<String> RULE_KEYS = Set.of("methods", "groups_any", "groups_all", "scopes_any",
            "scopes_all", "claims", "mode");
    private static final Set<String> ADMIN_KEYS = Set.of("listen", "max_connections", "header_read_timeout",
            "idle_timeout");
    private static final Set<String> TLS_KEYS = Set.of("cert_file", "key_file", "reload_interval");
    private static final Set<String> UPSTREAM_TLS_KEYS = Set.of("ca_file", "cert_file", "key_file");
    private static final Set<String> SERVER_KEYS = Set.of("max_initial_line_length", "max_header_size",
            "max_header_count", "max_token_bytes", "max_body_size", "idle_timeout", "header_read_timeout",
            "max_connections", "key_wait_timeout", "io_threads", "token_cache_size", "token_cache_max_bytes",
            "body_read_timeout", "body_min_rate", "response_write_timeout", "method_override");
    private static final Set<String> UPSTREAM_DEFAULTS_KEYS = Set.of("connect_timeout", "response_timeout",
            "idle_timeout", "max_idle_per_loop");
    private static final Set<String> IDENTITY_HEADERS_KEYS = Set.of("subject", "groups", "email", "issuer", "scopes");
    private static final Set<String> IDENTITY_ASSERTION_KEYS = Set.of("enabled", "header", "issuer", "lifetime",
            "rotate_every", "cache_size");
    private static final Set<String> MATCH_KEYS = Set.of("host", "path");
    private static final Set<String> AUDIT_KEYS = Set.of("allowed_sample_rate", "queue_capacity");
    private static final Set<String> TRACING_KEYS = Set.of("otlp_endpoint", "service_name", "sample_ratio",
            "export_delay", "trusted_sources");
    private static final Set<String> DETECTION_KEYS = Set.of("enabled", "window", "client_threshold",
            "subject_threshold", "instant_reasons", "max_tracked_sources", "block", "webhook");
    private static final Set<String> DETECTION_BLOCK_KEYS = Set.of("enabled", "cooldown", "status");
    private static final Set<String> DETECTION_WEBHOOK_KEYS = Set.of("url", "headers", "timeout", "max_attempts",
            "initial_backoff", "max_backoff", "queue_capacity");
    private static final Set<String> INCLUDED_FILE_KEYS = Set.of("routes");
    /** The shortest client-side timeout accepted: below it, ordinary network jitter would cut requests. */
    private static final Duration MIN_CLIENT_TIMEOUT = Duration.ofMillis(100);
    private static final Set<String> ROUTING_KEYS = Set.of("path_case");
    /** The key of {@link #acceptedKeys()} for the top level of an included route file. */
    static final String INCLUDED_FILE = "include:/";

    private final YAMLFactory yaml = new YAMLFactory();
    private final Map<String, String> env;
    private final Source source;

    /** Where the text of a config file comes from. */
    @FunctionalInterface
    public interface Source {
        /** The file's text; an {@link IOException} is reported as the file's error. */
        String read(Path file) throws IOException;
    }

    public ConfigReader() {
        this(System.getenv());
    }

    /** With the environment that {@code ${VAR}} references are resolved from. */
    public ConfigReader(Map<String, String> env) {
        this(env, file -> Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * With the environment, and the source of the files' text: a reload passes the bytes it has
     * seen settle, so a file still being written is never parsed.
     */
    public ConfigReader(Map<String, String> env, Source source) {
        this.env = Map.copyOf(env);
        this.source = source;
    }
    /** A repeated key would silently replace the first one (a second 'allow', say): refuse it. */
    private final ObjectMapper mapper = new ObjectMapper(yaml)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    /**
     * The keys that each mapping of a config file accepts, by a JSON-pointer-like path ({@code /} the top,
     * {@code *} every element of a list; {@link #INCLUDED_FILE} the top of an included route file). The
     * schema test holds {@code schema/portcullis.schema.json} to these sets.
     */
    static Map<String, Set<String>> acceptedKeys() {
        return Map.ofEntries(Map.entry("/", TOP_KEYS), Map.entry("/tls", TLS_KEYS), Map.entry("/admin", ADMIN_KEYS),
                Map.entry("/server", SERVER_KEYS), Map.entry("/upstream_defaults", UPSTREAM_DEFAULTS_KEYS),
                Map.entry("/identity_headers", IDENTITY_HEADERS_KEYS),
                Map.entry("/identity_assertion", IDENTITY_ASSERTION_KEYS), Map.entry("/issuers/*", ISSUER_KEYS),
                Map.entry("/routes/*", ROUTE_KEYS), Map.entry("/routes/*/match", MATCH_KEYS),
                Map.entry("/routes/*/upstream_tls", UPSTREAM_TLS_KEYS), Map.entry("/routes/*/allow/*", RULE_KEYS),
                Map.entry("/routes/*/deny/*", RULE_KEYS), Map.entry(INCLUDED_FILE, INCLUDED_FILE_KEYS),
                Map.entry("/audit", AUDIT_KEYS), Map.entry("/tracing", TRACING_KEYS),
                Map.entry("/detection", DETECTION_KEYS), Map.entry("/detection/block", DETECTION_BLOCK_KEYS),
                Map.entry("/detection/webhook", DETECTION_WEBHOOK_KEYS), Map.entry("/routing", ROUTING_KEYS));
    }

    /** Reads a config file, the route files it includes, and substitutes environment variables. */
    public ProxyConfig read(Path file) throws ConfigException {
        return read(file.toString(), readText(file.toString(), file), file.toAbsolutePath().getParent());
    }

    /** Reads config text; {@code include} is resolved against the working directory. */
    public ProxyConfig read(String name, String text) throws ConfigException {
        return read(name, text, Path.of("").toAbsolutePath());
    }

    private ProxyConfig read(String name, String rawText, Path baseDir) throws ConfigException {
        List<ConfigError> envErrors = new ArrayList<>();
        String text = EnvSubstitution.apply(name, rawText, env, envErrors);
        if (!envErrors.isEmpty()) {
            throw new ConfigException(envErrors);
        }
        YamlDocument main = parse(name, text);
        Problems problems = new Problems(name, main.sourceMap());
        if (main.root() == null || !main.root().isObject()) {
            problems.add("", "the config must be a YAML mapping");
            throw new ConfigException(problems.errors());
        }
        ProxyConfig config = bind(name, new ConfigNode(main.root(), "", problems));
        config = withIncludes(config, new ConfigNode(main.root(), "", problems), problems, baseDir);
        new ConfigValidator(problems).validate(config);
        if (!problems.errors().isEmpty()) {
            throw new ConfigException(problems.errors());
        }
        return config;
    }

    private YamlDocument parse(String name, String text) throws ConfigException {
        return YamlDocument.parse(name, text, mapper);
    }

    private String readText(String name, Path file) throws ConfigException {
        try {
            return source.read(file);
        } catch (IOException e) {
            throw YamlDocument.unreadable(name, e);
        }
    }

    /**
     * {@code include: routes.d} (or a list of directories) adds the routes of every
     * {@code *.yaml} / {@code *.yml} file there, in name order: one file per team or service.
     * Included files hold {@code routes:} only; their errors name their own file and line.
     */
    private ProxyConfig withIncludes(ProxyConfig config, ConfigNode root, Problems problems, Path baseDir)
            throws ConfigException {
        List<String> dirs = root.texts("include");
        if (dirs == null || dirs.isEmpty()) {
            return config;
        }
        List<RouteConfig> routes = new ArrayList<>(config.routes());
        List<String> files = new ArrayList<>(config.files());
        List<ConfigError> readErrors = new ArrayList<>();
        for (int d = 0; d < dirs.size(); d++) {
            Path dir = baseDir.resolve(dirs.get(d));
            if (!Files.isDirectory(dir)) {
                problems.add("/include" + (root.get("include").isObject() ? "" : "/" + d),
                        "not a directory: " + dir);
                continue;
            }
            for (Path f : includedFiles(dir)) {
                String fname = f.toString();
                files.add(fname);
                try {
                    List<ConfigError> envErrors = new ArrayList<>();
                    String text = EnvSubstitution.apply(fname, readText(fname, f), env, envErrors);
                    readErrors.addAll(envErrors);
                    YamlDocument parsed = parse(fname, text);
                    Problems fileProblems = problems.forFile(fname, parsed.sourceMap());
                    ConfigNode froot = new ConfigNode(parsed.root(), "", fileProblems);
                    if (!froot.isObject()) {
                        fileProblems.add("", "an included file is a mapping with 'routes:'");
                        continue;
                    }
                    froot.allowOnly(INCLUDED_FILE_KEYS);
                    List<ConfigNode> nodes = froot.list("routes");
                    for (int i = 0; i < nodes.size(); i++) {
                        problems.routeFrom(routes.size(), fileProblems, i);
                        routes.add(route(nodes.get(i)));
                    }
                } catch (ConfigException e) {
                    readErrors.addAll(e.errors());
                }
            }
        }
        if (!readErrors.isEmpty()) {
            throw new ConfigException(readErrors);
        }
        return config.withRoutes(routes, files);
    }

    /** The route files an {@code include:} directory contributes, in the order they are read. */
    public static List<Path> includedFiles(Path dir) throws ConfigException {
        try (var stream = Files.list(dir)) {
            return stream.filter(p -> {
                String n = p.getFileName().toString();
                return (n.endsWith(".yaml") || n.endsWith(".yml")) && !n.startsWith(".");
            }).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(dir.toString(), 0, 0, "", "cannot list: " + e)));
        }
    }

    private ProxyConfig bind(String name, ConfigNode root) {
        root.allowOnly(TOP_KEYS);
        HostPort listen = hostPort(root.get("listen"), new HostPort("127.0.0.1", 8080));
        ConfigNode adminNode = root.get("admin");
        AdminConfig admin = new AdminConfig(new HostPort("127.0.0.1", 9090));
        if (adminNode.expectObject()) {
            adminNode.allowOnly(ADMIN_KEYS);
            admin = admin(adminNode, admin);
        }
        List<String> trusted = root.texts("trusted_proxies");
        List<IssuerConfig> issuers = new ArrayList<>();
        for (ConfigNode n : root.list("issuers")) {
            issuers.add(issuer(n));
        }
        List<RouteConfig> routes = new ArrayList<>();
        for (ConfigNode n : root.list("routes")) {
            routes.add(route(n));
        }
        return new ProxyConfig(name, listen, tls(root.get("tls"), true), admin, server(root.get("server")),
                upstreamDefaults(root.get("upstream_defaults")), trusted == null ? List.of() : trusted,
                identityHeaders(root.get("identity_headers")), identityAssertion(root.get("identity_assertion")),
                issuers, routes, List.of(name), detection(root.get("detection")), audit(root.get("audit")),
                tracing(root.get("tracing")), routing(root.get("routing")));
    }

    private static RoutingConfig routing(ConfigNode n) {
        RoutingConfig d = RoutingConfig.defaults();
        if (!n.expectObject()) {
            return d;
        }
        n.allowOnly(ROUTING_KEYS);
        Boolean insensitive = n.choice("path_case", "sensitive", "insensitive", null);
        return new RoutingConfig(insensitive != null ? insensitive : d.caseInsensitive());
    }

    private static DetectionConfig detection(ConfigNode n) {
        DetectionConfig d = DetectionConfig.defaults();
        if (!n.expectObject()) {
            return d;
        }
        n.allowOnly(DETECTION_KEYS);
        DetectionConfig.BlockConfig block = d.block();
        ConfigNode b = n.get("block");
        if (b.expectObject()) {
            b.allowOnly(DETECTION_BLOCK_KEYS);
            block = new DetectionConfig.BlockConfig(b.bool("enabled", block.enabled()),
                    b.duration("cooldown", block.cooldown()), (int) b.number("status", block.status(), 100, 599));
        }
        DetectionConfig.WebhookConfig hook = d.webhook();
        ConfigNode w = n.get("webhook");
        if (w.expectObject()) {
            w.allowOnly(DETECTION_WEBHOOK_KEYS);
            Map<String, String> headers = new LinkedHashMap<>();
            w.entries("headers").forEach((name, value) -> {
                List<String> v = value.asTexts();
                if (v.size() == 1) {
                    headers.put(name, v.get(0));
                } else if (!v.isEmpty()) {
                    value.error("expected a string");
                }
            });
            hook = new DetectionConfig.WebhookConfig(w.text("url", null), headers,
                    w.duration("timeout", hook.timeout()),
                    (int) w.number("max_attempts", hook.maxAttempts(), 1, 20),
                    w.duration("initial_backoff", hook.initialBackoff()),
                    w.duration("max_backoff", hook.maxBackoff()),
                    (int) w.number("queue_capacity", hook.queueCapacity(), 1, 100_000));
        }
        List<String> instant = n.texts("instant_reasons");
        return new DetectionConfig(
                n.bool("enabled", d.enabled()),
                n.duration("window", d.window()),
                (int) n.number("client_threshold", d.clientThreshold(), 0, 1_000_000),
                (int) n.number("subject_threshold", d.subjectThreshold(), 0, 1_000_000),
                instant == null ? d.instantReasons() : instant,
                (int) n.number("max_tracked_sources", d.maxTrackedSources(), 100, 10_000_000),
                block, hook);
    }

    private static AdminConfig admin(ConfigNode n, AdminConfig d) {
        return new AdminConfig(hostPort(n.get("listen"), d.listen()),
                (int) n.number("max_connections", d.maxConnections(), 1, 100_000),
                n.duration("header_read_timeout", d.headerReadTimeout(), MIN_CLIENT_TIMEOUT),
                n.duration("idle_timeout", d.idleTimeout(), MIN_CLIENT_TIMEOUT));
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

    private static AuditConfig audit(ConfigNode n) {
        AuditConfig d = AuditConfig.defaults();
        if (!n.expectObject()) {
            return d;
        }
        n.allowOnly(AUDIT_KEYS);
        return new AuditConfig(n.fraction("allowed_sample_rate", d.allowedSampleRate()),
                (int) n.number("queue_capacity", d.queueCapacity(), 16, 10_000_000));
    }

    private static TracingConfig tracing(ConfigNode n) {
        TracingConfig d = TracingConfig.defaults();
        if (!n.expectObject()) {
            return d;
        }
        n.allowOnly(TRACING_KEYS);
        List<String> trusted = n.texts("trusted_sources");
        return new TracingConfig(n.text("otlp_endpoint", null), n.text("service_name", d.serviceName()),
                n.fraction("sample_ratio", d.sampleRatio()), n.duration("export_delay", d.exportDelay()),
                trusted == null ? d.trustedSources() : trusted);
    }

    private static TlsConfig tls(ConfigNode n, boolean listener) {
        if (!n.expectObject()) {
            return null;
        }
        n.allowOnly(listener ? TLS_KEYS : UPSTREAM_TLS_KEYS);
        return new TlsConfig(n.text("cert_file", null), n.text("key_file", null), n.text("ca_file", null),
                n.duration("reload_interval", java.time.Duration.ofMinutes(1)));
    }

    private static ServerConfig server(ConfigNode n) {
        ServerConfig d = ServerConfig.defaults();
        if (!n.expectObject()) {
            return d;
        }
        n.allowOnly(SERVER_KEYS);
        return new ServerConfig(
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
                n.choice("method_override", "refuse", "allow", d.methodOverrideAllowed()));
    }

    private static UpstreamDefaultsConfig upstreamDefaults(ConfigNode n) {
        UpstreamDefaultsConfig d = UpstreamDefaultsConfig.defaults();
        if (!n.expectObject()) {
            return d;
        }
        n.allowOnly(UPSTREAM_DEFAULTS_KEYS);
        return new UpstreamDefaultsConfig(
                n.duration("connect_timeout", d.connectTimeout()),
                n.duration("response_timeout", d.responseTimeout()),
                n.duration("idle_timeout", d.idleTimeout()),
                (int) n.number("max_idle_per_loop", d.maxIdlePerLoop(), 0, 100_000));
    }

    private static IdentityHeadersConfig identityHeaders(ConfigNode n) {
        IdentityHeadersConfig d = IdentityHeadersConfig.defaults();
        if (!n.expectObject()) {
            return d;
        }
        n.allowOnly(IDENTITY_HEADERS_KEYS);
        return new IdentityHeadersConfig(n.text("subject", d.subject()), n.text("groups", d.groups()),
                n.text("email", d.email()), n.text("issuer", d.issuer()), n.text("scopes", d.scopes()));
    }

    private static IdentityAssertionConfig identityAssertion(ConfigNode n) {
        IdentityAssertionConfig d = IdentityAssertionConfig.defaults();
        if (!n.expectObject()) {
            return d;
        }
        n.allowOnly(IDENTITY_ASSERTION_KEYS);
        return new IdentityAssertionConfig(n.bool("enabled", d.enabled()), n.text("header", d.header()),
                n.text("issuer", d.issuer()), n.duration("lifetime", d.lifetime()),
                n.duration("rotate_every", d.rotateEvery()), n.number("cache_size", d.cacheSize(), 0, 10_000_000));
    }

    private static IssuerConfig issuer(ConfigNode n) {
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
                n.duration("jwks_min_refetch_interval", Duration.ofSeconds(10)));
    }

    private static RouteConfig route(ConfigNode n) {
        if (!n.expectObject()) {
            return new RouteConfig(null, null, null, List.of(), false, List.of(), List.of(), List.of(), false, false,
                    null, null, null, -1, 0, n.location(), false, null, false, null);
        }
        n.allowOnly(ROUTE_KEYS);
        ConfigNode match = n.get("match");
        String host = null;
        String path = null;
        if (match.expectObject()) {
            match.allowOnly(MATCH_KEYS);
            host = match.text("host", null);
            path = match.text("path", null);
        } else if (match.isMissing()) {
            n.error("a route needs 'match' with at least a 'path'");
        }
        List<String> upstreams = n.texts("upstream");
        List<String> issuers = n.texts("issuers");
        return new RouteConfig(
                n.text("id", null), host, path,
                upstreams == null ? List.of() : upstreams,
                n.bool("public", false),
                rules(n, "allow"), rules(n, "deny"),
                issuers == null ? List.of() : issuers,
                n.bool("forward_token", false),
                n.bool("preserve_host", false),
                n.duration("connect_timeout", null),
                n.duration("response_timeout", null),
                tls(n.get("upstream_tls"), false),
                n.number("max_body_size", -1, 0, Long.MAX_VALUE),
                (int) n.number("max_concurrent_requests", 0, 0, 1_000_000),
                n.location(), n.choice("mode", "enforce", "audit", false),
                n.choice("method_override", "refuse", "allow", null),
                n.choice("trailing_slash", "ignore", "strict", false),
                n.choice("path_case", "sensitive", "insensitive", null));
    }

    private static List<RuleConfig> rules(ConfigNode route, String key) {
        List<RuleConfig> out = new ArrayList<>();
        for (ConfigNode r : route.list(key)) {
            if (!r.expectObject()) {
                if (r.isMissing()) {
                    r.error("an empty rule would match every request; write the conditions out");
                }
                continue;
            }
            r.allowOnly(RULE_KEYS);
            Map<String, List<String>> claims = new LinkedHashMap<>();
            r.entries("claims").forEach((claim, value) -> claims.put(claim, value.asTexts()));
            out.add(new RuleConfig(r.texts("methods"), r.texts("groups_any"), r.texts("groups_all"),
                    r.texts("scopes_any"), r.texts("scopes_all"), claims, r.location(), r.choice("mode", "enforce", "audit", false)));
        }
        return out;
    }
}
