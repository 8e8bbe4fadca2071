package dev.portcullis.cli;

import dev.portcullis.config.ConfigException;
import dev.portcullis.decide.CorsFacts;
import dev.portcullis.tools.Caller;
import dev.portcullis.tools.Callers;
import dev.portcullis.tools.Explanation;
import dev.portcullis.tools.ExplanationFormat;
import dev.portcullis.tools.PolicyEvaluator;
import dev.portcullis.tools.PolicyModel;
import dev.portcullis.tools.UnverifiedToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis explain}: what the proxy would answer to one request, and why. Exit 0 when
 * it would be let through (allowed, public, or {@code mode: audit}), 1 when refused (400, 401,
 * 403, 404), 2 when it cannot be evaluated.
 */
@Command(name = "explain", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Explain what the proxy would answer to one request: normalized path, route, each deny and "
                + "allow entry, decision and reason. Nothing is started or fetched.",
            "Exit status: 0 let through, 1 refused, 2 invalid input."})
final class ExplainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "the YAML config file")
    Path config;
    @Option(names = "--method", paramLabel = "METHOD",
            defaultValue = "GET", description = "request method (default: ${DEFAULT-VALUE})")
    String method;
    @Option(names = "--url", paramLabel = "URL",
            required = true, description = "http://host/path?query, or /path for no host")
    String url;
    @Option(names = "--token", paramLabel = "JWT",
            description = "a JWT to read the caller from ('-' reads it from stdin); its "
            + "signature is NOT verified")
    String token;
    @Option(names = "--sub", paramLabel = "SUBJECT", description = "the caller's subject")
    String sub;
    @Option(names = "--groups", paramLabel = "GROUP",
            split = ",", description = "the caller's groups, comma-separated")
    List<String> groups = new ArrayList<>();
    @Option(names = "--scopes", paramLabel = "SCOPE",
            split = ",", description = "the caller's scopes, comma-separated")
    List<String> scopes = new ArrayList<>();
    @Option(names = "--claim", paramLabel = "NAME=VALUE",
            description = "a claim, NAME=VALUE; repeat a name for a list; true and false are JSON booleans")
    List<String> claims = new ArrayList<>();
    @Option(names = "--email", paramLabel = "EMAIL", description = "the caller's e-mail")
    String email;
    @Option(names = "--issuer", paramLabel = "ID",
            description = "id of the issuer the caller's token would come from "
            + "(default: the config's only issuer)")
    String issuer;
    @Option(names = "--origin", paramLabel = "ORIGIN",
            description = "the Origin of the calling page (https://app.example.com): shows the route's CORS answer")
    String origin;
    @Option(names = "--preflight", paramLabel = "METHOD",
            description = "a CORS preflight (OPTIONS) from --origin asking for METHOD (Access-Control-Request-Method)")
    String preflight;
    @Option(names = "--preflight-headers", paramLabel = "NAME", split = ",",
            description = "the headers that preflight asks for (Access-Control-Request-Headers), comma-separated")
    List<String> preflightHeaders = new ArrayList<>();
    @Option(names = "--json", description = "one JSON object instead of the readable trace")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PolicyModel model;
        try {
            model = PolicyModel.read(config);
        } catch (ConfigException e) {
            e.errors().forEach(x -> err.println(x));
            err.printf("%s: %d error%s%n", config, e.errors().size(), e.errors().size() == 1 ? "" : "s");
            return 2;
        }
        if (preflight != null && origin == null) {
            err.println("explain: --preflight needs --origin, the page's origin (a preflight always has one)");
            return 2;
        }
        Caller caller;
        try {
            caller = caller(model);
        } catch (IllegalArgumentException | IOException e) {
            err.println("explain: " + e.getMessage());
            return 2;
        }
        Explanation e;
        try {
            e = new PolicyEvaluator(model).explain(preflight != null ? "OPTIONS" : method, url, caller,
                    new CorsFacts(origin, preflight, preflightHeaders.isEmpty() ? null
                            : String.join(",", preflightHeaders), false, false));
        } catch (IllegalStateException ex) {
            // The trace disagreed with AccessPolicy: a bug, and no answer is better than a wrong one.
            err.println("explain: internal error: " + ex.getMessage());
            return 2;
        }
        out.print(json ? ExplanationFormat.json(e, model.ruleClaims()) : ExplanationFormat.text(e, model.ruleClaims()));
        out.flush();
        return e.allowed() ? 0 : 1;
    }

    private Caller caller(PolicyModel model) throws IOException {
        boolean stated = sub != null || !groups.isEmpty() || !scopes.isEmpty() || !claims.isEmpty() || email != null
                || issuer != null;
        if (token != null) {
            if (stated) {
                throw new IllegalArgumentException("--token and --sub/--groups/--scopes/--claim/--email/--issuer "
                        + "exclude each other");
            }
            String jwt = token.equals("-") ? stdinLine() : withoutScheme(token);
            return UnverifiedToken.decode(model, jwt, Clock.systemUTC());
        }
        if (!stated) {
            return Caller.anonymous();
        }
        Map<String, Object> parsed = new LinkedHashMap<>();
        for (String c : claims) {
            int eq = c.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--claim expects NAME=VALUE, was '" + c + "'");
            }
            String name = c.substring(0, eq);
            String text = c.substring(eq + 1);
            // As a token would carry email_verified: a JSON boolean, which a boolean condition asks for.
            Object value = text.equals("true") || text.equals("false") ? Boolean.valueOf(text) : text;
            Object old = parsed.get(name);
            if (old == null) {
                parsed.put(name, value);
            } else {
                List<Object> list = old instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>(List.of(old));
                list.add(value);
                parsed.put(name, list);
            }
        }
        return Callers.stated(model, issuer, sub == null ? "user" : sub, groups, scopes, email, parsed, "stated");
    }

    /** A token pasted with its header scheme ({@code Bearer eyJ…}) is the same token. */
    private static String withoutScheme(String t) {
        String s = t.trim();
        return s.regionMatches(true, 0, "Bearer ", 0, 7) ? s.substring(7).trim() : s;
    }

    private static String stdinLine() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line = in.readLine();
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException("--token -: no token on stdin");
        }
        return withoutScheme(line);
    }
}
