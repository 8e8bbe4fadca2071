package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The editors' JSON Schema ({@code schema/portcullis.schema.json}) held to the loader: every config in
 * the repository matches it and loads; each mapping of the schema names exactly the keys that
 * {@link ConfigReader} accepts there, so a key added to one and not the other fails the build; and
 * mistakes that the loader refuses, the schema refuses too, at the same place.
 */
class ConfigSchemaTest {
    private static final Path SCHEMAS = Path.of("schema");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    /** The environment that ${VAR} references in the configs under test are resolved from. */
    private static final Map<String, String> ENV = Map.of("ORDERS_URL", "http://127.0.0.1:9001");

    /** Readable stand-ins for the PEM files that configs name (the loader checks that they can be read). */
    @TempDir
    static Path pemFiles;

    private static JsonSchema mainSchema;
    private static JsonSchema routesSchema;
    private static JsonNode mainTree;

    @BeforeAll
    static void loadSchemas() throws IOException {
        mainSchema = schema("portcullis.schema.json");
        routesSchema = schema("portcullis-routes.schema.json");
        mainTree = JSON.readTree(SCHEMAS.resolve("portcullis.schema.json").toFile());
    }

    private static JsonSchema schema(String file) {
        JsonSchema s = FACTORY.getSchema(SchemaLocation.of(SCHEMAS.resolve(file).toAbsolutePath().toUri().toString()));
        s.initializeValidators(); // resolves every $ref now: a broken one fails here, not on some later input
        return s;
    }

    private static List<String> schemaErrors(JsonSchema schema, String yaml) throws IOException {
        return schema.validate(YAML.readTree(yaml)).stream().map(m -> m.getInstanceLocation() + " " + m.getMessage())
                .toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"portcullis.schema.json", "portcullis-routes.schema.json"})
    void theSchemaFilesAreValid202012Schemas(String file) throws IOException {
        JsonSchema meta = FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        assertThat(meta.validate(JSON.readTree(SCHEMAS.resolve(file).toFile()))).isEmpty();
    }

    // --- (a) every config in the repository -------------------------------------------------------------

    static Stream<Arguments> repositoryConfigs() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(Path.of("examples"))) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted().toList()) {
                String text = Files.readString(p);
                if (!YAML.readTree(text).has("cases")) { // policy-test case files have their own shape
                    out.add(arguments(p.toString(), text, p));
                }
            }
        }
        Path demo = Path.of("src/main/resources/demo/portcullis-demo.yaml");
        out.add(arguments(demo.toString(), withDemoPorts(Files.readString(demo)), null));
        List<String> blocks = readmeConfigBlocks();
        assertThat(blocks).as("README.md has a ```yaml block that starts with 'listen:'").isNotEmpty();
        for (int i = 0; i < blocks.size(); i++) {
            out.add(arguments("README.md config block " + (i + 1),
                    blocks.get(i).replace("…", "https://dev-123456.okta.com/oauth2/default/v1/keys"), null));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("repositoryConfigs")
    void everyConfigInTheRepositoryMatchesTheSchemaAndLoads(String name, String text, Path file) throws Exception {
        Set<String> keys = new TreeSet<>();
        YAML.readTree(text).fieldNames().forEachRemaining(keys::add);
        if (file != null && keys.equals(Set.of("routes"))) {
            // a route file of an include directory: loaded through the config that includes it
            assertThat(schemaErrors(routesSchema, text)).as(name).isEmpty();
            return;
        }
        assertThat(schemaErrors(mainSchema, text)).as(name).isEmpty();
        ConfigReader reader = new ConfigReader(ENV);
        assertThatCode(() -> {
            if (file != null) {
                reader.read(file);
            } else {
                reader.read(name, withReadablePemFiles(text));
            }
        }).as(name).doesNotThrowAnyException();
    }

    /** The demo's {@code @NAME_PORT@}, {@code @ISSUER@}, {@code @ORG_URL@} and {@code @NAME_FILE@} tokens, as DemoCommand fills them in. */
    private static String withDemoPorts(String text) {
        int[] next = {19001};
        return Pattern.compile("@([A-Z_]+)@").matcher(text).replaceAll(m -> {
            if (m.group(1).equals("ISSUER")) {
                return "http://127.0.0.1:19000/oauth2/default";
            }
            if (m.group(1).equals("ORG_URL")) {
                return "http://127.0.0.1:19000";
            }
            if (m.group(1).endsWith("_FILE")) { // the secret files the demo writes
                return "/tmp/portcullis-demo/" + m.group(1).toLowerCase(java.util.Locale.ROOT);
            }
            assertThat(m.group(1)).as("a demo placeholder this test knows").endsWith("_PORT");
            return Integer.toString(next[0]++);
        });
    }

    private static List<String> readmeConfigBlocks() throws IOException {
        Matcher m = Pattern.compile("(?ms)^```yaml\\n(listen:.*?)^```").matcher(Files.readString(Path.of("README.md")));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** Points every {@code *_file:} at an empty file in a temporary directory. */
    private static String withReadablePemFiles(String text) throws IOException {
        Matcher m = Pattern.compile("(?m)^(\\s*(?:cert|key|ca)_file:\\s*)(\\S+)").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Path stand = pemFiles.resolve(Path.of(m.group(2)).getFileName());
            if (!Files.exists(stand)) {
                Files.createFile(stand);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + stand));
        }
        return m.appendTail(out).toString();
    }

    // --- (b) drift between the schema and ConfigReader -----------------------------------------------

    @Test
    void everyMappingOfTheSchemaHasExactlyTheKeysTheReaderAccepts() {
        Map<String, Set<String>> schemaKeys = new TreeMap<>();
        List<String> open = new ArrayList<>();
        collectKeys(mainTree, "/", schemaKeys, open);
        JsonNode routesFile = mainTree.at("/$defs/routesFile");
        collectKeys(routesFile, ConfigReader.INCLUDED_FILE, new TreeMap<>(), open);
        schemaKeys.put(ConfigReader.INCLUDED_FILE, names(routesFile.get("properties")));

        Map<String, Set<String>> readerKeys = ConfigReader.acceptedKeys();
        List<String> drift = new ArrayList<>();
        Stream.concat(schemaKeys.keySet().stream(), readerKeys.keySet().stream()).distinct().sorted().forEach(at -> {
            minus(readerKeys.get(at), schemaKeys.get(at)).forEach(k ->
                    drift.add(at + ": '" + k + "' is accepted by ConfigReader but not in the schema"));
            minus(schemaKeys.get(at), readerKeys.get(at)).forEach(k ->
                    drift.add(at + ": '" + k + "' is in the schema but ConfigReader refuses it"));
        });
        assertThat(drift).as("schema/portcullis.schema.json vs ConfigReader").isEmpty();
        assertThat(open).as("mappings without additionalProperties: false").isEmpty();
        assertThat(routesFile.at("/properties/routes/items")).as("a route file's routes are the main file's routes")
                .isEqualTo(mainTree.at("/properties/routes/items"));
    }

    /** Property names by path ({@code *} = list element), following $ref, items and anyOf/oneOf/allOf. */
    private static void collectKeys(JsonNode node, String path, Map<String, Set<String>> out, List<String> open) {
        if (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            assertThat(ref).as("a local reference").startsWith("#/");
            collectKeys(mainTree.at(ref.substring(1)), path, out, open);
        }
        if (node.has("properties")) {
            out.computeIfAbsent(path, p -> new TreeSet<>()).addAll(names(node.get("properties")));
            if (!node.path("additionalProperties").isBoolean() || node.get("additionalProperties").asBoolean()) {
                open.add(path);
            }
            node.get("properties").fields().forEachRemaining(e ->
                    collectKeys(e.getValue(), (path.endsWith("/") ? path : path + "/") + e.getKey(), out, open));
        }
        if (node.has("items")) {
            collectKeys(node.get("items"), path + "/*", out, open);
        }
        for (String combinator : List.of("anyOf", "oneOf", "allOf")) {
            node.path(combinator).forEach(branch -> collectKeys(branch, path, out, open));
        }
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a == null ? Set.of() : a);
        out.removeAll(b == null ? Set.of() : b);
        return out;
    }

    private static Set<String> names(JsonNode properties) {
        Set<String> names = new TreeSet<>();
        properties.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // --- (c) mistakes: refused by both, at the same place -----------------------------------------------

    private static final String BASE = """
            issuers:
              - { id: okta, issuer: https://dev-123456.okta.com/oauth2/default, audiences: [api://default] }
            routes:
              - id: orders
                match: { path: /orders/** }
                upstream: http://127.0.0.1:9001
                allow:
                  - { methods: [GET], groups_any: [orders-readers] }
            """;

    static Stream<Arguments> mistakes() {
        return Stream.of(
                arguments("unknown top-level key", BASE + "listn: 127.0.0.1:8080\n", "listn"),
                arguments("a typo of deny", routeWith("denny: [ { groups_any: [x] } ]"),
                        "routes[0].denny"),
                arguments("unknown rule key", BASE.replace("groups_any", "group_any"), "routes[0].allow[0].group_any"),
                arguments("unknown server key", BASE + "server: { max_headers: 10 }\n", "server.max_headers"),
                arguments("HS256", issuerWith("algorithms: [HS256]"), "issuers[0].algorithms[0]"),
                arguments("alg none", issuerWith("algorithms: none"), "issuers[0].algorithms"),
                arguments("lower-case method", BASE.replace("[GET]", "[get]"), "routes[0].allow[0].methods[0]"),
                arguments("unknown method", BASE.replace("[GET]", "[FETCH]"), "routes[0].allow[0].methods[0]"),
                arguments("duration in words", issuerWith("clock_skew: 30 seconds"), "issuers[0].clock_skew"),
                arguments("duration without unit", issuerWith("clock_skew: 30"), "issuers[0].clock_skew"),
                arguments("duration unit min", BASE + "upstream_defaults: { connect_timeout: 5min }\n",
                        "upstream_defaults.connect_timeout"),
                arguments("listen without host", BASE + "listen: 8080\n", "listen"),
                arguments("port out of range", BASE + "listen: 127.0.0.1:70000\n", "listen"),
                arguments("empty groups list", BASE.replace("[orders-readers]", "[]"),
                        "routes[0].allow[0].groups_any"),
                arguments("unknown claim matcher", BASE.replace("groups_any: [orders-readers]",
                        "claims: { email: { prefix: a } }"), "routes[0].allow[0].claims.email"),
                arguments("empty claim suffix", BASE.replace("groups_any: [orders-readers]",
                        "claims: { email: { suffix: '' } }"), "routes[0].allow[0].claims.email"),
                arguments("empty one_of", BASE.replace("groups_any: [orders-readers]",
                        "claims: { dept: { one_of: [] } }"), "routes[0].allow[0].claims.dept"),
                arguments("two claim matchers", BASE.replace("groups_any: [orders-readers]",
                        "claims: { email: { suffix: '@a.io', one_of: [b] } }"), "routes[0].allow[0].claims.email"),
                arguments("empty rule", BASE.replace("{ methods: [GET], groups_any: [orders-readers] }", "{}"),
                        "routes[0].allow[0]"),
                arguments("protected route without allow", BASE.replace(
                        "    allow:\n      - { methods: [GET], groups_any: [orders-readers] }\n", ""), "routes[0]"),
                arguments("public route with allow", routeWith("public: true"), "routes[0]"),
                arguments("issuer without audiences", BASE.replace(", audiences: [api://default]", ""), "issuers[0]"),
                arguments("protected routes without issuers", BASE.replace(BASE.substring(0, BASE.indexOf("routes:")),
                        ""), "issuers"),
                arguments("upstream with a path", BASE.replace("9001", "9001/api"), "routes[0].upstream"),
                arguments("header name with a space", BASE + "identity_headers: { subject: X Auth }\n",
                        "identity_headers.subject"),
                arguments("limit below its minimum", BASE + "server: { max_header_count: 2 }\n",
                        "server.max_header_count"),
                arguments("unknown mode", routeWith("mode: shadow"), "routes[0].mode"),
                arguments("unknown method_override", BASE + "server: { method_override: ignore }\n",
                        "server.method_override"),
                arguments("unknown route method_override", routeWith("method_override: yes"),
                        "routes[0].method_override"),
                arguments("forward_token on a public route", BASE.replace(
                        "    allow:\n      - { methods: [GET], groups_any: [orders-readers] }\n",
                        "    public: true\n    forward_token: true\n"), "routes[0].forward_token"),
                arguments("route without match", BASE.replace("    match: { path: /orders/** }\n", ""), "routes[0]"),
                arguments("cors: a word other than passthrough", routeWith("cors: pass"), "routes[0].cors"),
                arguments("cors without allowed_origins", routeWith("cors: { max_age: 10m }"), "routes[0].cors"),
                arguments("cors: the origin '*' with credentials",
                        routeWith("cors: { allowed_origins: '*', allow_credentials: true }"), "routes[0].cors"),
                arguments("cors: an origin with a trailing slash",
                        routeWith("cors: { allowed_origins: ['https://app.example.com/'] }"),
                        "routes[0].cors.allowed_origins"),
                arguments("cors: a lower-case method",
                        routeWith("cors: { allowed_origins: '*', allowed_methods: [put] }"),
                        "routes[0].cors.allowed_methods"),
                arguments("cors: max_age without unit", routeWith("cors: { allowed_origins: '*', max_age: 600 }"),
                        "routes[0].cors.max_age"),
                arguments("unknown load_balancing", routeWith("load_balancing: random"), "routes[0].load_balancing"),
                arguments("unknown retry", BASE + "upstream_defaults: { retry: always }\n", "upstream_defaults.retry"),
                arguments("outlier percent above 100", routeWith("outlier_detection: { max_ejected_percent: 150 }"),
                        "routes[0].outlier_detection.max_ejected_percent"),
                arguments("health check path without slash", routeWith("health_check: { path: healthz }"),
                        "routes[0].health_check.path"),
                arguments("unknown transport", BASE + "server: { transport: kqueue }\n", "server.transport"),
                arguments("unknown crypto_provider", BASE + "server: { crypto_provider: openssl }\n",
                        "server.crypto_provider"),
                arguments("unknown token_cache_admission", BASE + "server: { token_cache_admission: never }\n",
                        "server.token_cache_admission"),
                arguments("unknown assertion algorithm", BASE + "identity_assertion: { algorithm: RS256 }\n",
                        "identity_assertion.algorithm"),
                arguments("http2 not a boolean", BASE + "server: { http2: sometimes }\n", "server.http2"),
                arguments("unknown http2_limits key", BASE + "server: { http2_limits: { max_streams: 5 } }\n",
                        "server.http2_limits.max_streams"),
                arguments("http2 limit below its minimum", BASE + "server: { http2_limits: { max_header_list_size: 100 } }\n",
                        "server.http2_limits.max_header_list_size"),
                arguments("http2 queue bound below its minimum",
                        BASE + "server: { http2_limits: { max_queued_control_frames: 15 } }\n",
                        "server.http2_limits.max_queued_control_frames"),
                arguments("http2 abuse window without unit", BASE + "server: { http2_limits: { abuse_window: 10 } }\n",
                        "server.http2_limits.abuse_window"),
                arguments("health check in upstream_defaults", BASE + "upstream_defaults: { health_check: {} }\n",
                        "upstream_defaults.health_check"));
    }

    private static String routeWith(String key) {
        return BASE.replace("    allow:", "    " + key + "\n    allow:");
    }

    private static String issuerWith(String keys) {
        return BASE.replace("[api://default] }", "[api://default], " + keys + " }");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void aMistakeIsRefusedByTheSchemaAndTheReaderAlike(String name, String yaml, String where) throws IOException {
        ConfigException fromReader = catchThrowableOfType(
                () -> new ConfigReader(ENV).read("mistake.yaml", yaml), ConfigException.class);
        assertThat(fromReader).as("ConfigReader refuses it").isNotNull();
        assertThat(fromReader.errors()).extracting(ConfigError::path).anyMatch(p -> p.startsWith(where));
        assertThat(schemaPlaces(mainSchema, yaml)).as("the schema refuses it at " + where)
                .anyMatch(p -> p.startsWith(where));
    }

    /** Where the schema's errors are, written as ConfigError paths ({@code routes[0].allow[0].methods}). */
    private static List<String> schemaPlaces(JsonSchema schema, String yaml) throws IOException {
        return schema.validate(YAML.readTree(yaml)).stream().map(m -> {
            String at = m.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
            boolean namesAKey = m.getType().equals("additionalProperties") || m.getType().equals("required");
            return namesAKey && m.getProperty() != null ? (at.isEmpty() ? "" : at + ".") + m.getProperty() : at;
        }).toList();
    }

    /** Shorthands that the loader takes (a string for a list of one, scalars in claims, ${VAR}) match the schema. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "listen: '[::1]:8080'",
        "listen: ${LISTEN:-127.0.0.1:8080}",
        "trusted_proxies: 10.0.0.0/8",
        "identity_assertion: { enabled: false, lifetime: '${ASSERTION_LIFETIME:-30s}' }",
        "routes: [ { id: r, match: { path: /r }, upstream: '${ORDERS_URL}', public: true } ]",
        "routes: [ { id: r, match: { path: /r }, upstream: [http://127.0.0.1:1, 'https://[::1]:2'], public: true } ]",
        "routes: [ { id: r, match: { path: /r }, upstream: http://127.0.0.1:1, mode: audit, issuers: okta,"
                + " allow: [ { methods: GET, groups_any: orders-readers, mode: audit } ] } ]",
        "routes: [ { id: r, match: { path: /r }, upstream: http://127.0.0.1:1,"
                + " allow: [ { claims: { department: security, level: 3, mfa: true, amr: [pwd, otp] } } ] } ]",
        "routes: [ { id: r, match: { path: /r }, upstream: http://127.0.0.1:1, public: true, cors: passthrough } ]",
        "server: { transport: io_uring }",
        "server: { crypto_provider: java }",
        "identity_assertion: { algorithm: EdDSA }",
        "server: { http2: true, http2_limits: { abuse_window: 1s, max_concurrent_streams: 1, max_queued_control_frames: 16 } }",
        "routes: [ { id: r, match: { path: /r }, upstream: http://127.0.0.1:1, public: true,"
                + " cors: { allowed_origins: 'http://localhost:5173', allowed_methods: PUT, allowed_headers: Authorization,"
                + " exposed_headers: [ETag], allow_credentials: true, max_age: 10m } } ]",
    })
    void theLoadersShorthandsAreValid(String yaml) throws Exception {
        String config = "issuers: [ { id: okta, issuer: https://dev-1.okta.com/oauth2/default,"
                + " audiences: api://default, algorithms: RS256 } ]\n" + yaml + "\n";
        assertThat(schemaErrors(mainSchema, config)).isEmpty();
        assertThatCode(() -> new ConfigReader(ENV).read("shorthand.yaml", config)).doesNotThrowAnyException();
    }

    @Test
    void aRouteFileOfAnIncludeDirectoryHasItsOwnSchema(@TempDir Path dir) throws Exception {
        String routeFile = """
                routes:
                  - id: orders
                    match: { path: /orders/** }
                    upstream: http://127.0.0.1:9001
                    allow: [ { groups_any: [orders-readers] } ]
                """;
        String withIssuers = routeFile + "issuers: []\n";
        assertThat(schemaErrors(routesSchema, routeFile)).isEmpty();
        assertThat(schemaPlaces(routesSchema, withIssuers)).containsExactly("issuers");

        Files.writeString(dir.resolve("portcullis.yaml"), """
                issuers: [ { id: okta, issuer: https://dev-1.okta.com/oauth2/default, audiences: [api://default] } ]
                include: routes.d
                """);
        Files.createDirectories(dir.resolve("routes.d"));
        Files.writeString(dir.resolve("routes.d/10-orders.yaml"), routeFile);
        assertThat(new ConfigReader(ENV).read(dir.resolve("portcullis.yaml")).routes()).hasSize(1);
        Files.writeString(dir.resolve("routes.d/10-orders.yaml"), withIssuers);
        assertThat(catchThrowableOfType(() -> new ConfigReader(ENV).read(dir.resolve("portcullis.yaml")),
                ConfigException.class).errors()).extracting(ConfigError::path).containsExactly("issuers");
    }
}
