package dev.portcullis.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tiny OIDC issuer whose key set the test controls: discovery and JWKS over real HTTP on
 * loopback, keys published and retired at will, the endpoint switched off (503) or stopped, and
 * every key set request counted. Tokens are signed in the test.
 */
public final class RotatingIssuer implements AutoCloseable {
    private final HttpServer server;
    private final AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet());
    private final AtomicBoolean available = new AtomicBoolean(true);
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final AtomicInteger discoveryRequests = new AtomicInteger();

    public RotatingIssuer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/rot/.well-known/openid-configuration", ex -> {
            discoveryRequests.incrementAndGet();
            answer(ex, "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + issuer() + "/jwks\"}");
        });
        server.createContext("/rot/jwks", ex -> {
            jwksRequests.incrementAndGet();
            answer(ex, published.get().toString(true));
        });
        server.start();
    }

    /** The exact {@code iss} of this issuer's tokens. */
    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/rot";
    }

    public static RSAKey newKey(String kid) throws JOSEException {
        return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                .generate();
    }

    /** Replaces the published key set with the public halves of these keys. */
    public void publish(RSAKey... keys) {
        List<JWK> pub = java.util.Arrays.stream(keys).map(k -> (JWK) k.toPublicJWK()).toList();
        published.set(new JWKSet(pub));
    }

    /** While false, discovery and JWKS answer 503. */
    public void available(boolean up) {
        available.set(up);
    }

    public int jwksRequests() {
        return jwksRequests.get();
    }

    public int discoveryRequests() {
        return discoveryRequests.get();
    }

    /** A 5-minute token for the standard audience, signed with {@code key} under its own kid. */
    public String mint(RSAKey key, String subject, List<String> groups) throws JOSEException {
        return mint(key, key.getKeyID(), issuer(), subject, groups);
    }

    /** A token signed with {@code key} but naming any {@code kid} and {@code iss}. */
    public static String mint(RSAKey key, String kid, String iss, String subject, List<String> groups)
            throws JOSEException {
        long now = System.currentTimeMillis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(iss).subject(subject)
                .audience(Harness.AUDIENCE).issueTime(new Date(now)).expirationTime(new Date(now + 300_000))
                .jwtID(UUID.randomUUID().toString()).claim("groups", groups).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid)
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** Stops answering at all: connections are refused from now on. */
    public void stop() {
        server.stop(0);
    }

    @Override
    public void close() {
        stop();
    }

    private void answer(HttpExchange ex, String json) throws IOException {
        boolean up = available.get();
        byte[] body = (up ? json : "{\"error\":\"down\"}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(up ? 200 : 503, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
