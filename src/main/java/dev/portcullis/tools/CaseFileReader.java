package dev.portcullis.tools;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.config.ConfigError;
import dev.portcullis.config.ConfigException;
import dev.portcullis.config.UnknownKeys;
import dev.portcullis.config.YamlDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a policy test file ({@code cases:} with {@code name}, {@code who}, {@code request},
 * {@code expect}). Like the config reader it is strict and reports every problem with its
 * {@code file:line:column}: an unknown key, a missing {@code who} or an unknown issuer is an
 * error, never a test that quietly checks something else.
 */
public final class CaseFileReader {
    private static final Set<String> CASE_KEYS = Set.of("name", "who", "request", "expect");
    private static final Set<String> WHO_KEYS = Set.of("sub", "issuer", "groups", "scopes", "email", "claims");
    private static final Set<String> REQUEST_KEYS = Set.of("method", "url");

    private final ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private final PolicyModel model;

    public CaseFileReader(PolicyModel model) {
        this.model = model;
    }

    public List<TestCase> read(Path file) throws ConfigException {
        String name = file.toString();
        try {
            return read(name, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw YamlDocument.unreadable(name, e);
        }
    }

    public List<TestCase> read(String name, String text) throws ConfigException {
        YamlDocument at = YamlDocument.parse(name, text, mapper);
        JsonNode root = at.root();
        List<ConfigError> errors = new ArrayList<>();
        List<TestCase> cases = new ArrayList<>();
        JsonNode list = root == null ? null : root.get("cases");
        if (root == null || !root.isObject() || list == null || !list.isArray() || list.isEmpty()) {
            errors.add(at.error("", "expected 'cases:' with at least one case"));
        } else {
            unknownKeys(root, "", Set.of("cases"), at, errors);
            for (int i = 0; i < list.size(); i++) {
                TestCase c = testCase(list.get(i), "/cases/" + i, at, errors);
                if (c != null) {
                    cases.add(c);
                }
            }
        }
        if (!errors.isEmpty()) {
            errors.sort(java.util.Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
            throw new ConfigException(errors);
        }
        return cases;
    }

    private TestCase testCase(JsonNode n, String p, YamlDocument at, List<ConfigError> errors) {
        if (!n.isObject()) {
            errors.add(at.error(p, "expected a mapping with name, who, request and expect"));
            return null;
        }
        int before = errors.size();
        unknownKeys(n, p, CASE_KEYS, at, errors);
        String name = text(n, p, "name", at, errors);
        JsonNode request = n.path("request");
        String method = null;
        String url = null;
        if (!request.isObject()) {
            errors.add(at.error(p + "/request", "expected request: { method: GET, url: http://host/path }"));
        } else {
            unknownKeys(request, p + "/request", REQUEST_KEYS, at, errors);
            method = request.has("method") ? text(request, p + "/request", "method", at, errors) : "GET";
            url = text(request, p + "/request", "url", at, errors);
        }
        String expectText = text(n, p, "expect", at, errors);
        Expectation expect = expectText == null ? null : Expectation.parse(expectText).orElse(null);
        if (expectText != null && expect == null) {
            errors.add(at.error(p + "/expect", "expected " + Expectation.choices() + ", was '" + expectText + "'"));
        }
        TestCase.Who who = who(n.path("who"), p + "/who", at, errors);
        if (errors.size() > before) {
            return null;
        }
        return new TestCase(name, at.describe(p), who, method, url, expect);
    }

    /** Null for {@code anonymous}; an error (and null) when missing or malformed. */
    private TestCase.Who who(JsonNode n, String p, YamlDocument at, List<ConfigError> errors) {
        if (n.isTextual() && n.asText().equals("anonymous")) {
            return null;
        }
        if (!n.isObject()) {
            errors.add(at.error(p, (n.isMissingNode() ? "'who' is required: " : "") + "expected 'anonymous' (no "
                    + "token) or a mapping such as { sub: alice, groups: [readers] }"));
            return null;
        }
        unknownKeys(n, p, WHO_KEYS, at, errors);
        String issuer = n.has("issuer") ? text(n, p, "issuer", at, errors) : null;
        if (issuer != null && model.issuerById(issuer).isEmpty()) {
            errors.add(at.error(p + "/issuer", "no issuer with id '" + issuer + "' in the config"));
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        JsonNode c = n.path("claims");
        if (!c.isMissingNode() && !c.isObject()) {
            errors.add(at.error(p + "/claims", "expected a mapping of claim name to value(s)"));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isBoolean()) { // a JSON boolean, as a token carries it (email_verified: true)
                claims.put(e.getKey(), e.getValue().booleanValue());
                continue;
            }
            List<String> values = texts(e.getValue(), p + "/claims/" + e.getKey(), at, errors);
            claims.put(e.getKey(), e.getValue().isArray() ? values : values.isEmpty() ? "" : values.get(0));
        }
        String sub = n.has("sub") ? text(n, p, "sub", at, errors) : "user";
        String email = n.has("email") ? text(n, p, "email", at, errors) : null;
        return new TestCase.Who(sub == null ? "user" : sub, issuer, texts(n.path("groups"), p + "/groups", at, errors),
                texts(n.path("scopes"), p + "/scopes", at, errors), email, claims);
    }

    /** A non-blank scalar; an error (and null) otherwise. Optional keys are checked with has() first. */
    private static String text(JsonNode parent, String p, String key, YamlDocument at, List<ConfigError> errors) {
        JsonNode v = parent.path(key);
        if (v.isValueNode() && !v.isNull() && !v.asText().isBlank()) {
            return v.asText();
        }
        errors.add(at.error(p + "/" + key, v.isMissingNode() ? "'" + key + "' is required" : "expected a value"));
        return null;
    }

    /** A list of scalars, or one scalar; empty when missing. */
    private static List<String> texts(JsonNode n, String p, YamlDocument at, List<ConfigError> errors) {
        List<String> out = new ArrayList<>();
        if (n.isMissingNode()) {
            return out;
        }
        for (JsonNode v : n.isArray() ? n : List.of(n)) {
            if (v.isValueNode() && !v.isNull()) {
                out.add(v.asText());
            } else {
                errors.add(at.error(p, "expected a value or a list of values"));
                break;
            }
        }
        return out;
    }

    private static void unknownKeys(JsonNode n, String p, Set<String> allowed, YamlDocument at,
            List<ConfigError> errors) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                errors.add(at.error(p + "/" + key, UnknownKeys.message(key, allowed)));
            }
        }
    }
}
