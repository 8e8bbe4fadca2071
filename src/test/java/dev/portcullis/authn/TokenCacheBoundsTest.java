package dev.portcullis.authn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.vocab.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The verified-token cache is bounded by entries and by the estimated heap its callers hold. */
class TokenCacheBoundsTest {
    private static final long FAR = System.currentTimeMillis() + 3_600_000;

    private static Identity caller(int i, int groups) {
        List<String> names = IntStream.range(0, groups).mapToObj(g -> "okta-group-engineering-" + g).toList();
        return new Identity("okta", "user" + i, Set.copyOf(names), Set.of("openid"), null, "jti-" + i, null,
                FAR / 1000, Map.of());
    }

    private static void fill(TokenCache cache, int callers, int groups) {
        for (int i = 0; i < callers; i++) {
            cache.put(TokenCache.hash("token-" + groups + "-" + i),
                    new TokenCache.Entry(new AuthResult.Authenticated(caller(i, groups)), null, null, "k", FAR));
        }
    }

    @Test
    void smallCallersAreBoundedByCount() {
        TokenCache cache = new TokenCache(1_000, 48L << 20);
        fill(cache, 3_000, 5);
        assertThat(cache.size()).isEqualTo(1_000);
    }

    @Test
    void largeCallersAreBoundedByTheirEstimatedSize() {
        long maxBytes = 4L << 20;
        TokenCache cache = new TokenCache(50_000, maxBytes);
        int weight = TokenCache.weight(caller(0, 100));
        // its identity ≈4.5 KB (measured with 20,000 of them) and the assertion a request attaches ≈4 KB
        assertThat(weight).as("a 100-group caller, estimated").isBetween(8_000, 10_000);
        fill(cache, 5_000, 100);
        assertThat(cache.size()).as("4 MiB of 100-group callers, not 50,000 of them")
                .isLessThanOrEqualTo(maxBytes / weight).isGreaterThan(maxBytes / weight / 2);
    }

    @Test
    void everyEntryWeighsAtLeastItsShareSoTheCountBoundHoldsForTinyCallers() {
        TokenCache cache = new TokenCache(10, 1L << 20); // 1 MiB for ten: 100 KB each at least
        fill(cache, 50, 0);
        assertThat(cache.size()).isEqualTo(10);
    }

    @Test
    void theEstimateGrowsWithGroupsScopesAndKeptListClaims() {
        Identity bare = caller(0, 0);
        Identity listed = new Identity("okta", "u", Set.of(), Set.of("openid"), null, null, null, FAR / 1000,
                Map.of("departments", new ArrayList<>(List.of("finance", "legal"))));
        assertThat(TokenCache.weight(caller(0, 10))).isGreaterThan(TokenCache.weight(bare) + 10 * 16);
        assertThat(TokenCache.weight(listed)).isGreaterThan(TokenCache.weight(bare) + 96);
    }

    @Test
    void theEstimateCountsTheCallersOwnStringsAndTheirCopyInTheAssertion() {
        Identity shortNames = new Identity("okta", "u", Set.of(), Set.of(), null, "j", null, FAR / 1000, Map.of());
        String longText = "x".repeat(300);
        Identity longNames = new Identity("okta", longText, Set.of(), Set.of(), longText + "@example.com", longText,
                longText, FAR / 1000, Map.of());
        // four strings of ≥300 characters: each once in the identity and once base64url-encoded (4/3) in the assertion
        assertThat(TokenCache.weight(longNames) - TokenCache.weight(shortNames)).isGreaterThan(4 * 299 * 7 / 3);
        // a 5-group caller, as bench/load.sh's minted tokens: measured 1.93 KB a cached caller in the proxy
        List<String> five = List.of("directory-group-0", "directory-group-1", "directory-group-2",
                "directory-group-3", "orders-readers");
        Identity bench = new Identity("minted", "distinct-100000-user66666", Set.copyOf(five),
                Set.of("openid", "profile", "email"), "distinct-100000-user66666@example.com",
                "4bd06f1b-8671-46cf-8c9e-deb0e3e84a25", "0oa-scale-bench", FAR / 1000, Map.of());
        assertThat(TokenCache.weight(bench)).isBetween(1_930, 2_500);
    }
}
