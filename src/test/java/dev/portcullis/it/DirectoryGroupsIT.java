package dev.portcullis.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.portcullis.directory.OktaStub;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code groups_source} end to end over real sockets: the real proxy, {@code mock-oauth2-server}
 * tokens carrying Okta's {@code uid}, and WireMock standing in for Okta's Users API (its cloud
 * cannot be reached from tests). A user in 250 groups, whose token carries only the first 100, is
 * allowed on a route that needs the 250th; when the directory cannot be read, the request gets 503
 * {@code directory_unavailable} ({@code refuse}, the default) or goes on with the token's groups
 * ({@code token_groups}). What is asserted is what the upstream received, or that it received nothing.
 */
class DirectoryGroupsIT {
    private static final String CONFIG = """
            listen: 127.0.0.1:0
            admin: { listen: 127.0.0.1:0 }
            server: { key_wait_timeout: 8s }
            upstream_defaults: { connect_timeout: 1s, response_timeout: 2s }
            okta:
              org_url: %OKTA%
              api_token_file: %TOKEN_FILE%
              groups_wait: 6s
              on_directory_unavailable: %UNAVAILABLE%
            issuers:
              - { id: both, issuer: %ISSUER%, audiences: [api://portcullis], max_token_lifetime: 1h, groups_source: both }
              - { id: api, issuer: %API_ISSUER%, audiences: [api://portcullis], max_token_lifetime: 1h,
                  groups_source: okta_api }
            routes:
              - id: deep
                match: { path: /deep/** }
                upstream: %UPSTREAM%
                allow: [ { groups_any: [g250] } ]
              - id: early
                match: { path: /early/** }
                upstream: %UPSTREAM%
                allow: [ { groups_any: [g050] } ]
            """;

    static WireMockServer okta;
    static Harness refusing;
    static Harness falling;

    @BeforeAll
    static void start() throws Exception {
        okta = new WireMockServer(options().dynamicPort());
        okta.start();
        OktaStub.userGroups(okta, "00ubig", OktaStub.names("g", 1, 250));
        OktaStub.userGroups(okta, "00usmall", OktaStub.names("g", 1, 10));
        okta.stubFor(get(urlPathEqualTo("/api/v1/users/00udown/groups")).willReturn(aResponse().withStatus(500)));
        Path token = Files.createTempFile("okta-api-token", "");
        Files.writeString(token, "00apitoken\n");
        refusing = start("refuse", token);
        falling = start("token_groups", token);
    }

    private static Harness start(String unavailable, Path token) throws Exception {
        Harness h = new Harness();
        return h.start(CONFIG.replace("%OKTA%", okta.baseUrl()).replace("%TOKEN_FILE%", token.toString())
                .replace("%UNAVAILABLE%", unavailable).replace("%API_ISSUER%", h.issuer.issuerUrl("api").toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        refusing.close();
        falling.close();
        okta.stop();
    }

    @BeforeEach
    void forget() {
        refusing.upstream.clear();
        falling.upstream.clear();
    }

    /** A token of issuer {@code "default"} (groups_source both) or {@code "api"} (okta_api). */
    private static String token(Harness h, String issuer, String uid, List<String> groups) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("groups", groups);
        if (uid != null) {
            claims.put("uid", uid);
        }
        return h.token(issuer, uid == null ? "client-app" : uid + "@example.com", Harness.AUDIENCE, claims, 300);
    }

    static Stream<Arguments> callers() {
        List<String> first100 = OktaStub.names("g", 1, 100);
        return Stream.of(
                arguments("both: 250 in the directory, 100 in the token", "default", "00ubig", first100, "/deep/1", 200),
                arguments("both: the token's own groups still count", "default", "00usmall", List.of("g250"),
                        "/deep/1", 200),
                arguments("both: no uid (client credentials): the token's groups only", "default", null, first100,
                        "/deep/1", 403),
                arguments("both: no uid, a group of the token", "default", null, first100, "/early/1", 200),
                arguments("okta_api: the directory's group", "api", "00ubig", List.of(), "/deep/1", 200),
                arguments("okta_api: a token group the directory lacks does not count", "api", "00usmall",
                        List.of("g250"), "/deep/1", 403));
    }

    @ParameterizedTest(name = "{0} → {5}")
    @MethodSource("callers")
    void groupsComeFromWhereTheIssuerSays(String name, String issuer, String uid, List<String> groups, String path,
            int status) throws Exception {
        HttpResponse<String> res = refusing.get(path, token(refusing, issuer, uid, groups));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        if (status == 200) {
            RecordingUpstream.Received got = refusing.upstream.take();
            assertThat(got.target()).isEqualTo(path);
            if (path.startsWith("/deep")) {
                assertThat(Arrays.asList(got.header("X-Auth-Groups").split(","))).contains("g250");
            }
        } else {
            assertThat(refusing.upstream.pending()).isZero();
        }
    }

    @Test
    void anUnreadableDirectoryRefusesWith503ByDefault() throws Exception {
        HttpResponse<String> res = refusing.get("/early/1", token(refusing, "default", "00udown", List.of("g050")));

        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.body()).contains("directory_unavailable");
        assertThat(refusing.upstream.pending()).isZero();
        assertThat(refusing.metricsOnce("portcullis_directory_calls_total{outcome=\"unreachable\"}"))
                .contains("portcullis_directory_calls_total{outcome=\"unreachable\"}");
        assertThat(refusing.admin("/readyz").body()).contains("\"directory\":{\"status\":\"unreachable\"");
    }

    @Test
    void anUnreadableDirectoryFallsBackToTheTokensGroupsWhenConfigured() throws Exception {
        String token = token(falling, "default", "00udown", List.of("g050"));

        HttpResponse<String> early = falling.get("/early/1", token);
        HttpResponse<String> deep = falling.get("/deep/1", token);

        assertThat(early.statusCode()).isEqualTo(200);
        assertThat(falling.upstream.take().target()).isEqualTo("/early/1");
        assertThat(deep.statusCode()).isEqualTo(403);
        assertThat(falling.upstream.pending()).isZero();
    }
}
