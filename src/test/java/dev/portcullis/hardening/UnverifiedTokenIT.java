package dev.portcullis.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.it.Harness;
import dev.portcullis.it.RawHttp;
import dev.portcullis.it.RecordingUpstream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code forward_token: true} on a route in {@code mode: audit}: the route forwards requests whose
 * token failed (that is what audit mode is for), but the service must never receive a credential
 * the gate did not verify. Every kind of unverified Authorization is forwarded without it; a
 * verified token, allowed or refused-but-audited, is forwarded as it came.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnverifiedTokenIT {
    private Harness h;

    @BeforeAll
    void start() throws Exception {
        h = new Harness().start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                upstream_defaults: { connect_timeout: 1s, response_timeout: 2s }
                issuers:
                  - { id: mock, issuer: %ISSUER%, audiences: [api://portcullis], jwks_min_refetch_interval: 2s }
                routes:
                  - id: legacy
                    match: { path: /legacy/** }
                    upstream: %UPSTREAM%
                    mode: audit
                    forward_token: true
                    allow: [ { groups_any: [legacy-users] } ]
                """);
    }

    @AfterAll
    void stop() throws Exception {
        h.close();
    }

    @BeforeEach
    void clear() {
        h.upstream.clear();
    }

    /** Authorization values whose token does not verify, built from a valid token of the real issuer. */
    Stream<Arguments> unverified() {
        Function<Harness, String> forgedSignature = x -> {
            String[] p = x.token("mallory", List.of("legacy-users")).split("\\.");
            String claims = "{\"iss\":\"" + x.issuerUrl() + "\",\"sub\":\"root\",\"aud\":\"" + Harness.AUDIENCE
                    + "\",\"exp\":" + (System.currentTimeMillis() / 1000 + 300) + ",\"groups\":[\"legacy-users\"]}";
            String forged = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            return "Bearer " + p[0] + "." + forged + "." + p[2];
        };
        return Stream.of(
                Arguments.of("forged claims under a real signature", forgedSignature),
                Arguments.of("expired", (Function<Harness, String>) x -> "Bearer "
                        + x.token("default", "mallory", Harness.AUDIENCE, Map.of("groups", List.of("legacy-users")),
                        -600)),
                Arguments.of("another audience", (Function<Harness, String>) x -> "Bearer "
                        + x.token("default", "mallory", "api://other", Map.of("groups", List.of("legacy-users")),
                        300)),
                Arguments.of("not a JWT", (Function<Harness, String>) x -> "Bearer not-a-jwt"),
                Arguments.of("unsigned", (Function<Harness, String>) x -> "Bearer eyJhbGciOiJub25lIn0."
                        + "eyJzdWIiOiJyb290In0."),
                Arguments.of("Basic credentials", (Function<Harness, String>) x -> "Basic bWFsbG9yeTpzZWNyZXQ="));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unverified")
    void anUnverifiedCredentialIsForwardedWithoutAuthorization(String name, Function<Harness, String> authorization)
            throws Exception {
        String value = authorization.apply(h);
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange("GET /legacy/x HTTP/1.1\r\nHost: a\r\nAuthorization: " + value
                    + "\r\n\r\n");
            assertThat(res.status()).as("audit mode lets it through").isEqualTo(200);
        }
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r).as("forwarded").isNotNull();
        assertThat(r.all("Authorization")).as("Authorization received upstream").isEmpty();
        assertThat(r.header("X-Auth-Subject")).isNull();
    }

    @Test
    void aVerifiedTokenIsForwardedAsItCame() throws Exception {
        String allowed = h.token("lena", List.of("legacy-users"));
        assertThat(h.get("/legacy/a", allowed).statusCode()).isEqualTo(200);
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.all("Authorization")).containsExactly("Bearer " + allowed);
        assertThat(r.header("X-Auth-Subject")).isEqualTo("lena");

        // Refused by the rules (403) but forwarded by audit mode: the token itself verified.
        String outsider = h.token("otto", List.of("Everyone"));
        assertThat(h.get("/legacy/b", outsider).statusCode()).isEqualTo(200);
        r = h.upstream.take();
        assertThat(r.all("Authorization")).containsExactly("Bearer " + outsider);
        assertThat(r.header("X-Auth-Subject")).isEqualTo("otto");
    }
}
