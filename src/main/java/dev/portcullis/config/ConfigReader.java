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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * Reads a YAML config file into {@link ProxyConfig} and validates it. Every error in the file is
 * collected, with its line and column, before anything is thrown.
 */
public final class ConfigReader {
    private static final Set<String> TOP_KEYS = Set.of("listen", "tls", "admin", "server", "upstream_defaults",
            "trusted_proxies", "identity_headers", "identity_assertion", "issuers", "routes", "include", "detection", "audit", "tracing",
            "routing", "shutdown", "okta", "sessions", "shared_state");
    private static final Set<String> INCLUDED_FILE_KEYS = Set.of("routes");
    /** The key of {@link #acceptedKeys()} for the top level of an included route file. */
    static final String INCLUDED_FILE = "include:/";

    private final YAMLFactory yaml = new YAMLFactory();
    private final Map<String, String> env;
    private final Source source;
    private final Consumer<ConfigError> warnings;

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
        this(env, source, w -> LoggerFactory.getLogger(ConfigReader.class).warn("config: {}", w));
    }

    private ConfigReader(Map<String, String> env, Source source, Consumer<ConfigError> warnings) {
        this.env = Map.copyOf(env);
        this.source = source;
        this.warnings = warnings;
    }

    /**
     * The same reader, handing each warning of a read to {@code sink} instead of the log. A warning
     * names something that loads but probably does not mean what it says ({@code "*@example.com"}
     * compared literally); it never stops a file from loading.
     */
    public ConfigReader withWarnings(Consumer<ConfigError> sink) {
        return new ConfigReader(env, source, java.util.Objects.requireNonNull(sink, "sink"));
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
        return Map.ofEntries(Map.entry("/", TOP_KEYS), Map.entry("/tls", TlsReader.TLS_KEYS),
                Map.entry("/admin", ListenerReader.ADMIN_KEYS), Map.entry("/server", ListenerReader.SERVER_KEYS),
                Map.entry("/server/http2_limits", Http2Reader.LIMIT_KEYS),
                Map.entry("/upstream_defaults", ListenerReader.UPSTREAM_DEFAULTS_KEYS),
                Map.entry("/identity_headers", IssuerReader.IDENTITY_HEADERS_KEYS),
                Map.entry("/identity_assertion", IssuerReader.IDENTITY_ASSERTION_KEYS),
                Map.entry("/issuers/*", IssuerReader.ISSUER_KEYS), Map.entry("/routes/*", RouteReader.ROUTE_KEYS),
                Map.entry("/routes/*/match", RouteReader.MATCH_KEYS),
                Map.entry("/routes/*/upstream_tls", TlsReader.UPSTREAM_TLS_KEYS),
                Map.entry("/routes/*/cors", CorsReader.CORS_KEYS),
                Map.entry("/routes/*/websocket", WebSocketReader.WEBSOCKET_KEYS),
                Map.entry("/routes/*/outlier_detection", UpstreamPolicyReader.OUTLIER_KEYS),
                Map.entry("/routes/*/health_check", UpstreamPolicyReader.HEALTH_CHECK_KEYS),
                Map.entry("/upstream_defaults/outlier_detection", UpstreamPolicyReader.OUTLIER_KEYS),
                Map.entry("/routes/*/allow/*", RouteReader.RULE_KEYS),
                Map.entry("/routes/*/deny/*", RouteReader.RULE_KEYS), Map.entry(INCLUDED_FILE, INCLUDED_FILE_KEYS),
                Map.entry("/audit", ObservabilityReader.AUDIT_KEYS),
                Map.entry("/tracing", ObservabilityReader.TRACING_KEYS),
                Map.entry("/detection", ObservabilityReader.DETECTION_KEYS),
                Map.entry("/detection/block", ObservabilityReader.DETECTION_BLOCK_KEYS),
                Map.entry("/detection/webhook", ObservabilityReader.DETECTION_WEBHOOK_KEYS),
                Map.entry("/routing", RouteReader.ROUTING_KEYS),
                Map.entry("/shutdown", ListenerReader.SHUTDOWN_KEYS), Map.entry("/okta", OktaReader.OKTA_KEYS),
                Map.entry("/okta/service_app", OktaReader.SERVICE_APP_KEYS),
                Map.entry("/okta/event_hook", OktaReader.EVENT_HOOK_KEYS),
                Map.entry("/okta/groups_cache", OktaReader.GROUPS_CACHE_KEYS),
                Map.entry("/issuers/*/client", IssuerReader.CLIENT_KEYS),
                Map.entry("/sessions", IssuerReader.SESSIONS_KEYS),
                Map.entry("/shared_state", SharedStateReader.SHARED_STATE_KEYS),
                Map.entry("/shared_state/redis", SharedStateReader.REDIS_KEYS));
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
        problems.warnings().forEach(warnings);
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
                        routes.add(RouteReader.route(nodes.get(i)));
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

    /**
     * Binds the top level. The sections are read in this order; errors are reported by position
     * whatever order they are found in ({@link ConfigException}).
     */
    private ProxyConfig bind(String name, ConfigNode root) {
        root.allowOnly(TOP_KEYS);
        HostPort listen = ListenerReader.listen(root.get("listen"));
        AdminConfig admin = ListenerReader.admin(root.get("admin"));
        List<String> trusted = root.texts("trusted_proxies");
        List<IssuerConfig> issuers = new ArrayList<>();
        for (ConfigNode n : root.list("issuers")) {
            issuers.add(IssuerReader.issuer(n));
        }
        List<RouteConfig> routes = new ArrayList<>();
        for (ConfigNode n : root.list("routes")) {
            routes.add(RouteReader.route(n));
        }
        return new ProxyConfig(name, listen, TlsReader.tls(root.get("tls"), true), admin,
                ListenerReader.server(root.get("server")), ListenerReader.upstreamDefaults(root.get("upstream_defaults")),
                trusted == null ? List.of() : trusted, IssuerReader.identityHeaders(root.get("identity_headers")),
                IssuerReader.identityAssertion(root.get("identity_assertion")), issuers, routes, List.of(name),
                ObservabilityReader.detection(root.get("detection")), ObservabilityReader.audit(root.get("audit")),
                ObservabilityReader.tracing(root.get("tracing")), RouteReader.routing(root.get("routing")),
                ListenerReader.shutdown(root.get("shutdown")), OktaReader.okta(root.get("okta")),
                IssuerReader.sessions(root.get("sessions")), SharedStateReader.sharedState(root.get("shared_state")));
    }
}
