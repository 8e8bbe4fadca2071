package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis explain}: the trace, the JSON contract and the exit status. */
class ExplainCommandTest {
    private static final String ORDERS = "http://api.example.com/orders/1";

    @Test
    void allowedIsExitZeroWithATrace() {
        Cli r = Cli.run("explain", "--config", Cli.CONFIG, "--url", ORDERS, "--sub", "alice", "--groups",
                "orders-readers");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("GET " + ORDERS, "path      /orders/1  (host api.example.com)",
                "route     orders  (api.example.com/orders/**, examples/portcullis.yaml:",
                "deny[0]   no   groups_any [suspended]  (groups_any not met)",
                "allow[0]  yes  methods [GET, HEAD], groups_any [orders-readers, orders-admins]  <- decides")
                .endsWith("decision: allow 200 allowed\n");
    }

    @Test
    void refusedIsExitOne() {
        Cli r = Cli.run("explain", "-c", Cli.CONFIG, "--method", "DELETE", "--url", ORDERS, "--groups",
                "orders-readers");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).endsWith("decision: refuse 403 group_denied\n");
        assertThat(Cli.run("explain", "-c", Cli.CONFIG, "--url", ORDERS).out())
                .contains("caller    anonymous (no token)").endsWith("decision: refuse 401 token_missing\n");
        assertThat(Cli.run("explain", "-c", Cli.CONFIG, "--url", "http://api.example.com/x").exit()).isEqualTo(1);
    }

    @Test
    void anAuditModeEntryIsShownWithTheAnswerItWouldGive() throws Exception {
        Cli r = Cli.run("explain", "-c", Cli.CONFIG, "--url", ORDERS, "--groups", "orders-readers,contractors");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("deny[1]   yes  groups_any [contractors]  [mode: audit]\n")
                .endsWith("decision: allow 200 allowed  (would be 403 deny_rule)\n");
        JsonNode j = new ObjectMapper().readTree(Cli.run("explain", "-c", Cli.CONFIG, "--url", ORDERS, "--groups",
                "orders-readers,contractors", "--json").out());
        assertThat(j.get("would_be").get("reason").asText()).isEqualTo("deny_rule");
        assertThat(j.get("rules").get(1).get("audit").asBoolean()).isTrue();
    }

    @Test
    void claimMatchersAreShownAndAStatedTrueIsABoolean(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("staff.yaml");
        Files.writeString(config, """
                issuers:
                  - { id: okta, issuer: https://dev-123456.okta.com/oauth2/default, audiences: [api://default] }
                routes:
                  - id: staff
                    match: { path: /staff/** }
                    upstream: http://127.0.0.1:9001
                    allow: [ { claims: { email: { suffix: "@example.com" }, email_verified: true } } ]
                """);
        String url = "http://127.0.0.1/staff/1";

        Cli yes = Cli.run("explain", "-c", config.toString(), "--url", url, "--sub", "ann", "--claim",
                "email=ann@example.com", "--claim", "email_verified=true");
        Cli no = Cli.run("explain", "-c", config.toString(), "--url", url, "--sub", "ann", "--claim",
                "email=ann@example.com.evil.io", "--claim", "email_verified=true");

        assertThat(yes.exit()).as(yes.err()).isEqualTo(0);
        assertThat(yes.out()).contains("allow[0]  yes  claims.email suffix [@example.com], claims.email_verified true");
        assertThat(no.exit()).isEqualTo(1);
        assertThat(no.out()).contains("(claims.email not met)");
    }

    @Test
    void jsonIsTheContract() throws Exception {
        Cli r = Cli.run("explain", "-c", Cli.CONFIG, "--url", "http://api.example.com/reports/daily", "--sub",
                "eve", "--groups", "analysts", "--claim", "employment_type=contractor", "--json");
        JsonNode j = new ObjectMapper().readTree(r.out());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(j.get("decision").asText()).isEqualTo("refuse");
        assertThat(j.get("status").asInt()).isEqualTo(403);
        assertThat(j.get("reason").asText()).isEqualTo("deny_rule");
        assertThat(j.get("decided_by").asText()).isEqualTo("deny[0]");
        assertThat(j.get("route").get("id").asText()).isEqualTo("reports");
        assertThat(j.get("path").asText()).isEqualTo("/reports/daily");
        assertThat(j.get("caller").get("type").asText()).isEqualTo("stated");
        assertThat(j.get("caller").get("claims").get("employment_type").asText()).isEqualTo("contractor");
        assertThat(j.get("rules").get(1).get("unmet").isNull()).isTrue();
        assertThat(j.get("rules").get(1).get("matched").asBoolean()).isTrue();
    }

    @Test
    void aTokenIsDecodedNotVerifiedAndSaysSo() throws JOSEException {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("https://dev-123456.okta.com/oauth2/default")
                .audience("api://default").subject("bob").issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600))).claim("groups", List.of("orders-admins"))
                .claim("scp", List.of("openid")).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k").build(), claims);
        jwt.sign(new RSASSASigner(new RSAKeyGenerator(2048).generate()));

        Cli r = Cli.run("explain", "-c", Cli.CONFIG, "--method", "DELETE", "--url", ORDERS, "--token",
                "Bearer " + jwt.serialize());

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("bob, issuer okta, groups [orders-admins], scopes [openid]  (token)",
                "!         token signature NOT verified").endsWith("decision: allow 200 allowed\n");
    }

    @Test
    void aTokenOfAnotherIssuerIs401() {
        String unsigned = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2V2aWwuZXhhbXBsZS8ifQ.c2ln";
        Cli r = Cli.run("explain", "-c", Cli.CONFIG, "--url", ORDERS, "--token", unsigned);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("token refused: iss 'https://evil.example/' is no configured issuer")
                .endsWith("decision: refuse 401 issuer_unknown\n");
    }

    @Test
    void badInputIsExitTwo(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "routes:\n  - id: x\n    denny: []\n");

        Cli invalid = Cli.run("explain", "-c", broken.toString(), "--url", ORDERS);
        assertThat(invalid.exit()).isEqualTo(2);
        assertThat(invalid.err()).contains(broken + ":3:5: routes[0].denny: unknown key 'denny'");
        assertThat(invalid.out()).isEmpty();

        assertThat(Cli.run("explain", "-c", Cli.CONFIG, "--url", ORDERS, "--token", "x", "--sub", "a").exit())
                .isEqualTo(2);
        assertThat(Cli.run("explain", "-c", Cli.CONFIG, "--url", ORDERS, "--issuer", "google").err())
                .contains("no issuer with id 'google'");
        assertThat(Cli.run("explain", "-c", Cli.CONFIG, "--url", ORDERS, "--claim", "novalue").exit()).isEqualTo(2);
        assertThat(Cli.run("explain", "-c", Cli.CONFIG).exit()).isEqualTo(2);
    }

    @Test
    void aCorsPreflightIsExplainedAsTheProxyAnswersIt() {
        Cli allowed = Cli.run("explain", "-c", Cli.CONFIG, "--url", ORDERS, "--origin", "http://localhost:5173",
                "--preflight", "DELETE", "--preflight-headers", "authorization,content-type");
        assertThat(allowed.exit()).isZero();
        assertThat(allowed.out()).contains("OPTIONS " + ORDERS, "answers it itself, without a token (204,"
                + " Access-Control-Allow-Origin: http://localhost:5173)").endsWith("decision: allow 204 cors_preflight\n");

        Cli rejected = Cli.run("explain", "-c", Cli.CONFIG, "--url", ORDERS, "--origin", "https://evil.example",
                "--preflight", "DELETE");
        assertThat(rejected.exit()).isEqualTo(1);
        assertThat(rejected.out()).endsWith("decision: refuse 403 cors_rejected\n");

        Cli ungated = Cli.run("explain", "-c", Cli.CONFIG, "--url", "http://api.example.com/admin/x", "--origin",
                "http://localhost:5173", "--preflight", "PUT");
        assertThat(ungated.out()).as("a route without cors gates a preflight like any request")
                .endsWith("decision: refuse 401 token_missing\n");

        Cli actual = Cli.run("explain", "-c", Cli.CONFIG, "--url", ORDERS, "--origin", "http://localhost:5173",
                "--groups", "orders-readers");
        assertThat(actual.out()).contains("the answer carries Access-Control-Allow-Origin: http://localhost:5173")
                .endsWith("decision: allow 200 allowed\n");
        assertThat(Cli.run("explain", "-c", Cli.CONFIG, "--url", ORDERS, "--preflight", "PUT").exit()).isEqualTo(2);
    }
}
