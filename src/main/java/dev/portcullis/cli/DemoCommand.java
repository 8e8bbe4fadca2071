package dev.portcullis.cli;

import dev.portcullis.config.ClientConfig;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.Durations;
import dev.portcullis.demo.BrowserClient;
import dev.portcullis.demo.DemoUser;
import dev.portcullis.demo.DemoUsers;
import dev.portcullis.demo.DevIssuer;
import dev.portcullis.demo.DevUsers;
import dev.portcullis.demo.DirectoryOptions;
import dev.portcullis.demo.EventHookTarget;
import dev.portcullis.demo.SampleService;
import dev.portcullis.server.ListenException;
import dev.portcullis.server.Portcullis;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The embedded default: an Okta-compatible dev issuer, three sample services and the proxy in
 * one process, with ready-to-paste curl commands.
 */
@Command(name = "demo", description = "Run a dev issuer, sample services and the proxy, ready for curl.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "proxy port (default: ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--admin-port", defaultValue = "9090", description = "admin port (default: ${DEFAULT-VALUE})")
    int adminPort;
    @Option(names = "--issuer-port", defaultValue = "9000", description = "dev issuer port (default: ${DEFAULT-VALUE})")
    int issuerPort;
    @Option(names = "--services-port", defaultValue = "9001",
            description = "first of four sample-service ports (default: ${DEFAULT-VALUE})")
    int servicesPort;
    @Option(names = "--token-lifetime", defaultValue = "2m",
            description = "access-token lifetime, so that refreshes show in the audit log (default: ${DEFAULT-VALUE})")
    String tokenLifetime;
    /** Template lines the demo adjusts: the client's refresh margin, and sign-out's way back. */
    private static final String REFRESH_BEFORE_LINE = "refresh_before: 60s ";
    private static final String POST_LOGOUT_LINE = "post_logout_redirect_uri: http://127.0.0.1:@PROXY_PORT@/app/";
    /** The browser route's path, as the demo prints it. */
    static final String APP_PATH = "/app/";
    /** Where the proxy receives Okta's Event Hooks. */
    static final String EVENTS_PATH = "/.portcullis/okta/events";

    @Override
    public Integer call() throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            return runDemo(started);
        } catch (Exception e) {
            // Stop what did start, so that the failure is the one line and nothing keeps running.
            for (int i = started.size() - 1; i >= 0; i--) {
                closeQuietly(started.get(i));
            }
            throw e;
        }
    }

    private int runDemo(List<AutoCloseable> started) throws Exception {
        Duration lifetime = Durations.parse(tokenLifetime);
        if (lifetime == null || lifetime.toSeconds() < 1) {
            throw new StartupFailure("--token-lifetime: expected a duration of at least 1s, such as 2m or 20s", null);
        }
        DemoSecrets secrets = DemoSecrets.write();
        DevIssuer issuer = listening("--issuer-port", issuerPort, started, () -> DevIssuer.start(issuerPort,
                lifetime, DevUsers.demo(),
                new DirectoryOptions(secrets.apiToken(), DirectoryOptions.DEFAULT_RATE_PER_MINUTE)));
        issuer.registerClient(BrowserClient.demo(secrets.clientSecret()));
        SampleService orders = listening("--services-port", servicesPort, started,
                () -> SampleService.start("orders", servicesPort));
        int reportsPort = servicesPort == 0 ? 0 : servicesPort + 1;
        SampleService reports = listening("--services-port", reportsPort, started,
                () -> SampleService.start("reports", reportsPort));
        int docsPort = servicesPort == 0 ? 0 : servicesPort + 2;
        SampleService docs = listening("--services-port", docsPort, started,
                () -> SampleService.start("docs", docsPort));
        int appPort = servicesPort == 0 ? 0 : servicesPort + 3;
        SampleService app = listening("--services-port", appPort, started, () -> SampleService.startPage("app", appPort));
        String text = configText(secrets, issuer, port, adminPort, orders.port(), reports.port(), docs.port(),
                app.port());
        ProxyConfig config = new ConfigReader().read("demo.yaml", text);
        Portcullis proxy;
        try {
            proxy = Portcullis.start(config, text);
        } catch (ListenException e) {
            throw new StartupFailure(moveWith(e.key().equals("listen") ? "--port" : "--admin-port",
                    ListenException.describe(e.address(), e.getCause())), e);
        }
        started.add(proxy);
        registerEventHook(issuer, config, secrets, proxy.port());
        printGuide(System.err, issuer, proxy.port(), proxy.adminPort());
        RunCommand.awaitShutdown(proxy, orders, reports, docs, app, issuer);
        return 0;
    }

    /** As an Okta admin registers the hook: the proxy's receiver, with the secret it checks. */
    static void registerEventHook(DevIssuer issuer, ProxyConfig config, DemoSecrets secrets, int proxyPort) {
        issuer.eventHook(new EventHookTarget(URI.create("http://127.0.0.1:" + proxyPort + EVENTS_PATH),
                config.okta().eventHook().secretHeader(), secrets.hookSecret()));
    }

    /** Starts one of the demo's own servers; a port in use names the flag that moves it. */
    private static <T extends AutoCloseable> T listening(String flag, int port, List<AutoCloseable> started,
            Supplier<T> server) {
        try {
            T t = server.get();
            started.add(t);
            return t;
        } catch (UncheckedIOException e) {
            throw new StartupFailure(moveWith(flag, ListenException.describe("127.0.0.1:" + port, e.getCause())), e);
        }
    }

    private static String moveWith(String flag, String what) {
        return what + "; choose another port with " + flag;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // failing anyway: the start-up failure is what to report
        }
    }

    /** The demo's config: the template with its ports, issuer, org and secret files filled in. */
    static String configText(DemoSecrets secrets, DevIssuer issuer, int port, int adminPort, int ordersPort,
            int reportsPort, int docsPort, int appPort) throws IOException {
        String text = template().replace(REFRESH_BEFORE_LINE, "refresh_before: "
                + Durations.format(refreshBefore(issuer.tokenLifetime())) + " ");
        if (port == 0) {
            // Sign-out goes on to the dev issuer's end-session endpoint and back to the app only when
            // the proxy's port is known before it listens; with --port 0 sign-out ends at the proxy.
            text = text.replace(POST_LOGOUT_LINE, "# (--port 0) " + POST_LOGOUT_LINE);
        }
        return secrets.fill(text)
                .replace("@APP_PORT@", Integer.toString(appPort))
                .replace("@ORG_URL@", issuer.orgUrl())
                .replace("@PROXY_PORT@", Integer.toString(port))
                .replace("@ADMIN_PORT@", Integer.toString(adminPort))
                .replace("@ISSUER@", issuer.issuer())
                .replace("@ORDERS_PORT@", Integer.toString(ordersPort))
                .replace("@REPORTS_PORT@", Integer.toString(reportsPort))
                .replace("@DOCS_PORT@", Integer.toString(docsPort));
    }

    /**
     * The client's {@code refresh_before}: 60 s, but at most half the token lifetime (at least 1 s),
     * so that a short {@code --token-lifetime} refreshes once per half-life rather than on every request.
     */
    static Duration refreshBefore(Duration tokenLifetime) {
        Duration half = Duration.ofSeconds(Math.max(1, tokenLifetime.toSeconds() / 2));
        return half.compareTo(ClientConfig.DEFAULT_REFRESH_BEFORE) < 0 ? half : ClientConfig.DEFAULT_REFRESH_BEFORE;
    }

    static String template() throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/portcullis-demo.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void printGuide(PrintStream out, DevIssuer issuer, int port, int adminPort) {
        String proxy = "http://127.0.0.1:" + port;
        String tokenUrl = issuer.issuer() + "/v1/dev/token?user=";
        out.println();
        out.println("Portcullis demo is up. Proxy " + proxy + ", admin http://127.0.0.1:" + adminPort
                + ", dev issuer " + issuer.issuer());
        out.println("Demo users (password = login):");
        for (DemoUser u : DemoUsers.USERS) {
            out.printf("  %-8s %s%n", u.login(), u.groups());
        }
        out.println();
        out.println("In a browser: " + proxy + APP_PATH + "  (sign in by picking a user at the dev issuer; access"
                + " tokens live " + Durations.format(issuer.tokenLifetime()) + " and are refreshed behind the scenes)");
        out.println();
        out.println("Paste these into another terminal (audit lines appear on this one's stdout):");
        out.println();
        out.println("  # 200: alice is in orders-readers");
        out.println("  TOKEN=$(curl -s '" + tokenUrl + "alice')");
        out.println("  curl -i -H \"Authorization: Bearer $TOKEN\" " + proxy + "/orders/42");
        out.println();
        out.println("  # 200: the same token and rules over HTTP/2 (h2c, as gRPC clients speak it);"
                + "  403: readers may not delete there either");
        out.println("  curl -si --http2-prior-knowledge -H \"Authorization: Bearer $TOKEN\" " + proxy
                + "/orders/42 | head -1");
        out.println("  curl -si --http2-prior-knowledge -X DELETE -H \"Authorization: Bearer $TOKEN\" " + proxy
                + "/orders/42 | head -1");
        out.println();
        out.println("  # 401: no token");
        out.println("  curl -i " + proxy + "/orders/42");
        out.println();
        out.println("  # 403: readers may not delete");
        out.println("  curl -i -X DELETE -H \"Authorization: Bearer $TOKEN\" " + proxy + "/orders/42");
        out.println();
        out.println("  # 403: mallory is an admin but suspended (deny overrides allow)");
        out.println("  curl -i -X DELETE -H \"Authorization: Bearer $(curl -s '" + tokenUrl + "mallory')\" "
                + proxy + "/orders/42");
        out.println();
        out.println("  # 200: a service token (client credentials, scope orders.read) on the reports route");
        out.println("  STOKEN=$(curl -s -u reporting-service:reporting-service-secret -d grant_type=client_credentials"
                + " -d scope=orders.read " + issuer.tokenEndpoint() + " | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')");
        out.println("  curl -i -H \"Authorization: Bearer $STOKEN\" " + proxy + "/reports/daily");
        out.println();
        out.println("  # 400: a method override in the query (Laravel, Symfony would serve it as DELETE)");
        out.println("  curl -i -X POST -H \"Authorization: Bearer $TOKEN\" '" + proxy + "/orders/42?_method=DELETE'");
        out.println();
        out.println("  # 204: a browser's CORS preflight from the app's origin, answered at the proxy without a token");
        out.println("  curl -i -X OPTIONS -H 'Origin: http://localhost:5173' -H 'Access-Control-Request-Method: DELETE'"
                + " -H 'Access-Control-Request-Headers: authorization' " + proxy + "/orders/42");
        out.println();
        out.println("  # 200: bob is in orders-admins, so his token may delete");
        out.println("  BOB=$(curl -s '" + tokenUrl + "bob')");
        out.println("  curl -i -X DELETE -H \"Authorization: Bearer $BOB\" " + proxy + "/orders/42");
        out.println();
        out.println("  # 403: remove bob from orders-admins in the directory (the dev issuer delivers Okta's Event Hook"
                + " to the proxy), and bob's *same* token may no longer delete, at once (\"action\":\"add\" puts him back)");
        out.println("  curl -s -X POST -d '{\"user\":\"bob\",\"group\":\"orders-admins\",\"action\":\"remove\"}' "
                + issuer.membershipEndpoint() + " ; echo");
        out.println("  curl -i -X DELETE -H \"Authorization: Bearer $BOB\" " + proxy + "/orders/42");
        out.println();
        out.println("  # 302: a browser's navigation to the app without a session is sent to sign in;"
                + " 401: a script's request is not");
        out.println("  curl -si -H 'Accept: text/html' " + proxy + APP_PATH + " | grep -iE '^(HTTP|location)'");
        out.println("  curl -si " + proxy + APP_PATH + " | grep -iE '^(HTTP|www-authenticate)'");
        out.println();
        out.println("  # 200: public route, no token;  404: no route");
        out.println("  curl -i " + proxy + "/public/readme   ;   curl -i " + proxy + "/nowhere");
        out.println();
        out.println("  # health, readiness, metrics");
        out.println("  curl -s http://127.0.0.1:" + adminPort + "/readyz ; curl -s http://127.0.0.1:" + adminPort
                + "/metrics | grep portcullis_requests");
        out.println();
        out.println("Ctrl-C stops everything.");
        out.flush();
    }
}
