package dev.portcullis.bench;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.compile.Snapshot;
import java.util.List;

/** {@link Fixtures} for benchmarks in other packages (those that need the proxy's package-private classes). */
public final class BenchFixtures {
    private BenchFixtures() {
    }

    public static RSAKey rsaKey() {
        return Fixtures.rsaKey();
    }

    /** A snapshot of {@code routes} generated routes, with this key's issuer loaded. */
    public static Snapshot snapshot(int routes, long tokenCacheSize, RSAKey key) {
        return Fixtures.snapshot(routes, tokenCacheSize, Fixtures.issuerKeys(key));
    }

    public static String mint(RSAKey key, String subject, List<String> groups) {
        return Fixtures.mint(key, subject, groups);
    }

    public static List<String> groups(int count, String member) {
        return Fixtures.groups(count, member);
    }

    public static String targetPath(int routes) {
        return Fixtures.targetPath(routes);
    }

    public static String targetGroup(int routes) {
        return Fixtures.targetGroup(routes);
    }
}
