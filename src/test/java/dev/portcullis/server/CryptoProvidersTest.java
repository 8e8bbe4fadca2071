package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.JWKSet;
import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.authn.KeyFetcher;
import dev.portcullis.config.CryptoChoice;
import java.net.URI;
import java.security.Security;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** {@code server.crypto_provider}: which providers compute, the fallback, and nothing global. */
class CryptoProvidersTest {
    private static boolean x86Linux() {
        return System.getProperty("os.name").startsWith("Linux") && "amd64".equals(System.getProperty("os.arch"));
    }

    @Test
    void javaLoadsNoNativeCode() {
        CryptoProviders c = CryptoProviders.start(CryptoChoice.JAVA);
        assertThat(c.tokens()).as("the JDK's provider").isNull();
        assertThat(c.signing().getName()).isEqualTo("BC");
        assertThat(c.name()).isEqualTo("java");
    }

    @Test
    void autoTakesAccpWhereItLoads() {
        assumeTrue(x86Linux(), "the bundled AWS-LC library is for x86-64 Linux");
        CryptoProviders c = CryptoProviders.start(CryptoChoice.AUTO);
        assertThat(c.name()).isEqualTo("accp");
        assertThat(c.tokens()).isSameAs(AmazonCorrettoCryptoProvider.INSTANCE);
        assertThat(c.signing()).isSameAs(AmazonCorrettoCryptoProvider.INSTANCE);
        assertThat(Arrays.stream(Security.getProviders()).map(p -> p.getName()))
                .as("never installed as a global JCA provider: TLS keeps the JDK's").doesNotContain(c.tokens().getName());
    }

    @Test
    void autoFallsBackToJavaWhenTheLibraryCannotLoadAndNeverFails() {
        CryptoProviders c = CryptoProviders.choose(CryptoChoice.AUTO,
                "its native library did not load: java.lang.UnsatisfiedLinkError: musl");
        assertThat(c.name()).isEqualTo("java");
        assertThat(c.tokens()).isNull();
        assertThat(c.signing().getName()).isEqualTo("BC");
    }

    @Test
    void theProbeRunsOnItsOwnThreadAndTheChoiceWaitsForItsAnswer() {
        assertThat(CryptoProviders.probe(CryptoChoice.JAVA)).as("java: nothing to load").isCompletedWithValue(null);
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletableFuture<CryptoProviders> chosen = CompletableFuture.supplyAsync(
                () -> CryptoProviders.start(CryptoChoice.AUTO, pending));
        assertThat(chosen).as("waits for the probe").isNotDone();
        pending.complete("its native library did not load: java.lang.UnsatisfiedLinkError: musl");
        assertThat(chosen.join().name()).isEqualTo("java");
        if (x86Linux()) {
            assertThat(CryptoProviders.start(CryptoChoice.AUTO, CryptoProviders.probe(CryptoChoice.AUTO)).name())
                    .isEqualTo("accp");
        }
    }

    @Test
    void anErrorInTheProbeIsThrownWhereTheChoiceIsMade() {
        CompletableFuture<String> failed = CompletableFuture.failedFuture(new NoClassDefFoundError("accp"));
        assertThatThrownBy(() -> CryptoProviders.start(CryptoChoice.AUTO, failed)).isInstanceOf(NoClassDefFoundError.class);
    }

    @Test
    void theIssuersVerifiersComputeWithTheTokenProvider() throws Exception {
        assumeTrue(x86Linux(), "the bundled AWS-LC library is for x86-64 Linux");
        CryptoProviders c = CryptoProviders.start(CryptoChoice.AUTO);
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        KeyFetcher serving = new KeyFetcher() {
            @Override
            public CompletableFuture<URI> discover(String issuer) {
                return CompletableFuture.completedFuture(URI.create("https://issuer.invalid/keys"));
            }

            @Override
            public CompletableFuture<FetchedKeys> fetchKeys(URI jwksUri) {
                return CompletableFuture.completedFuture(new FetchedKeys(new JWKSet(key.toPublicJWK()),
                        OptionalLong.empty()));
            }
        };
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            IssuerKeys keys = new IssuerKeys("okta", "https://issuer.invalid", URI.create("https://issuer.invalid/keys"),
                    Duration.ofHours(1), Duration.ofSeconds(10), serving, scheduler, Clock.systemUTC(),
                    IssuerKeys.Listener.NONE, c.tokens());
            keys.start();
            assertThat(keys.find("k1").verifier().getJCAContext().getProvider()).isSameAs(c.tokens());
        } finally {
            scheduler.shutdownNow();
        }
    }
}
