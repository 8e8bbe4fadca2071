package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.forward.AssertionKeys;
import java.lang.reflect.Field;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward path, from the decision to the upstream: claims that are not valid header values as
 * they stand, the identity-assertion cache, and a fault of the proxy's own while forwarding — each
 * on a request decided at once and on one that first waited for its issuer's keys. The route
 * admits one request at a time, so an exchange that kept its slot would show as 503 on the next.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForwardPathIT {
    private RotatingIssuer rot;
    private RSAKey key;
    private Harness h;
    private int kids;

    @BeforeAll
    void start() throws Exception {
        rot = new RotatingIssuer();
        key = RotatingIssuer.newKey("k0");
        rot.publish(key);
        h = new Harness().start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                server: { key_wait_timeout: 5s }
                upstream_defaults: { connect_timeout: 1s, response_timeout: 2s }
                issuers:
                  - id: rot
                    issuer: %ROT%
                    audiences: [api://portcullis]
                    jwks_min_refetch_interval: 200ms
                routes:
                  - id: one
                    match: { path: /one/** }
                    upstream: %UPSTREAM%
                    max_concurrent_requests: 1
                    allow: [ { groups_any: [readers, writers] } ]
                """.replace("%ROT%", rot.issuer()));
    }

    @AfterAll
    void stop() throws Exception {
        h.close();
        rot.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        h.upstream.clear();
    }

    /**
     * A token signed with a key the proxy does not hold yet (when {@code waitForKeys}), so the
     * request waits for the key set to be fetched again before it is decided.
     */
    private String token(boolean waitForKeys, String sub, String jti, long exp, List<String> groups)
            throws Exception {
        RSAKey signing = key;
        if (waitForKeys) {
            signing = RotatingIssuer.newKey("k" + (++kids));
            rot.publish(key, signing);
            Thread.sleep(250); // past jwks_min_refetch_interval, so the unknown kid is fetched, not refused
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(rot.issuer()).subject(sub)
                .audience(Harness.AUDIENCE).issueTime(new Date()).expirationTime(new Date(exp * 1000))
                .jwtID(jti).claim("groups", groups).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signing.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(signing));
        return jwt.serialize();
    }

    private String token(boolean waitForKeys, String sub) throws Exception {
        return token(waitForKeys, sub, UUID.randomUUID().toString(), System.currentTimeMillis() / 1000 + 300,
                List.of("readers"));
    }

    /** The request went through the key wait: the proxy fetched the key set for it. */
    private HttpResponse<String> get(String path, String token, boolean waitForKeys) throws Exception {
        int fetches = rot.jwksRequests();
        HttpResponse<String> res = h.get(path, token);
        if (waitForKeys) {
            assertThat(rot.jwksRequests()).as("the request waited for a key set fetch").isGreaterThan(fetches);
        }
        return res;
    }

    @ParameterizedTest(name = "waited for keys: {0}")
    @ValueSource(booleans = {false, true})
    void aSubjectWithEdgeWhitespaceIsForwardedEncoded(boolean waitForKeys) throws Exception {
        HttpResponse<String> res = get("/one/a", token(waitForKeys, " admin\t "), waitForKeys);

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r).isNotNull();
        assertThat(r.all("X-Auth-Subject")).containsExactly("%20admin%09%20");
        assertThat(h.get("/one/next", token(false, "next")).statusCode()).as("the slot was released").isEqualTo(200);
    }

    /** Same {@code sub}, {@code jti} and {@code exp}, different groups: each request's assertion says its own. */
    @Test
    void theAssertionCacheTellsTokensWithTheSameJtiApart() throws Exception {
        long exp = System.currentTimeMillis() / 1000 + 300;
        String jti = UUID.randomUUID().toString();
        String readers = token(false, "carol", jti, exp, List.of("readers"));
        String writers = token(false, "carol", jti, exp, List.of("readers", "writers"));

        assertThat(h.get("/one/x", readers).statusCode()).isEqualTo(200);
        assertThat(assertedGroups(h.upstream.take())).containsExactly("readers");
        assertThat(h.get("/one/x", writers).statusCode()).isEqualTo(200);
        RecordingUpstream.Received second = h.upstream.take();
        assertThat(second.header("X-Auth-Groups")).isEqualTo("readers,writers");
        assertThat(assertedGroups(second)).as("the assertion of the second token").containsExactly("readers", "writers");
    }

    private static List<Object> assertedGroups(RecordingUpstream.Received r) throws Exception {
        assertThat(r).isNotNull();
        return SignedJWT.parse(r.header("X-Portcullis-Assertion")).getJWTClaimsSet().getListClaim("groups");
    }

    /**
     * A fault of the proxy's own while forwarding: the signing key no longer fits the assertion's
     * algorithm (P-384 for ES256), so minting throws. The answer is 500 {@code internal_error}
     * with an audit line saying so, and the route's only slot is free again.
     */
    @ParameterizedTest(name = "waited for keys: {0}")
    @ValueSource(booleans = {false, true})
    void aFaultWhileForwardingEndsTheExchangeWith500AndReleasesTheSlot(boolean waitForKeys) throws Exception {
        String faulty = token(waitForKeys, "dave-" + waitForKeys);
        AssertionKeys keys = assertionKeys();
        Object good = current(keys, null);
        ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("broken").generate();
        try (AuditCapture audit = new AuditCapture()) {
            current(keys, new AssertionKeys.Current(p384, new ECDSASigner(p384)));
            HttpResponse<String> res;
            try {
                res = get("/one/faulty-" + waitForKeys, faulty, waitForKeys);
            } finally {
                current(keys, good);
            }
            assertThat(res.statusCode()).as(res.body()).isEqualTo(500);
            assertThat(res.body()).contains("\"reason\":\"internal_error\"");
            JsonNode line = audit.await(n -> ("/one/faulty-" + waitForKeys).equals(n.path("path").asText()));
            assertThat(line.path("reason").asText()).isEqualTo("internal_error");
            assertThat(line.path("status").asInt()).isEqualTo(500);
            assertThat(line.path("decision").asText()).isEqualTo("error");
        }
        assertThat(h.upstream.poll()).as("nothing reached the upstream").isNull();
        HttpResponse<String> next = h.get("/one/next", token(false, "erin"));
        assertThat(next.statusCode()).as("the slot was released: %s", next.body()).isEqualTo(200);
        assertThat(h.metricsOnce("reason=\"internal_error\"")).contains("reason=\"internal_error\"");
    }

    private AssertionKeys assertionKeys() throws Exception {
        Field f = h.proxy().getClass().getDeclaredField("assertionKeys");
        f.setAccessible(true);
        return (AssertionKeys) f.get(h.proxy());
    }

    /** Reads, and when {@code replacement} is not null replaces, the signing key the proxy mints with. */
    private static Object current(AssertionKeys keys, Object replacement) throws Exception {
        Field f = AssertionKeys.class.getDeclaredField("current");
        f.setAccessible(true);
        Object old = f.get(keys);
        if (replacement != null) {
            f.set(keys, replacement);
        }
        return old;
    }
}
