package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.portcullis.config.ProxyConfig.HostPort;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The loader: the issue's example loads as written; every mistake is reported with file, line
 * and column; all mistakes of a file are reported together.
 */
class ConfigReaderTest {
    private static final String FILE = "portcullis.yaml";

    /** The issue's example. Line numbers in the tables below refer to this text. */
    private static final String EXAMPLE = """
            listen: 127.0.0.1:8080
            admin: { listen: 127.0.0.1:9090 }
            issuers:
              - id: okta
                issuer: https://dev-123456.okta.com/oauth2/default
                audiences: [api://default]
                groups_claim: groups
                algorithms: [RS256]
                clock_skew: 30s
                max_token_lifetime: 1h
            identity_headers: { subject: X-Auth-Subject, groups: X-Auth-Groups, email: X-Auth-Email }
            routes:
              - id: orders
                match: { host: api.example.com, path: /orders/** }
                upstream: http://127.0.0.1:9001
                deny:  [ { groups_any: [suspended] } ]
                allow:
                  - { methods: [GET, HEAD], groups_any: [orders-readers, orders-admins] }
                  - { methods: [POST, PUT, PATCH, DELETE], groups_any: [orders-admins] }
              - id: docs
                match: { path: /public/** }
                upstream: http://127.0.0.1:9002
                public: true
            """;

    private final ConfigReader reader = new ConfigReader();

    @Test
    void theIssuesExampleLoads() throws ConfigException {
        ProxyConfig c = reader.read(FILE, EXAMPLE);

        assertThat(c.source()).isEqualTo(FILE);
        assertThat(c.listen()).isEqualTo(new HostPort("127.0.0.1", 8080));
        assertThat(c.admin().listen()).isEqualTo(new HostPort("127.0.0.1", 9090));
        assertThat(c.trustedProxies()).isEmpty();
        assertThat(c.server()).isEqualTo(ServerConfig.defaults());
        assertThat(c.server().methodOverrideAllowed()).as("method_override: refuse by default").isFalse();
        assertThat(c.upstreamDefaults()).isEqualTo(UpstreamDefaultsConfig.defaults());
        assertThat(c.identityHeaders()).isEqualTo(new IdentityHeadersConfig("X-Auth-Subject", "X-Auth-Groups",
                "X-Auth-Email", "X-Auth-Issuer", "X-Auth-Scopes"));

        assertThat(c.issuers()).containsExactly(new IssuerConfig("okta",
                "https://dev-123456.okta.com/oauth2/default", List.of("api://default"), null, "groups", "email",
                List.of("RS256"), Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofHours(1),
                Duration.ofSeconds(10)));

        assertThat(c.routes()).hasSize(2);
        RouteConfig orders = c.routes().get(0);
        assertThat(orders.id()).isEqualTo("orders");
        assertThat(orders.host()).isEqualTo("api.example.com");
        assertThat(orders.path()).isEqualTo("/orders/**");
        assertThat(orders.upstreams()).containsExactly("http://127.0.0.1:9001");
        assertThat(orders.isPublic()).isFalse();
        assertThat(orders.issuers()).isEmpty();
        assertThat(orders.forwardToken()).isFalse();
        assertThat(orders.preserveHost()).isFalse();
        assertThat(orders.location()).isEqualTo(FILE + ":13");
        assertThat(orders.deny()).containsExactly(
                new RuleConfig(null, List.of("suspended"), null, null, null, Map.of(), FILE + ":16"));
        assertThat(orders.allow()).containsExactly(
                new RuleConfig(List.of("GET", "HEAD"), List.of("orders-readers", "orders-admins"), null, null,
                        null, Map.of(), FILE + ":18"),
                new RuleConfig(List.of("POST", "PUT", "PATCH", "DELETE"), List.of("orders-admins"), null, null,
                        null, Map.of(), FILE + ":19"));

        RouteConfig docs = c.routes().get(1);
        assertThat(docs.id()).isEqualTo("docs");
        assertThat(docs.host()).isNull();
        assertThat(docs.path()).isEqualTo("/public/**");
        assertThat(docs.upstreams()).containsExactly("http://127.0.0.1:9002");
        assertThat(docs.isPublic()).isTrue();
        assertThat(docs.allow()).isEmpty();
        assertThat(docs.deny()).isEmpty();
    }

    @Test
    void traceSourcesAreReadAndNoneIsTrustedByDefault() throws ConfigException {
        assertThat(reader.read(FILE, EXAMPLE).tracing().trustedSources()).isEmpty();
        String text = EXAMPLE.replace("admin: { listen: 127.0.0.1:9090 }",
                "admin: { listen: 127.0.0.1:9090 }\ntracing: { trusted_sources: [10.0.0.0/8, 192.168.1.7] }");
        assertThat(reader.read(FILE, text).tracing().trustedSources()).containsExactly("10.0.0.0/8", "192.168.1.7");
    }

    @Test
    void shutdownDefaultsAndIsRead() throws ConfigException {
        assertThat(reader.read(FILE, EXAMPLE).shutdown()).isEqualTo(ShutdownConfig.defaults());
        assertThat(ShutdownConfig.defaults()).isEqualTo(new ShutdownConfig(Duration.ofSeconds(5), Duration.ofSeconds(30)));
        String text = EXAMPLE.replace("admin: { listen: 127.0.0.1:9090 }",
                "admin: { listen: 127.0.0.1:9090 }\nshutdown: { drain_delay: 0s, timeout: 1h }");
        assertThat(reader.read(FILE, text).shutdown()).isEqualTo(new ShutdownConfig(Duration.ZERO, Duration.ofHours(1)));
    }

    @Test
    void http2IsOffByDefaultWithSafeBoundsAndEveryLimitIsRead() throws ConfigException {
        assertThat(reader.read(FILE, EXAMPLE).server().http2()).isEqualTo(Http2Config.defaults());
        assertThat(Http2Config.defaults()).isEqualTo(new Http2Config(false, 100, 16384, 65535, 16384,
                Duration.ofSeconds(10), 100, 200, 2, 16, 10_000, 100_000));
        String text = EXAMPLE.replace("admin: { listen: 127.0.0.1:9090 }", """
                admin: { listen: 127.0.0.1:9090 }
                server:
                  http2: true
                  http2_limits: { max_concurrent_streams: 3, max_header_list_size: 4096, initial_window_size: 1024,
                    max_frame_size: 32768, abuse_window: 2s, max_resets_per_window: 5, max_control_frames_per_window: 6,
                    max_empty_frames: 7, max_small_continuation_frames: 8, max_queued_control_frames: 16,
                    max_streams_per_connection: 9 }""");
        assertThat(reader.read(FILE, text).server().http2()).isEqualTo(new Http2Config(true, 3, 4096, 1024, 32768,
                Duration.ofSeconds(2), 5, 6, 7, 8, 16, 9));
    }

    @ParameterizedTest
    @CsvSource({"auto, AUTO", "java, JAVA"})
    void cryptoProviderIsAutoByDefaultAndEachWordIsRead(String word, CryptoChoice expected) throws ConfigException {
        assertThat(reader.read(FILE, EXAMPLE).server().cryptoProvider()).isEqualTo(CryptoChoice.AUTO);
        String text = EXAMPLE.replace("admin: { listen: 127.0.0.1:9090 }",
                "admin: { listen: 127.0.0.1:9090 }\nserver: { crypto_provider: " + word + " }");
        assertThat(reader.read(FILE, text).server().cryptoProvider()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"second_use, true", "first_use, false"})
    void tokenCacheAdmissionIsSecondUseByDefaultAndEachWordIsRead(String word, boolean secondUse)
            throws ConfigException {
        assertThat(reader.read(FILE, EXAMPLE).server().tokenCacheSecondUse()).isTrue();
        String text = EXAMPLE.replace("admin: { listen: 127.0.0.1:9090 }",
                "admin: { listen: 127.0.0.1:9090 }\nserver: { token_cache_admission: " + word + " }");
        assertThat(reader.read(FILE, text).server().tokenCacheSecondUse()).isEqualTo(secondUse);
    }

    @ParameterizedTest
    @CsvSource({"ES256, ES256", "EdDSA, EDDSA"})
    void assertionAlgorithmIsEs256ByDefaultAndEachWordIsRead(String word, AssertionAlgorithm expected)
            throws ConfigException {
        assertThat(reader.read(FILE, EXAMPLE).identityAssertion().algorithm()).isEqualTo(AssertionAlgorithm.ES256);
        String text = EXAMPLE.replace("admin: { listen: 127.0.0.1:9090 }",
                "admin: { listen: 127.0.0.1:9090 }\nidentity_assertion: { algorithm: " + word + " }");
        assertThat(reader.read(FILE, text).identityAssertion().algorithm()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"auto, AUTO", "io_uring, IO_URING", "epoll, EPOLL", "nio, NIO"})
    void transportIsAutoByDefaultAndEachWordIsRead(String word, TransportChoice expected) throws ConfigException {
        assertThat(reader.read(FILE, EXAMPLE).server().transport()).isEqualTo(TransportChoice.AUTO);
        // A transport this machine lacks is no load error: the file may be shared; start falls back.
        String text = EXAMPLE.replace("admin: { listen: 127.0.0.1:9090 }",
                "admin: { listen: 127.0.0.1:9090 }\nserver: { transport: " + word + " }");
        assertThat(reader.read(FILE, text).server().transport()).isEqualTo(expected);
    }

    @Test
    void everyOptionalKeyIsRead() throws ConfigException {
        String text = EXAMPLE
                .replace("admin: { listen: 127.0.0.1:9090 }", """
                        admin: { listen: "[::1]:9091", max_connections: 16, header_read_timeout: 2s, idle_timeout: 10s }
                        trusted_proxies: [10.0.0.0/8, 192.168.1.7]
                        server: { max_token_bytes: 4096, key_wait_timeout: 2s, io_threads: 2, token_cache_max_bytes: 2097152,
                          body_read_timeout: 5s, body_min_rate: 512, response_write_timeout: 20s,
                          method_override: allow }
                        upstream_defaults: { connect_timeout: 500ms, max_idle_per_loop: 8 }
                        identity_assertion: { cache_size: 500 }""")
                .replace("max_token_lifetime: 1h", """
                        max_token_lifetime: 1h
                            jwks_uri: https://dev-123456.okta.com/oauth2/default/v1/keys
                            email_claim: mail
                            jwks_refresh_interval: 5m
                            jwks_min_refetch_interval: 500ms""")
                .replace("upstream: http://127.0.0.1:9001", """
                        upstream: [http://127.0.0.1:9001, https://10.0.0.2]
                            issuers: [okta]
                            forward_token: true
                            preserve_host: true
                            connect_timeout: 1s
                            response_timeout: 1m
                            method_override: refuse""")
                .replace("allow:\n", "allow:\n      - { scopes_any: [orders.read], scopes_all: [a, b], "
                        + "groups_all: [x, y], claims: { tenant: [acme, 42], ver: v1, level: 3, admin: true } }\n");

        ProxyConfig c = reader.read(FILE, text);

        assertThat(c.admin().listen()).isEqualTo(new HostPort("::1", 9091));
        assertThat(c.admin().maxConnections()).isEqualTo(16);
        assertThat(c.admin().headerReadTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.admin().idleTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.server().bodyReadTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.server().bodyMinRate()).isEqualTo(512);
        assertThat(c.server().responseWriteTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.trustedProxies()).containsExactly("10.0.0.0/8", "192.168.1.7");
        assertThat(c.server().maxTokenBytes()).isEqualTo(4096);
        assertThat(c.server().keyWaitTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.server().ioThreads()).isEqualTo(2);
        assertThat(c.server().tokenCacheMaxBytes()).isEqualTo(2_097_152);
        assertThat(c.server().methodOverrideAllowed()).isTrue();
        assertThat(c.server().maxHeaderSize()).isEqualTo(ServerConfig.defaults().maxHeaderSize());
        assertThat(c.upstreamDefaults().connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.upstreamDefaults().maxIdlePerLoop()).isEqualTo(8);
        assertThat(c.identityAssertion().cacheSize()).isEqualTo(500);
        assertThat(c.identityAssertion().lifetime()).isEqualTo(IdentityAssertionConfig.defaults().lifetime());
        IssuerConfig okta = c.issuers().get(0);
        assertThat(okta.jwksUri()).isEqualTo("https://dev-123456.okta.com/oauth2/default/v1/keys");
        assertThat(okta.emailClaim()).isEqualTo("mail");
        assertThat(okta.jwksRefreshInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(okta.jwksMinRefetch()).isEqualTo(Duration.ofMillis(500));
        RouteConfig orders = c.routes().get(0);
        assertThat(orders.upstreams()).containsExactly("http://127.0.0.1:9001", "https://10.0.0.2");
        assertThat(orders.issuers()).containsExactly("okta");
        assertThat(orders.forwardToken()).isTrue();
        assertThat(orders.preserveHost()).isTrue();
        assertThat(orders.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(orders.responseTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(orders.methodOverride()).isFalse();
        assertThat(orders.allowsMethodOverride(c.server())).isFalse();
        assertThat(c.routes().get(1).methodOverride()).as("not set: the server's applies").isNull();
        assertThat(c.routes().get(1).allowsMethodOverride(c.server())).isTrue();
        RuleConfig first = orders.allow().get(0);
        assertThat(first.scopesAny()).containsExactly("orders.read");
        assertThat(first.scopesAll()).containsExactly("a", "b");
        assertThat(first.groupsAll()).containsExactly("x", "y");
        assertThat(first.methods()).isNull();
        assertThat(first.claims()).containsExactly(Map.entry("tenant", new ClaimConfig.OneOf(List.of("acme", "42"))),
                Map.entry("ver", new ClaimConfig.OneOf(List.of("v1"))),
                Map.entry("level", new ClaimConfig.OneOf(List.of("3"))),
                Map.entry("admin", new ClaimConfig.Bool(true)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://127.0.0.1:8000/issuer", "http://localhost:8000", "http://[::1]:8000/x"})
    void plainHttpIssuerIsAcceptedOnLoopback(String issuer) throws ConfigException {
        ProxyConfig c = reader.read(FILE, EXAMPLE.replace("https://dev-123456.okta.com/oauth2/default", issuer));

        assertThat(c.issuers().get(0).issuer()).isEqualTo(issuer);
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                // name, replace this, with this, error path, message fragment, line, column
                arguments("unknown top-level key", "listen: 127.0.0.1:8080", "lisen: 127.0.0.1:8080",
                        "lisen", "unknown key 'lisen'", 1, 1),
                arguments("unknown admin key", "admin: { listen:", "admin: { listen_on: 1, listen:",
                        "admin.listen_on", "unknown key 'listen_on'", 2, 10),
                arguments("unknown issuer key", "groups_claim: groups", "group_claim: groups",
                        "issuers[0].group_claim", "unknown key 'group_claim'", 7, 5),
                arguments("unknown route key", "public: true", "public: true\n    upstream_path: /x",
                        "routes[1].upstream_path", "unknown key 'upstream_path'", 24, 5),
                arguments("unknown match key", "path: /public/**", "path: /public/**, hots: a.example",
                        "routes[1].match.hots", "unknown key 'hots'", 21, 32),
                arguments("unknown rule key", "{ groups_any: [suspended] }", "{ group_any: [suspended] }",
                        "routes[0].deny[0].group_any", "unknown key 'group_any'", 16, 16),
                arguments("unknown identity header key", "email: X-Auth-Email", "mail: X-Auth-Email",
                        "identity_headers.mail", "unknown key 'mail'", 11, 69),

                arguments("protected route without allow",
                        "    allow:\n      - { methods: [GET, HEAD], groups_any: [orders-readers, orders-admins] }\n"
                                + "      - { methods: [POST, PUT, PATCH, DELETE], groups_any: [orders-admins] }\n", "",
                        "routes[0]", "a route that is not public needs 'allow' entries", 13, 5),
                arguments("protected route with allow: []", "    allow:\n      - { methods: [GET, HEAD], "
                                + "groups_any: [orders-readers, orders-admins] }\n      - { methods: [POST, PUT, "
                                + "PATCH, DELETE], groups_any: [orders-admins] }\n", "    allow: []\n",
                        "routes[0]", "a route that is not public needs 'allow' entries", 13, 5),
                arguments("public route with allow", "public: true", "public: true\n    allow: [ { methods: [GET] } ]",
                        "routes[1]", "a public route takes no 'allow' or 'deny'", 20, 5),
                arguments("public route with deny", "public: true", "public: true\n    deny: [ { groups_any: [x] } ]",
                        "routes[1]", "a public route takes no 'allow' or 'deny'", 20, 5),

                arguments("HS256", "algorithms: [RS256]", "algorithms: [RS256, HS256]",
                        "issuers[0].algorithms[1]", "algorithm 'HS256' is not accepted", 8, 25),
                arguments("none", "algorithms: [RS256]", "algorithms: [none]",
                        "issuers[0].algorithms[0]", "algorithm 'none' is not accepted", 8, 18),
                arguments("lower-case rs256", "algorithms: [RS256]", "algorithms: [rs256]",
                        "issuers[0].algorithms[0]", "algorithm 'rs256' is not accepted", 8, 18),
                arguments("no algorithms", "algorithms: [RS256]", "algorithms: []",
                        "issuers[0].algorithms", "list at least one algorithm", 8, 5),
                arguments("missing audiences", "    audiences: [api://default]\n", "",
                        "issuers[0]", "an issuer needs 'audiences'", 4, 5),
                arguments("empty audiences", "audiences: [api://default]", "audiences: []",
                        "issuers[0]", "an issuer needs 'audiences'", 4, 5),
                arguments("missing issuer url", "    issuer: https://dev-123456.okta.com/oauth2/default\n", "",
                        "issuers[0]", "an issuer needs 'issuer'", 4, 5),
                arguments("http issuer on a public host", "https://dev-123456.okta.com/oauth2/default",
                        "http://idp.example.com/oauth2/default",
                        "issuers[0].issuer", "plain http is accepted for loopback addresses only", 5, 5),
                arguments("http issuer on a name that starts like a loopback address",
                        "https://dev-123456.okta.com/oauth2/default", "http://127.attacker.example/oauth2/default",
                        "issuers[0].issuer", "plain http is accepted for loopback addresses only", 5, 5),
                arguments("http jwks_uri on a public host", "clock_skew: 30s",
                        "clock_skew: 30s\n    jwks_uri: http://keys.example.com/keys",
                        "issuers[0].jwks_uri", "plain http is accepted for loopback addresses only", 10, 5),
                arguments("issuer with a query", "okta.com/oauth2/default", "okta.com/oauth2/default?x=1",
                        "issuers[0].issuer", "must not have a query or fragment", 5, 5),
                arguments("issuer not a URL", "https://dev-123456.okta.com/oauth2/default", "dev-123456.okta.com",
                        "issuers[0].issuer", "expected an absolute http(s) URL", 5, 5),
                arguments("clock skew too large", "clock_skew: 30s", "clock_skew: 6m",
                        "issuers[0].clock_skew", "at most 5m", 9, 5),
                arguments("clock skew not a duration", "clock_skew: 30s", "clock_skew: 30",
                        "issuers[0].clock_skew", "expected a duration", 9, 5),
                arguments("max token lifetime zero", "max_token_lifetime: 1h", "max_token_lifetime: 0s",
                        "issuers[0].max_token_lifetime", "must be longer than 0s", 10, 5),
                arguments("refetch interval too short", "clock_skew: 30s",
                        "clock_skew: 30s\n    jwks_min_refetch_interval: 10ms",
                        "issuers[0].jwks_min_refetch_interval", "at least 100ms", 10, 5),
                arguments("empty groups claim", "groups_claim: groups", "groups_claim: ''",
                        "issuers[0].groups_claim", "must not be empty", 7, 5),
                arguments("route names an unknown issuer", "public: true", "public: true\n    issuers: [auth0]",
                        "routes[1].issuers[0]", "no issuer with id 'auth0'", 24, 15),

                arguments("duplicate route id", "id: docs", "id: orders",
                        "routes[1].id", "duplicate route id 'orders' (first at " + FILE + ":13)", 20, 5),
                arguments("duplicate host and path", "match: { path: /public/** }",
                        "match: { host: api.example.com, path: /orders/** }",
                        "routes[1].match", "same host and path as route 'orders'", 21, 5),
                arguments("duplicate host and path, host in other case with trailing dot",
                        "match: { path: /public/** }", "match: { host: API.Example.COM., path: /orders/** }",
                        "routes[1].match", "same host and path as route 'orders'", 21, 5),
                arguments("invalid host", "host: api.example.com", "host: api_example.com",
                        "routes[0].match.host", "not a valid host name", 14, 14),
                arguments("route without match", "    match: { path: /public/** }\n", "",
                        "routes[1]", "a route needs 'match' with at least a 'path'", 20, 5),

                arguments("'**' in the middle", "/public/**", "/a/**/b",
                        "routes[1].match.path", "'**' may only end a pattern: '/a/**/b'", 21, 14),
                arguments("relative path", "/public/**", "a",
                        "routes[1].match.path", "a path pattern starts with '/': 'a'", 21, 14),
                arguments("'*' inside a segment", "/public/**", "/a*",
                        "routes[1].match.path", "'*' must be a whole segment in '/a*'", 21, 14),
                arguments("dot segment", "/public/**", "/a/../b",
                        "routes[1].match.path", "dot segments are not allowed in '/a/../b'", 21, 14),
                arguments("empty segment", "/public/**", "/a//b",
                        "routes[1].match.path", "empty segment ('//')", 21, 14),
                arguments("encoded character", "/public/**", "/a%2Fb",
                        "routes[1].match.path", "character '%' is not allowed", 21, 14),

                arguments("upstream with a path", "http://127.0.0.1:9001", "http://127.0.0.1:9001/orders",
                        "routes[0].upstream", "an upstream URL has no path", 15, 5),
                arguments("second upstream with a path", "upstream: http://127.0.0.1:9001",
                        "upstream: [http://127.0.0.1:9001, http://127.0.0.1:9003/v1]",
                        "routes[0].upstream[1]", "an upstream URL has no path", 15, 39),
                arguments("upstream with user info", "http://127.0.0.1:9001", "http://u:p@127.0.0.1:9001",
                        "routes[0].upstream", "no query, fragment or user info", 15, 5),
                arguments("upstream not http", "http://127.0.0.1:9001", "ftp://127.0.0.1:9001",
                        "routes[0].upstream", "expected an http(s) URL", 15, 5),
                arguments("missing upstream", "    upstream: http://127.0.0.1:9002\n", "",
                        "routes[1]", "a route needs an 'upstream'", 20, 5),

                arguments("empty rule {}", "      - { methods: [POST, PUT, PATCH, DELETE], groups_any: [orders-admins] }",
                        "      - {}", "routes[0].allow[1]", "a rule needs at least one condition", 19, 9),
                arguments("empty deny rule {}", "deny:  [ { groups_any: [suspended] } ]", "deny:  [ {} ]",
                        "routes[0].deny[0]", "a rule needs at least one condition", 16, 14),
                arguments("null rule", "      - { methods: [POST, PUT, PATCH, DELETE], groups_any: [orders-admins] }",
                        "      -", "routes[0].allow[1]", "an empty rule would match every request", 19, 8),
                arguments("empty groups_any", "groups_any: [orders-admins] }", "groups_any: [] }",
                        "routes[0].allow[1].groups_any", "an empty list matches nothing", 19, 48),
                arguments("empty methods", "methods: [GET, HEAD]", "methods: []",
                        "routes[0].allow[0].methods", "an empty list matches nothing", 18, 11),
                arguments("empty claim values", "{ groups_any: [suspended] }", "{ claims: { tenant: [] } }",
                        "routes[0].deny[0].claims.tenant", "an empty list matches nothing", 16, 26),
                arguments("unknown claim matcher", "{ groups_any: [suspended] }",
                        "{ claims: { email: { prefix: a } } }", "routes[0].deny[0].claims.email.prefix",
                        "unknown key 'prefix' (expected one of one_of, suffix)", 16, 35),
                arguments("empty suffix", "{ groups_any: [suspended] }", "{ claims: { email: { suffix: '' } } }",
                        "routes[0].deny[0].claims.email.suffix", "an empty suffix matches every string", 16, 35),
                arguments("empty suffix in a list", "{ groups_any: [suspended] }",
                        "{ claims: { email: { suffix: ['@a.io', ''] } } }", "routes[0].deny[0].claims.email.suffix[1]",
                        "an empty suffix matches every string", 16, 53),
                arguments("empty suffix list", "{ groups_any: [suspended] }", "{ claims: { email: { suffix: [] } } }",
                        "routes[0].deny[0].claims.email.suffix", "an empty list matches nothing", 16, 35),
                arguments("empty one_of", "{ groups_any: [suspended] }", "{ claims: { dept: { one_of: [] } } }",
                        "routes[0].deny[0].claims.dept.one_of", "an empty list matches nothing", 16, 34),
                arguments("two matchers at once", "{ groups_any: [suspended] }",
                        "{ claims: { email: { suffix: '@a.io', one_of: [b] } } }", "routes[0].deny[0].claims.email",
                        "a claim matcher has exactly one of one_of or suffix", 16, 26),
                arguments("empty matcher", "{ groups_any: [suspended] }", "{ claims: { email: {} } }",
                        "routes[0].deny[0].claims.email", "a claim matcher has exactly one of one_of or suffix", 16, 26),
                arguments("boolean suffix", "{ groups_any: [suspended] }", "{ claims: { email: { suffix: true } } }",
                        "routes[0].deny[0].claims.email.suffix", "expected a string or a list of strings", 16, 35),
                arguments("blank claim value", "{ groups_any: [suspended] }", "{ claims: { tenant: [acme, ' '] } }",
                        "routes[0].deny[0].claims.tenant[1]", "must not be blank", 16, 41),
                arguments("blank group", "groups_any: [suspended]", "groups_any: [suspended, ' ']",
                        "routes[0].deny[0].groups_any[1]", "must not be blank", 16, 40),
                arguments("lower-case method", "methods: [GET, HEAD]", "methods: [GET, head]",
                        "routes[0].allow[0].methods[1]", "unknown method 'head' (methods are upper case", 18, 26),
                arguments("unknown method", "methods: [GET, HEAD]", "methods: [FETCH]",
                        "routes[0].allow[0].methods[0]", "unknown method 'FETCH'", 18, 21),

                arguments("listen without port", "listen: 127.0.0.1:8080", "listen: 127.0.0.1",
                        "listen", "expected host:port", 1, 1),
                arguments("listen port out of range", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:70000",
                        "listen", "port must be a number from 0 to 65535", 1, 1),
                arguments("admin on the proxy's address", "listen: 127.0.0.1:9090 }", "listen: 127.0.0.1:8080 }",
                        "admin.listen", "must not share the proxy's address", 2, 10),
                arguments("bad trusted proxy", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "trusted_proxies: [10.0.0.0/8, 10.0.0.0/40]",
                        "trusted_proxies[1]", "expected an IP address or CIDR block", 2, 31),
                arguments("bad trusted trace source", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "tracing: { trusted_sources: [10.0.0.0/8, example.com] }",
                        "tracing.trusted_sources[1]", "expected an IP address or CIDR block", 2, 42),
                arguments("identity headers clash", "email: X-Auth-Email", "email: x-auth-subject",
                        "identity_headers.email", "same header as identity_headers.subject", 11, 69),
                arguments("identity header not a token", "subject: X-Auth-Subject", "subject: 'X Auth'",
                        "identity_headers.subject", "a header name of letters, digits and '-'", 11, 21),
                arguments("public not a boolean", "public: true", "public: 'true'",
                        "routes[1].public", "expected true or false", 23, 5),
                arguments("unknown method_override", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "server: { method_override: ignore }",
                        "server.method_override", "expected 'refuse' or 'allow', was 'ignore'", 2, 11),
                arguments("unknown crypto_provider", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "server: { crypto_provider: openssl }", "server.crypto_provider",
                        "expected 'auto' or 'java', was 'openssl'", 2, 11),
                arguments("unknown token_cache_admission", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "server: { token_cache_admission: never }", "server.token_cache_admission",
                        "expected 'first_use' or 'second_use', was 'never'", 2, 11),
                arguments("assertion routes not a list of ids", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "identity_assertion: { routes: { orders: true } }", "identity_assertion.routes",
                        "expected", 2, 23),
                arguments("assertion routes naming no route", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "identity_assertion: { routes: [orders, nope] }", "identity_assertion.routes[1]",
                        "no route has the id 'nope'", 2, 40),
                arguments("assertion routes naming a route twice", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "identity_assertion: { routes: [orders, orders] }", "identity_assertion.routes[1]",
                        "route 'orders' is listed twice", 2, 40),
                arguments("unknown assertion algorithm", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "identity_assertion: { algorithm: Ed25519 }", "identity_assertion.algorithm",
                        "expected 'ES256' or 'EdDSA', was 'Ed25519'", 2, 23),
                arguments("assertion algorithm in lower case", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "identity_assertion: { algorithm: eddsa }", "identity_assertion.algorithm",
                        "expected 'ES256' or 'EdDSA', was 'eddsa'", 2, 23),
                arguments("unknown transport", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "server: { transport: kqueue }", "server.transport",
                        "expected 'auto', 'io_uring', 'epoll' or 'nio', was 'kqueue'", 2, 11),
                arguments("route method_override not a word", "    public: true\n",
                        "    public: true\n    method_override: true\n", "routes[1].method_override",
                        "expected a string", 24, 5),
                arguments("forward_token on a public route", "    public: true\n",
                        "    public: true\n    forward_token: true\n", "routes[1].forward_token",
                        "a public route never verifies a token, so forwarding one would hand the service an"
                                + " unverified credential", 24, 5),
                arguments("number out of range", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "server: { max_token_bytes: 10 }",
                        "server.max_token_bytes", "must be between 512 and 1048576, was 10", 2, 11),
                arguments("negative assertion cache size", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "identity_assertion: { cache_size: -1 }",
                        "identity_assertion.cache_size", "must be between 0 and 10000000, was -1", 2, 23),
                arguments("assertion cache size not a number", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "identity_assertion: { cache_size: 10k }",
                        "identity_assertion.cache_size", "expected a whole number", 2, 23),
                arguments("token cache byte bound too small", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "server: { token_cache_max_bytes: 1000 }",
                        "server.token_cache_max_bytes", "must be between 1048576 and 1099511627776, was 1000", 2, 11),
                arguments("token cache byte bound not a number", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "server: { token_cache_max_bytes: 48MiB }",
                        "server.token_cache_max_bytes", "expected a whole number", 2, 11),
                arguments("body timeout of zero", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "server: { body_read_timeout: 0s }",
                        "server.body_read_timeout", "must be at least 100ms, was 0s", 2, 11),
                arguments("response write timeout too short", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "server: { response_write_timeout: 10ms }",
                        "server.response_write_timeout", "must be at least 100ms, was 10ms", 2, 11),
                arguments("negative body rate", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "server: { body_min_rate: -1 }",
                        "server.body_min_rate", "must be between 0 and", 2, 11),
                arguments("admin head timeout of zero", "listen: 127.0.0.1:9090 }",
                        "listen: 127.0.0.1:9090, header_read_timeout: 0ms }",
                        "admin.header_read_timeout", "must be at least 100ms", 2, 34),
                arguments("admin connection cap of zero", "listen: 127.0.0.1:9090 }",
                        "listen: 127.0.0.1:9090, max_connections: 0 }",
                        "admin.max_connections", "must be between 1 and 100000, was 0", 2, 34),
                arguments("idle pool ceiling out of range", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "upstream_defaults: { max_idle_per_loop: 100001 }",
                        "upstream_defaults.max_idle_per_loop", "must be between 0 and 100000, was 100001", 2, 22),
                arguments("shutdown timeout over an hour", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "shutdown: { timeout: 61m }",
                        "shutdown.timeout", "must be at most 1h, was 61m", 2, 13),
                arguments("shutdown drain delay not a duration", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "shutdown: { drain_delay: -1s }",
                        "shutdown.drain_delay", "expected a duration", 2, 13),
                arguments("unknown shutdown key", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "shutdown: { grace: 5s }",
                        "shutdown.grace", "unknown key 'grace'", 2, 13),
                arguments("http2 limit out of range", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "server: { http2: true, http2_limits: { max_concurrent_streams: 0 } }",
                        "server.http2_limits.max_concurrent_streams", "must be between 1 and 10000, was 0", 2, 40),
                arguments("http2 abuse window under a second", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "server: { http2_limits: { abuse_window: 100ms } }",
                        "server.http2_limits.abuse_window", "must be at least 1s", 2, 27),
                arguments("unknown http2_limits key", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "server: { http2_limits: { max_streams: 5 } }",
                        "server.http2_limits.max_streams", "unknown key 'max_streams'", 2, 27),
                arguments("http2 not a boolean", "listen: 127.0.0.1:8080", "listen: 127.0.0.1:8080\n"
                        + "server: { http2: sometimes }",
                        "server.http2", "", 2, 11),
                arguments("routes not a list", "routes:\n  - id: orders", "routes: 1\nx:\n  - id: orders",
                        "routes", "expected a list", 12, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void eachMistakeIsReportedWithFileLineAndColumn(String name, String from, String to, String path,
            String message, int line, int column) {
        List<ConfigError> errors = errorsOf(mutate(from, to));

        assertThat(errors)
                .as("errors of the config with %s", name)
                .filteredOn(e -> e.path().equals(path) && e.message().contains(message))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.file()).isEqualTo(FILE);
                    assertThat(e.line()).as("line").isEqualTo(line);
                    assertThat(e.column()).as("column").isEqualTo(column);
                    assertThat(e.toString()).startsWith(FILE + ":" + line + ":" + column + ": " + path + ": ");
                });
    }

    @Test
    void aPlainClaimValueWithAStarLoadsWithAWarningWhereItIs() throws ConfigException {
        List<ConfigError> warnings = new java.util.ArrayList<>();
        ProxyConfig c = reader.withWarnings(warnings::add).read(FILE,
                mutate("{ groups_any: [suspended] }", "{ claims: { email: ['*@example.com', x] } }"));

        assertThat(c.routes().get(0).deny().get(0).claims())
                .containsEntry("email", new ClaimConfig.OneOf(List.of("*@example.com", "x")));
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.toString()).startsWith(FILE + ":16:26: routes[0].deny[0].claims.email: ");
            assertThat(w.message()).contains("'*@example.com' is matched literally",
                    "{ suffix: \"@example.com\" }", "one_of");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"{ claims: { email: { one_of: ['*@example.com'] } } }",
        "{ claims: { email: { suffix: '@example.com' } } }", "{ claims: { tenant: acme, email_verified: true } }"})
    void explicitMatchersAndPlainValuesWithoutAStarLoadWithoutWarnings(String rule) throws ConfigException {
        List<ConfigError> warnings = new java.util.ArrayList<>();
        reader.withWarnings(warnings::add).read(FILE, mutate("{ groups_any: [suspended] }", rule));

        assertThat(warnings).isEmpty();
    }

    @Test
    void claimMatchersAreReadIntoTheirForms() throws ConfigException {
        ProxyConfig c = reader.read(FILE, mutate("{ groups_any: [suspended] }", "{ claims: { email: { suffix: "
                + "['@a.io', '@b.io'] }, email_verified: true, blocked: false, dept: { one_of: [eng, 7] } } }"));

        assertThat(c.routes().get(0).deny().get(0).claims()).containsExactly(
                Map.entry("email", new ClaimConfig.Suffix(List.of("@a.io", "@b.io"))),
                Map.entry("email_verified", new ClaimConfig.Bool(true)),
                Map.entry("blocked", new ClaimConfig.Bool(false)),
                Map.entry("dept", new ClaimConfig.OneOf(List.of("eng", "7"))));
    }

    @Test
    void oktaOrgAuthorizationServerIsRefusedWithAnExplanation() {
        for (String issuer : List.of("https://dev-1.okta.com", "https://dev-1.okta.com/", "https://DEV-1.OKTA.COM",
                "https://acme.oktapreview.com", "https://acme.okta-emea.com")) {
            List<ConfigError> errors = errorsOf(EXAMPLE.replace("https://dev-123456.okta.com/oauth2/default", issuer));

            assertThat(errors).as(issuer).singleElement().satisfies(e -> {
                assertThat(e.path()).isEqualTo("issuers[0].issuer");
                assertThat(e.line()).isEqualTo(5);
                assertThat(e.message()).contains("org authorization server", "cannot be validated locally",
                        "custom authorization server", issuer.replaceAll("/$", "") + "/oauth2/default");
            });
        }
    }

    @Test
    void allErrorsOfOneFileAreReportedEachWhereItIs() {
        String text = """
                listen: 127.0.0.1:8080
                listn: 1
                issuers:
                  - id: okta
                    issuer: http://idp.example.com/oauth2/default
                    algorithms: [RS256, HS256, none]
                    clock_skew: 10m
                routes:
                  - id: orders
                    match: { path: /a/**/b }
                    upstream: http://127.0.0.1:9001/base
                    allow:
                      - {}
                      - { groups_any: [] }
                      - { methods: [get] }
                      -
                  - id: orders
                    match:
                      path: a
                    upstream: http://127.0.0.1:9002
                    public: true
                    allow: [ { methods: [GET] } ]
                  - id: c
                    match: { path: /a* }
                    upstream: http://127.0.0.1:9002
                  - id: d
                    match: { host: API.example.com., path: /x }
                    upstream: http://127.0.0.1:9002
                    allow: [ { methods: [GET] } ]
                  - id: e
                    match: { host: api.example.com, path: /x }
                    upstream: http://127.0.0.1:9002/
                    allow: [ { methods: [GET] } ]
                """;

        List<ConfigError> errors = errorsOf(text);

        assertThat(errors).allSatisfy(e -> assertThat(e.file()).isEqualTo(FILE));
        assertThat(errors).extracting(e -> e.line() + ":" + e.column() + " " + e.path()).containsExactlyInAnyOrder(
                "2:1 listn",
                "4:5 issuers[0]", // no audiences
                "5:5 issuers[0].issuer", // plain http
                "6:25 issuers[0].algorithms[1]", // HS256
                "6:32 issuers[0].algorithms[2]", // none
                "7:5 issuers[0].clock_skew",
                "10:14 routes[0].match.path",
                "11:5 routes[0].upstream",
                "13:9 routes[0].allow[0]", // {}
                "14:11 routes[0].allow[1].groups_any", // []
                "15:21 routes[0].allow[2].methods[0]", // get
                "16:8 routes[0].allow[3]", // null rule
                "17:5 routes[1].id", // duplicate
                "19:7 routes[1].match.path", // a
                "17:5 routes[1]", // public with allow
                "24:14 routes[2].match.path", // /a*
                "23:5 routes[2]", // no allow
                "31:5 routes[4].match"); // same host and path as d
    }

    @Test
    void theExceptionMessageListsEveryError() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> reader.read(FILE,
                EXAMPLE.replace("algorithms: [RS256]", "algorithms: [HS256]").replace("id: docs", "id: orders")));

        assertThat(e.errors()).hasSize(2);
        assertThat(e.getMessage().lines()).containsExactly(e.errors().get(0).toString(),
                e.errors().get(1).toString());
        assertThat(e.getMessage()).contains(FILE + ":8:18: issuers[0].algorithms[0]: algorithm 'HS256'",
                FILE + ":20:5: routes[1].id: duplicate route id 'orders'");
    }

    static Stream<Arguments> invalidYaml() {
        return Stream.of(
                arguments("a: [1, 2\nb: 3\n", 2),
                arguments("listen: 127.0.0.1:8080\nissuers:\n  - id: a\n   issuer: b\n", 4),
                arguments("a: 1\n  b: 2\n", 2),
                arguments("a: 1\na: 2\n", 2),
                arguments("listen: \"unterminated\nroutes: []\n", 1));
    }

    @ParameterizedTest
    @MethodSource("invalidYaml")
    void invalidYamlIsReportedWithItsLine(String text, int line) {
        assertThat(errorsOf(text)).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo(FILE);
            assertThat(e.message()).startsWith("not valid YAML");
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.column()).isPositive();
        });
    }

    /** YAML keys are unique; a second 'allow' must not silently replace the first. */
    @Test
    void aRepeatedKeyIsRefusedNotSilentlyReplaced() {
        String text = mutate("    upstream: http://127.0.0.1:9001\n",
                "    upstream: http://127.0.0.1:9001\n    allow: [ { methods: [GET] } ]\n");

        assertThat(errorsOf(text)).singleElement().satisfies(e -> {
            assertThat(e.message()).startsWith("not valid YAML").contains("key 'allow' appears a second time");
            assertThat(e.line()).as("where the repeated key's value starts").isEqualTo(19);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"- a\n- b\n", "just text\n", "42\n"})
    void aConfigThatIsNotAMappingIsRefused(String text) {
        assertThat(errorsOf(text)).singleElement().satisfies(e ->
                assertThat(e.message()).isEqualTo("the config must be a YAML mapping"));
    }

    @Test
    void protectedRoutesNeedAnIssuer() {
        String noIssuers = EXAMPLE.substring(0, EXAMPLE.indexOf("issuers:"))
                + EXAMPLE.substring(EXAMPLE.indexOf("identity_headers:"));

        assertThat(errorsOf(noIssuers)).extracting(ConfigError::message)
                .containsExactly("protected routes need at least one issuer");
    }

    @Test
    void aFileIsReadAndItsErrorsNameIt(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, EXAMPLE, StandardCharsets.UTF_8);
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, mutate("algorithms: [RS256]", "algorithms: [HS256]"), StandardCharsets.UTF_8);

        assertThat(reader.read(good).source()).isEqualTo(good.toString());
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> reader.read(bad));
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.file()).isEqualTo(bad.toString());
            assertThat(err.line()).isEqualTo(8);
        });
        assertThatThrownBy(() -> reader.read(dir.resolve("missing.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.yaml")
                .hasMessageContaining("cannot read file");
    }

    private static String mutate(String from, String to) {
        int at = EXAMPLE.indexOf(from);
        assertThat(at).as("'%s' is in the example", from).isNotNegative();
        assertThat(EXAMPLE.indexOf(from, at + 1)).as("'%s' is in the example once", from).isNegative();
        return EXAMPLE.replace(from, to);
    }

    private List<ConfigError> errorsOf(String text) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> reader.read(FILE, text));
        assertThat(e).as("the config is refused").isNotNull();
        return e.errors();
    }
}
