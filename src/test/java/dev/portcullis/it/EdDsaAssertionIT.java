package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code identity_assertion.algorithm: EdDSA}, end to end: the upstream receives an Ed25519-signed
 * assertion and verifies it as a service would, with the key it fetched from the admin listener's
 * JWKS (an OKP key, crv Ed25519) and Nimbus's own verifier; a tampered copy does not verify. With
 * {@code routes: [orders]}, the reports route's upstream gets no assertion, not even the client's.
 */
class EdDsaAssertionIT {
    static Harness h;

    @BeforeAll
    static void start() throws Exception {
        h = new Harness().start(Harness.defaultConfig()
                + "identity_assertion: { algorithm: EdDSA, routes: [orders] }\n");
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    @Test
    void aServiceVerifiesTheEdDsaAssertionWithTheKeyFromTheJwksEndpoint() throws Exception {
        String token = h.token("bob@example.com", Map.of("groups", List.of("orders-admins"), "jti", "token-ed"));
        assertThat(h.get("/orders/7", token).statusCode()).isEqualTo(200);
        String assertion = h.upstream.take().header("X-Portcullis-Assertion");
        assertThat(assertion).isNotNull();
        SignedJWT jwt = SignedJWT.parse(assertion);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);

        JWKSet jwks = JWKSet.parse(h.admin("/.well-known/jwks.json").body());
        JWK key = jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).isInstanceOf(OctetKeyPair.class);
        assertThat(key.toJSONObject()).containsEntry("kty", "OKP").containsEntry("crv", "Ed25519")
                .containsEntry("alg", "EdDSA").doesNotContainKey("d");
        Ed25519Verifier verifier = new Ed25519Verifier((OctetKeyPair) key);
        assertThat(jwt.verify(verifier)).isTrue();

        JWTClaimsSet c = jwt.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo("portcullis");
        assertThat(c.getAudience()).containsExactly("orders");
        assertThat(c.getSubject()).isEqualTo("bob@example.com");
        assertThat(c.getStringListClaim("groups")).containsExactly("orders-admins");
        assertThat(c.getJWTID()).isEqualTo("token-ed");
        assertThat(c.getExpirationTime()).isAfter(new Date());

        String[] parts = assertion.split("\\.");
        String forged = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
        assertThat(SignedJWT.parse(forged).verify(verifier)).as("a tampered payload").isFalse();
    }

    @Test
    void aRouteNotListedGetsNoAssertionNotEvenTheClients() throws Exception {
        String token = h.token("carol@example.com", Map.of("scp", List.of("reports.read"), "jti", "token-r"));
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + h.proxy().port() + "/reports/q3"))
                .header("Authorization", "Bearer " + token)
                .header("X-Portcullis-Assertion", "forged.by.client").build();
        assertThat(h.http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.target()).isEqualTo("/reports/q3");
        assertThat(r.header("X-Auth-Subject")).as("the identity headers still go").isEqualTo("carol@example.com");
        assertThat(r.header("X-Portcullis-Assertion")).isNull();
    }
}
