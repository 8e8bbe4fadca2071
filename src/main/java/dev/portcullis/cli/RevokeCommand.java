package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.config.ConfigError;
import dev.portcullis.config.ConfigException;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis revoke}: revokes a user's tokens issued before now (or one group of them)
 * through the running proxy's admin listener ({@code POST /admin/revocations}), with the admin
 * token from {@code admin.token_file}. Exit 0 when applied, 1 when the proxy refused or could not
 * be reached, 2 for a usage or config error.
 */
@Command(name = "revoke", sortOptions = false,
        description = "Revoke a user's earlier tokens (or one group of them) on a running proxy, at once.")
final class RevokeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true,
            description = "the proxy's YAML config (admin.listen, admin.token_file)")
    Path config;

    @Option(names = "--sub", paramLabel = "SUBJECT", description = "the tokens' sub (for Okta: the user's login)")
    String sub;

    @Option(names = "--uid", paramLabel = "OKTA_USER_ID", description = "the tokens' uid claim (the Okta user id)")
    String uid;

    @Option(names = "--group", paramLabel = "NAME", description = "take only this group from the tokens")
    String group;

    @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the audit trail")
    String reason;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", hidden = true)
    String timeout;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        if (sub == null && uid == null) {
            err.println("portcullis revoke: name the user with --sub or --uid");
            return 2;
        }
        ProxyConfig c;
        try {
            c = new ConfigReader().read(config);
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println(error);
            }
            return 2;
        }
        if (c.admin().tokenFile() == null) {
            err.println("portcullis revoke: " + config + " has no admin.token_file: the proxy serves no revocations");
            return 2;
        }
        String token;
        try {
            token = Files.readString(Path.of(c.admin().tokenFile())).trim();
        } catch (IOException | RuntimeException e) {
            err.println("portcullis revoke: cannot read admin.token_file " + c.admin().tokenFile() + ": "
                    + e.getMessage());
            return 2;
        }
        return post(url(c), token, out, err);
    }

    /** The admin listener's revocation URL; a wildcard listen address is reached on loopback. */
    static String url(ProxyConfig c) {
        String host = c.admin().listen().host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
            host = host.contains(":") ? "::1" : "127.0.0.1";
        }
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + c.admin().listen().port() + "/admin/revocations";
    }

    private int post(String url, String token, PrintWriter out, PrintWriter err) {
        ObjectNode body = JSON.createObjectNode();
        put(body, "sub", sub);
        put(body, "uid", uid);
        put(body, "group", group);
        put(body, "reason", reason);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                err.println("portcullis revoke: " + url + " answered " + res.statusCode() + ": " + message(res.body()));
                return 1;
            }
            JsonNode n = JSON.readTree(res.body());
            out.println("revoked " + (sub != null ? "sub " + sub : "uid " + uid)
                    + (group != null ? " group " + group : "") + " (tokens issued before "
                    + n.path("published").asText() + "), event " + n.path("event").asText());
            return 0;
        } catch (IOException e) {
            err.println("portcullis revoke: cannot reach the admin listener at " + url + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static void put(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }

    private static String message(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n.hasNonNull("message") ? n.get("message").asText() : n.path("error").asText(body.trim());
        } catch (IOException e) {
            return body.trim();
        }
    }
}
