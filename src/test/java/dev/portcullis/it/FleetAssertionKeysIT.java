package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One signing key for a fleet ({@code identity_assertion.key_files}): instances started with the
 * same key files sign assertions that verify against any ONE instance's JWKS; the next key is
 * published ahead of rotation; a reload that swaps the order keeps both published; a bad key file
 * never replaces the working key.
 */
class FleetAssertionKeysIT {
    @TempDir
    Path dir;

    private static final String CONFIG = Harness.defaultConfig()
            + "identity_assertion: { key_files: [%FIRST%, %NEXT%] }\n";

    /** A fresh P-256 key written as PEM PKCS#8 (what {@code openssl genpkey -algorithm EC} writes). */
    static KeyPair writeKey(Path file) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return pair;
    }

    static String thumbprint(KeyPair pair) throws Exception {
        return new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, (ECPublicKey) pair.getPublic()).build()
                .computeThumbprint().toString();
    }

    private static String config(Path first, Path next) {
        return CONFIG.replace("%FIRST%", first.toString()).replace("%NEXT%", next.toString());
    }

    private static SignedJWT assertionThrough(Harness h) throws Exception {
        String token = h.token("bob@example.com", List.of("orders-admins"));
        assertThat(h.get("/orders/7", token).statusCode()).isEqualTo(200);
        return SignedJWT.parse(h.upstream.take().header("X-Portcullis-Assertion"));
    }

    private static List<String> publishedKids(Harness h) throws Exception {
        return JWKSet.parse(h.admin("/.well-known/jwks.json").body()).getKeys().stream().map(JWK::getKeyID)
                .collect(Collectors.toList());
    }

    private static boolean verifies(SignedJWT jwt, JWKSet keys) throws Exception {
        JWK key = keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        return key != null && jwt.verify(new ECDSAVerifier((ECKey) key));
    }

    @Test
    void twoInstancesWithTheSameKeyFilesSignAssertionsThatVerifyAgainstOneInstancesJwks() throws Exception {
        Path first = dir.resolve("assertion-key.pem");
        Path next = dir.resolve("assertion-key-next.pem");
        KeyPair firstPair = writeKey(first);
        KeyPair nextPair = writeKey(next);
        try (Harness a = new Harness(); Harness b = new Harness()) {
            a.start(config(first, next));
            b.start(config(first, next));
            JWKSet jwksOfA = JWKSet.parse(a.admin("/.well-known/jwks.json").body());
            // the first key signs, on both; both keys are published, under their RFC 7638 thumbprints
            assertThat(publishedKids(a)).containsExactly(thumbprint(firstPair), thumbprint(nextPair));
            assertThat(publishedKids(b)).isEqualTo(publishedKids(a));
            assertThat(a.admin("/.well-known/jwks.json").body()).doesNotContain("\"d\"");
            for (Harness h : List.of(a, b)) {
                SignedJWT jwt = assertionThrough(h);
                assertThat(jwt.getHeader().getKeyID()).isEqualTo(thumbprint(firstPair));
                assertThat(verifies(jwt, jwksOfA)).as("verifies against instance A's JWKS").isTrue();
            }
        }
    }

    @Test
    void swappingTheOrderOnReloadSignsWithTheNextKeyAndKeepsBothPublished() throws Exception {
        Path first = dir.resolve("k1.pem");
        Path next = dir.resolve("k2.pem");
        KeyPair firstPair = writeKey(first);
        KeyPair nextPair = writeKey(next);
        Path file = dir.resolve("portcullis.yaml");
        try (Harness h = new Harness()) {
            h.startWatching(file, config(first, next));
            assertThat(assertionThrough(h).getHeader().getKeyID()).isEqualTo(thumbprint(firstPair));
            Files.writeString(file, h.fill(config(next, first)));
            assertThat(h.proxy().reload().get(15, TimeUnit.SECONDS)).isTrue();
            awaitSigningKid(h, thumbprint(nextPair));
            assertThat(publishedKids(h)).containsExactlyInAnyOrder(thumbprint(firstPair), thumbprint(nextPair));
            assertThat(verifies(assertionThrough(h), JWKSet.parse(h.admin("/.well-known/jwks.json").body()))).isTrue();
        }
    }

    @Test
    void aBadKeyFileOnReloadIsRefusedAndTheOldKeyKeepsSigning() throws Exception {
        Path first = dir.resolve("k1.pem");
        Path next = dir.resolve("k2.pem");
        KeyPair firstPair = writeKey(first);
        KeyPair nextPair = writeKey(next);
        Path bad = dir.resolve("bad.pem");
        Files.writeString(bad, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
        Path file = dir.resolve("portcullis.yaml");
        try (Harness h = new Harness()) {
            h.startWatching(file, config(first, next));
            Files.writeString(file, h.fill(config(bad, next)));
            assertThat(h.proxy().reload().get(15, TimeUnit.SECONDS)).isFalse();
            assertThat(h.admin("/readyz").body()).contains("bad.pem");
            // the key file itself rewritten in place with garbage (a Secret updated badly): kept too
            Files.writeString(first, "garbage");
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < deadline) { // give the file watch a few polls to (wrongly) act
                SignedJWT jwt = assertionThrough(h);
                assertThat(jwt.getHeader().getKeyID()).isEqualTo(thumbprint(firstPair));
                assertThat(verifies(jwt, JWKSet.parse(h.admin("/.well-known/jwks.json").body()))).isTrue();
                Thread.sleep(200);
            }
            assertThat(publishedKids(h)).containsExactly(thumbprint(firstPair), thumbprint(nextPair));
        }
    }

    @Test
    void aKeyFileReplacedInPlaceIsPickedUpWithoutAConfigChange() throws Exception {
        Path first = dir.resolve("k1.pem");
        Path next = dir.resolve("k2.pem");
        KeyPair firstPair = writeKey(first);
        writeKey(next);
        Path file = dir.resolve("portcullis.yaml");
        try (Harness h = new Harness()) {
            h.startWatching(file, config(first, next));
            assertThat(assertionThrough(h).getHeader().getKeyID()).isEqualTo(thumbprint(firstPair));
            KeyPair renewed = writeKey(first); // the mounted Secret updated: a new first key
            awaitSigningKid(h, thumbprint(renewed));
            // the replaced key stays published while assertions it signed may still be in use
            assertThat(publishedKids(h)).contains(thumbprint(renewed), thumbprint(firstPair));
        }
    }

    private static void awaitSigningKid(Harness h, String kid) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String seen = null;
        while (System.nanoTime() < deadline) {
            seen = assertionThrough(h).getHeader().getKeyID();
            if (seen.equals(kid)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("still signing with " + seen + ", expected " + kid);
    }
}
