package dev.portcullis.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.authn.KeyFetcher;
import dev.portcullis.config.ConfigException;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.compile.PolicyCompiler;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.forward.AssertionKeys;
import dev.portcullis.observe.Metrics;
import dev.portcullis.route.RouteSlots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the benchmarks share: an in-process issuer (RSA key, JWKS served by a {@link KeyFetcher}
 * that answers at once), tokens minted with Nimbus, and snapshots compiled from generated YAML
 * exactly as the proxy compiles its config ({@link ConfigReader} then {@link PolicyCompiler}).
 * Going through the YAML keeps the benchmarks independent of the config records' constructors.
 */
final class Fixtures {
    static final String ISSUER_ID = "bench";
    static final String ISSUER = "https://issuer.bench.invalid/oauth2/default";
    static final String AUDIENCE = "api://default";
    static final Clock CLOCK = Clock.systemUTC();

    private static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-keys");
        t.setDaemon(true);
        return t;
    });

    private Fixtures() {
    }

    static RSAKey rsaKey() {
        try {
            return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyID("bench-" + UUID.randomUUID()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The issuer's keys, loaded (the fetcher completes synchronously), checked by the JDK's provider. */
    static IssuerKeys issuerKeys(RSAKey key) {
        return issuerKeys(key, null);
    }

    /** As {@link #issuerKeys(RSAKey)}, signatures checked by {@code provider} (null: the JDK's). */
    static IssuerKeys issuerKeys(RSAKey key, java.security.Provider provider) {
        JWKSet jwks = new JWKSet(key.toPublicJWK());
        KeyFetcher fetcher = new KeyFetcher() {
            @Override
            public CompletableFuture<URI> discover(String issuer) {
                return CompletableFuture.completedFuture(URI.create(ISSUER + "/v1/keys"));
            }

            @Override
            public CompletableFuture<FetchedKeys> fetchKeys(URI jwksUri) {
                return CompletableFuture.completedFuture(new FetchedKeys(jwks, OptionalLong.empty()));
            }
        };
        IssuerKeys keys = new IssuerKeys(ISSUER_ID, ISSUER, URI.create(ISSUER + "/v1/keys"), Duration.ofHours(1),
                Duration.ofSeconds(10), fetcher, SCHEDULER, CLOCK, IssuerKeys.Listener.NONE, provider);
        keys.start();
        try {
            keys.firstLoad().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("keys did not load", e);
        }
        return keys;
    }

    /** The first {@code count - 1} filler groups plus {@code member}, which the rules look for, last. */
    static List<String> groups(int count, String member) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count - 1; i++) {
            out.add("directory-group-" + i);
        }
        out.add(member);
        return out;
    }

    /** An Okta-shaped access token: RS256, 2 h lifetime, jti, scp, groups. */
    static String mint(RSAKey key, String subject, List<String> groups) {
        return mint(key, subject, groups, true);
    }

    /** As {@link #mint(RSAKey, String, List)}, optionally without a {@code jti}. */
    static String mint(RSAKey key, String subject, List<String> groups, boolean withJti) {
        long now = CLOCK.millis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(subject)
                .issueTime(new Date(now / 1000 * 1000))
                .notBeforeTime(new Date(now / 1000 * 1000))
                .expirationTime(new Date(now + 2 * 3600_000L))
                .jwtID(withJti ? UUID.randomUUID().toString() : null)
                .claim("cid", "0oa-bench-client")
                .claim("uid", "00u" + subject.hashCode())
                .claim("scp", List.of("openid", "profile", "email"))
                .claim("email", subject + "@example.com")
                .claim("groups", groups)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /**
     * A config with {@code routes} generated routes ({@link #routesYaml}) and the given token cache.
     * The route {@link #targetPath} of route {@code routes / 2} is the one requests hit.
     */
    static String configYaml(int routes, long tokenCacheSize) {
        StringBuilder y = new StringBuilder(256 + routes * 200);
        header(y, tokenCacheSize);
        y.append("routes:\n");
        routesYaml(y, 0, routes);
        return y.toString();
    }

    /**
     * One YAML document may hold at most 3 MiB (SnakeYAML's code point limit, about 9,000 routes
     * of this shape), so larger route sets are written as the proxy's {@code include:} files of
     * {@value #ROUTES_PER_FILE} routes each. Returns the main file, in a fresh temporary directory.
     */
    static Path configFiles(int routes, long tokenCacheSize) {
        try {
            Path dir = Files.createTempDirectory("portcullis-jmh-");
            Path main = dir.resolve("portcullis.yaml");
            if (routes <= ROUTES_PER_FILE) {
                Files.writeString(main, configYaml(routes, tokenCacheSize), StandardCharsets.UTF_8);
            } else {
                StringBuilder y = new StringBuilder();
                header(y, tokenCacheSize);
                y.append("include: routes.d\n");
                Files.writeString(main, y, StandardCharsets.UTF_8);
                Path d = Files.createDirectory(dir.resolve("routes.d"));
                for (int first = 0, part = 0; first < routes; first += ROUTES_PER_FILE, part++) {
                    StringBuilder r = new StringBuilder("routes:\n");
                    routesYaml(r, first, Math.min(ROUTES_PER_FILE, routes - first));
                    Files.writeString(d.resolve(String.format("%03d.yaml", part)), r, StandardCharsets.UTF_8);
                }
            }
            try (var files = Files.walk(dir)) {
                files.forEach(f -> f.toFile().deleteOnExit());
            }
            return main;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final int ROUTES_PER_FILE = 2500;

    private static void header(StringBuilder y, long tokenCacheSize) {
        y.append("listen: 127.0.0.1:0\n");
        y.append("server: { token_cache_size: ").append(tokenCacheSize).append(" }\n");
        y.append("issuers:\n");
        y.append("  - { id: ").append(ISSUER_ID).append(", issuer: ").append(ISSUER).append(", audiences: [")
                .append(AUDIENCE).append("], jwks_uri: ").append(ISSUER).append("/v1/keys }\n");
    }

    /**
     * Route {@code i} is one of three shapes (subtree, one-segment wildcard, exact), with a deny
     * rule and two allow rules that name the route's own team groups. Same shapes as
     * bench/scale/scale.sh generates.
     */
    static void routesYaml(StringBuilder y, int first, int count) {
        for (int i = first; i < first + count; i++) {
            String path = switch (i % 3) {
                case 0 -> "/api/svc" + i + "/**";
                case 1 -> "/api/svc" + i + "/v1/*/items";
                default -> "/api/svc" + i + "/health";
            };
            y.append("  - id: r").append(i).append('\n');
            y.append("    match: { path: \"").append(path).append("\" }\n");
            y.append("    upstream: http://127.0.0.1:9\n");
            y.append("    deny: [ { groups_any: [suspended] } ]\n");
            y.append("    allow:\n");
            y.append("      - { methods: [GET, HEAD], groups_any: [team").append(i).append("-readers, team").append(i)
                    .append("-admins, orders-readers] }\n");
            y.append("      - { methods: [POST, PUT, PATCH, DELETE], groups_any: [team").append(i)
                    .append("-admins] }\n");
        }
    }

    /** The index of the route requests hit: a subtree route in the middle of the list. */
    static int targetRoute(int routes) {
        int mid = routes / 2;
        return mid - mid % 3;
    }

    /** A normalized path that only route {@link #targetRoute} matches (through its {@code /**}). */
    static String targetPath(int routes) {
        return "/api/svc" + targetRoute(routes) + "/v1/orders/12345";
    }

    /** The group that route {@link #targetRoute} allows for GET. */
    static String targetGroup(int routes) {
        return "team" + targetRoute(routes) + "-readers";
    }

    static ProxyConfig read(Path file) {
        try {
            return new ConfigReader(Map.of()).read(file);
        } catch (ConfigException e) {
            throw new IllegalStateException("generated config is invalid: " + e.errors(), e);
        }
    }

    /** Compiles a config the way the proxy does, with this issuer's keys. */
    static Snapshot compile(ProxyConfig config, IssuerKeys keys) {
        return new PolicyCompiler(new Metrics(), CLOCK, new RouteSlots()).compile(config, Map.of(ISSUER_ID, keys),
                new AssertionKeys(CLOCK, Duration.ofSeconds(60)), "bench");
    }

    static Snapshot snapshot(int routes, long tokenCacheSize, IssuerKeys keys) {
        return compile(read(configFiles(routes, tokenCacheSize)), keys);
    }
}
