package dev.portcullis.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.route.RouteSlots;
import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.authn.KeyFetcher;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.compile.PolicyCompiler;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.detect.Detection;
import dev.portcullis.observe.AuditLog;
import dev.portcullis.observe.Metrics;
import dev.portcullis.compile.Route;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A {@link FrontendHandler} on an {@link EmbeddedChannel}, with the real pipeline neighbours
 * (head timer, client stalls), a real compiled snapshot and audit log, and {@link StubUpstreams}
 * instead of sockets. The issuer's keys arrive only when the test says so.
 */
final class HandlerFixture implements AutoCloseable {
    static final String ISS = "https://issuer.test/";
    static final String AUDIENCE = "api://portcullis";
    private static final String CONFIG = """
            listen: 127.0.0.1:0
            issuers:
              - { id: test, issuer: "%s", audiences: [%s], jwks_uri: "https://issuer.test/keys" }
            routes:
              - id: open
                match: { path: /open/** }
                upstream: http://127.0.0.1:9
                public: true
                max_concurrent_requests: 1
              - id: orders
                match: { path: /orders/** }
                upstream: http://127.0.0.1:9
                allow: [ { groups_any: [readers] } ]
            """.formatted(ISS, AUDIENCE);

    final StubUpstreams upstreams = new StubUpstreams();
    final Gate gate;
    private final Metrics metrics = new Metrics();
    private final AuditLog audit = new AuditLog(1024, metrics);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final CompletableFuture<KeyFetcher.FetchedKeys> keysFetch = new CompletableFuture<>();
    private final IssuerKeys keys;
    private static final RSAKey SIGNING_KEY = signingKey();

    HandlerFixture() throws Exception {
        ProxyConfig config = new ConfigReader().read("test.yaml", CONFIG);
        keys = new IssuerKeys("test", ISS, URI.create("https://issuer.test/keys"), Duration.ofHours(1),
                Duration.ofSeconds(10), new KeyFetcher() {
                    @Override
                    public CompletableFuture<FetchedKeys> fetchKeys(URI jwksUri) {
                        return keysFetch;
                    }

                    @Override
                    public CompletableFuture<URI> discover(String issuer) {
                        return CompletableFuture.failedFuture(new IllegalStateException("not used"));
                    }
                }, scheduler, Clock.systemUTC(), IssuerKeys.Listener.NONE);
        keys.start();
        Snapshot snapshot = new PolicyCompiler(metrics, Clock.systemUTC(), new RouteSlots()).compile(config, Map.of("test", keys),
                null, "test");
        gate = new Gate(snapshot, audit, metrics, Transport.best());
        gate.publishDetection(Detection.start(config.detection(), metrics.intrusionListener()));
    }

    /** A new client connection from 127.0.0.1, its handler leasing from {@link #upstreams}. */
    EmbeddedChannel client() {
        HeadTimer headTimer = new HeadTimer(60_000);
        ClientStalls stalls = new ClientStalls(gate);
        return new ClientChannel(headTimer, stalls,
                new FrontendHandler(gate, headTimer, stalls, false, loop -> upstreams));
    }

    /** The issuer's keys endpoint answers now (it has not so far). */
    void keysArrive() {
        keysFetch.complete(new KeyFetcher.FetchedKeys(new JWKSet(SIGNING_KEY.toPublicJWK()), OptionalLong.empty()));
    }

    /** A token of the test issuer, signed with the key it has not served yet. */
    String token() throws JOSEException {
        long now = System.currentTimeMillis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISS).audience(AUDIENCE).subject("alice")
                .issueTime(new Date(now - 60_000)).expirationTime(new Date(now + 300_000))
                .claim("groups", List.of("readers")).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID("k1").build(), claims);
        jwt.sign(new RSASSASigner(SIGNING_KEY));
        return jwt.serialize();
    }

    private static RSAKey signingKey() {
        try {
            return new RSAKeyGenerator(2048).keyID("k1").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    Route route(String id) {
        return gate.snapshot().routeList().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        keys.close();
        scheduler.shutdownNow();
        gate.detection().close();
        audit.close();
    }

    /** An embedded channel with a real client address, as the handler reads one off every connection. */
    private static final class ClientChannel extends EmbeddedChannel {
        private static final SocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);

        ClientChannel(io.netty.channel.ChannelHandler... handlers) {
            super(handlers);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return isActive() ? CLIENT : null;
        }
    }
}
