package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.demo.BrowserClient;
import dev.portcullis.demo.DevIssuer;
import dev.portcullis.demo.DevUsers;
import dev.portcullis.demo.DirectoryOptions;
import dev.portcullis.demo.SampleService;
import dev.portcullis.server.Portcullis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo's browser route wired as {@code portcullis demo} wires it: a bearer caller (which keeps
 * working on a {@code login: browser} route) reaches the app page, which shows the identity the
 * proxy sent and that no cookie arrived. The browser half is {@code BrowserSignInIT}.
 */
class DemoAppIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private DevIssuer issuer;
    private SampleService app;
    private Portcullis proxy;

    @BeforeEach
    void start() throws Exception {
        DemoSecrets secrets = DemoSecrets.write();
        issuer = DevIssuer.start(0, Duration.ofMinutes(2), DevUsers.demo(),
                new DirectoryOptions(secrets.apiToken(), DirectoryOptions.DEFAULT_RATE_PER_MINUTE));
        issuer.registerClient(BrowserClient.demo(secrets.clientSecret()));
        app = SampleService.startPage("app", 0);
        String text = DemoCommand.configText(secrets, issuer, 0, 0, 1, 1, 1, app.port());
        ProxyConfig config = new ConfigReader().read("demo.yaml", text);
        proxy = Portcullis.start(config, text);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {proxy, app, issuer}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aBearerCallerSeesTheAppPageWithTheIdentityTheProxySent() throws Exception {
        String token = HTTP.send(HttpRequest.newBuilder(URI.create(issuer.issuer() + "/v1/dev/token?user=carol"))
                .build(), HttpResponse.BodyHandlers.ofString()).body().strip();

        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port()
                + DemoCommand.APP_PATH)).header("Authorization", "Bearer " + token)
                .header("Cookie", "portcullis=not-a-session").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<strong id=\"who\">carol@example.com</strong>", "Everyone,engineering");
        assertThat(app.received()).hasSize(1);
        assertThat(app.received().get(0).header("X-Auth-Subject")).isEqualTo("carol@example.com");
        assertThat(app.received().get(0).header("Authorization")).isNull();
    }

    @Test
    void withoutATokenAScriptGets401() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port()
                + DemoCommand.APP_PATH)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(app.received()).isEmpty();
    }
}
