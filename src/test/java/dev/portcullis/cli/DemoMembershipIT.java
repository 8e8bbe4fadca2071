package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo's printed membership lines, end to end over real sockets, wired exactly as
 * {@code portcullis demo} wires them: bob's token deletes; the dev issuer's admin call removes him
 * from {@code orders-admins} and delivers the Event Hook to the proxy; the same token gets 403
 * within a second; a token minted after he is added back deletes again.
 */
class DemoMembershipIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private DevIssuer issuer;
    private SampleService orders;
    private SampleService reports;
    private SampleService docs;
    private Portcullis proxy;

    @BeforeEach
    void start() throws Exception {
        DemoSecrets secrets = DemoSecrets.write();
        issuer = DevIssuer.start(0, DevIssuer.DEFAULT_TOKEN_LIFETIME, DevUsers.demo(),
                new DirectoryOptions(secrets.apiToken(), DirectoryOptions.DEFAULT_RATE_PER_MINUTE));
        orders = SampleService.start("orders", 0);
        reports = SampleService.start("reports", 0);
        docs = SampleService.start("docs", 0);
        String text = DemoCommand.configText(secrets, issuer, 0, 0, orders.port(), reports.port(), docs.port(), 0);
        ProxyConfig config = new ConfigReader().read("demo.yaml", text);
        proxy = Portcullis.start(config, text);
        DemoCommand.registerEventHook(issuer, config, secrets, proxy.port());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {proxy, docs, reports, orders, issuer}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void removingBobFromOrdersAdminsRefusesHisSameTokenAtOnce() throws Exception {
        String bob = get(issuer.issuer() + "/v1/dev/token?user=bob").body().strip();
        assertThat(delete(bob)).isEqualTo(200);

        HttpResponse<String> change = membership("remove");
        assertThat(change.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(change.body()).path("hook").path("status").asInt()).as(change.body())
                .isBetween(200, 204);
        long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        int status = delete(bob);
        while (status != 403 && System.nanoTime() < end) {
            Thread.sleep(20);
            status = delete(bob);
        }
        assertThat(status).as("bob's same token, within a second of the delivery").isEqualTo(403);

        HttpResponse<String> readd = membership("add");
        assertThat(readd.statusCode()).isEqualTo(200);
        // A token's iat has whole seconds: mint until one is issued after the re-add's second.
        Instant added = Instant.parse(JSON.readTree(readd.body()).path("delivered").path("data").path("events").get(0)
                .path("published").asText());
        String fresh;
        do {
            fresh = get(issuer.issuer() + "/v1/dev/token?user=bob").body().strip();
        } while (!SignedJWT.parse(fresh).getJWTClaimsSet().getIssueTime().toInstant()
                .isAfter(added.truncatedTo(ChronoUnit.SECONDS)) && pause());
        assertThat(delete(fresh)).as("a token issued after the re-add").isEqualTo(200);
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }

    private HttpResponse<String> membership(String action) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(issuer.membershipEndpoint())).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"bob\",\"group\":\"orders-admins\",\"action\":\""
                        + action + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private int delete(String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/orders/42"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token).DELETE().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
