package dev.portcullis.cli;

import dev.portcullis.config.Durations;
import dev.portcullis.demo.BrowserClient;
import dev.portcullis.demo.DemoUser;
import dev.portcullis.demo.DevIssuer;
import dev.portcullis.demo.DevUsers;
import dev.portcullis.demo.DirectoryOptions;
import dev.portcullis.demo.EventHookTarget;
import dev.portcullis.demo.UserSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the Okta-compatible dev issuer alone, for local development and benchmarks. */
@Command(name = "dev-issuer", description = "Run the Okta-compatible development issuer alone (dev and benchmarks).")
final class DevIssuerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--port", defaultValue = "9000", description = "port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--token-lifetime", defaultValue = "5m", description = "access-token lifetime (default: ${DEFAULT-VALUE})")
    String lifetime;
    @Option(names = "--user", paramLabel = UserSpec.SYNTAX,
            description = {"a user to mint tokens for, e.g. 'ann:finance,Everyone:openid orders.read' (repeatable; "
                + "replaces the demo users; password = login; default scopes openid profile email)"})
    List<String> users = new ArrayList<>();
    @Option(names = "--api-token-file", paramLabel = "FILE",
            description = "file holding the SSWS token the /api/v1 directory API accepts (default: a random one, printed)")
    Path apiTokenFile;
    @Option(names = "--api-rate-limit", defaultValue = "" + DirectoryOptions.DEFAULT_RATE_PER_MINUTE, paramLabel = "N",
            description = "directory API requests a minute per resource before 429 (default: ${DEFAULT-VALUE})")
    int apiRateLimit;
    @Option(names = "--event-hook-url", paramLabel = "URL",
            description = "where POST /dev/membership delivers Okta Event Hooks, e.g. "
                + "http://127.0.0.1:8080/.portcullis/okta/events")
    URI eventHookUrl;
    @Option(names = "--event-hook-secret-file", paramLabel = "FILE",
            description = "file holding the secret sent with every Event Hook request (needed with --event-hook-url)")
    Path eventHookSecretFile;
    @Option(names = "--client-id", defaultValue = DevIssuer.CLIENT_ID, paramLabel = "ID",
            description = "the browser sign-in client's client_id (default: ${DEFAULT-VALUE})")
    String clientId;
    @Option(names = "--client-secret-file", paramLabel = "FILE",
            description = "file holding that client's secret (default: a random one, printed)")
    Path clientSecretFile;
    @Option(names = "--redirect-uri", paramLabel = "URI",
            description = {"a loopback redirect URI registered for that client (repeatable; a URI without a port "
                + "admits any port; default: http://127.0.0.1/.portcullis/callback and the same on localhost)"})
    List<URI> redirectUris = new ArrayList<>();
    @Option(names = "--post-logout-redirect-uri", paramLabel = "URI",
            description = {"a loopback URI the end-session endpoint may send the browser to (repeatable; "
                + "default: / and /app/ on 127.0.0.1 and localhost, any port)"})
    List<URI> postLogoutUris = new ArrayList<>();
    @Option(names = "--event-hook-secret-header", defaultValue = "Authorization", paramLabel = "NAME",
            description = "the header the Event Hook secret is sent in (default: ${DEFAULT-VALUE})")
    String eventHookSecretHeader;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Duration d = Durations.parse(lifetime);
        if (d == null) {
            err.println("--token-lifetime: expected a duration such as 5m or 1h");
            return 2;
        }
        DevUsers known;
        DirectoryOptions options;
        EventHookTarget hook;
        BrowserClient client;
        try {
            known = DevUsers.of(parse(users));
            options = new DirectoryOptions(apiTokenFile == null ? DirectoryOptions.randomToken()
                    : secret("--api-token-file", apiTokenFile), apiRateLimit);
            hook = eventHook();
            client = browserClient();
        } catch (IllegalArgumentException e) {
            err.println("dev-issuer: " + e.getMessage());
            return 2;
        }
        DevIssuer issuer = DevIssuer.start(port, d, known, options);
        issuer.eventHook(hook);
        issuer.registerClient(client);
        System.err.println("dev issuer " + issuer.issuer() + " (tokens: " + issuer.issuer()
                + "/v1/dev/token?user=LOGIN[&groups=G1,G2][&scope=S1+S2])");
        System.err.println("  directory API " + issuer.orgUrl() + "/api/v1/ (Authorization: SSWS "
                + (apiTokenFile == null ? issuer.apiToken() : "<" + apiTokenFile + ">") + "), "
                + apiRateLimit + " requests a minute per resource");
        System.err.println("  membership changes: POST " + issuer.membershipEndpoint()
                + " {\"user\":\"LOGIN\",\"group\":\"NAME\",\"action\":\"add|remove\"}"
                + (hook == null ? " (no --event-hook-url: nothing delivered)" : " -> Event Hook " + hook));
        System.err.println("  browser sign-in: " + issuer.authorizationEndpoint() + " (code flow, PKCE S256), client "
                + client.clientId() + " secret " + (clientSecretFile == null ? client.secret()
                : "<" + clientSecretFile + ">") + ", redirect URIs " + client.redirectUris()
                + "; end session " + issuer.endSessionEndpoint());
        for (DemoUser u : known.all()) {
            System.err.printf("  %-8s %s scopes %s%n", u.login(), u.groups(), u.scopes());
        }
        RunCommand.awaitShutdown(issuer);
        return 0;
    }

    private EventHookTarget eventHook() {
        if (eventHookUrl == null) {
            if (eventHookSecretFile != null) {
                throw new IllegalArgumentException("--event-hook-secret-file needs --event-hook-url");
            }
            return null;
        }
        if (eventHookSecretFile == null) {
            throw new IllegalArgumentException("--event-hook-url needs --event-hook-secret-file (the secret the"
                    + " receiver checks)");
        }
        return new EventHookTarget(eventHookUrl, eventHookSecretHeader,
                secret("--event-hook-secret-file", eventHookSecretFile));
    }

    /** The browser sign-in client from the options: the demo's URIs unless others are given. */
    private BrowserClient browserClient() {
        String secret = clientSecretFile == null ? DirectoryOptions.randomToken()
                : secret("--client-secret-file", clientSecretFile);
        BrowserClient demo = BrowserClient.demo(secret);
        return new BrowserClient(clientId, secret, redirectUris.isEmpty() ? demo.redirectUris() : redirectUris,
                postLogoutUris.isEmpty() ? demo.postLogoutRedirectUris() : postLogoutUris);
    }

    /** The first line of a secret file, trimmed; a missing or empty file is an error naming the flag. */
    static String secret(String flag, Path file) {
        try {
            String text = Files.readString(file).strip();
            if (text.isEmpty()) {
                throw new IllegalArgumentException(flag + " " + file + " is empty");
            }
            return text.lines().findFirst().orElseThrow().strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + file + ": cannot read it (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    /** Each {@code --user}; the first bad one is an error naming it and the syntax. */
    static List<DemoUser> parse(List<String> specs) {
        List<DemoUser> out = new ArrayList<>();
        for (String s : specs) {
            try {
                out.add(UserSpec.parse(s));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--user '" + s + "': " + e.getMessage() + " (expected "
                        + UserSpec.SYNTAX + ")", e);
            }
        }
        return out;
    }
}
