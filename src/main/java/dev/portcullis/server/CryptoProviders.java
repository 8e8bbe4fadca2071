package dev.portcullis.server;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import dev.portcullis.config.CryptoChoice;
import java.security.Provider;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JCA providers the proxy computes signatures with, chosen once at start
 * ({@code server.crypto_provider}). With {@code auto}, Amazon Corretto Crypto Provider (AWS-LC,
 * native) checks token signatures and signs identity assertions when its library loads and passes
 * its self-test; on a machine where it cannot (another OS or architecture, musl, a temporary
 * directory it cannot write its library to) the Java providers take over after one warning, and
 * start-up goes on. The providers are handed to Nimbus only, never installed with
 * {@code Security.insertProviderAt}: TLS and every other JCA user keep the JDK's.
 *
 * @param tokens  checks callers' token signatures; null for the JDK's own provider
 * @param signing signs identity assertions (ES256, EdDSA): ACCP, or Bouncy Castle
 * @param name    what was chosen, for the start-up line and {@code /readyz}-style reports
 */
public record CryptoProviders(Provider tokens, Provider signing, String name) {
    private static final Logger log = LoggerFactory.getLogger(CryptoProviders.class);

    /** The Java providers: the JDK's for tokens, Bouncy Castle's for assertion signatures. */
    public static CryptoProviders java() {
        return new CryptoProviders(null, new BouncyCastleProvider(), "java");
    }

    /** The providers for {@code choice} on this machine; never fails. */
    public static CryptoProviders start(CryptoChoice choice) {
        return start(choice, probe(choice, Runnable::run));
    }

    /**
     * Starts what {@link #start(CryptoChoice, CompletableFuture)} needs to know, on a thread of its
     * own: with {@code auto}, whether ACCP loads and passes its self-test (its native library and the
     * tests are ≈0.1 s of CPU at start-up), so that the rest of start-up goes on meanwhile. With
     * {@code java}, nothing is loaded, as before.
     */
    static CompletableFuture<String> probe(CryptoChoice choice) {
        return probe(choice, task -> {
            Thread t = new Thread(task, "portcullis-crypto-probe");
            t.setDaemon(true);
            t.start();
        });
    }

    private static CompletableFuture<String> probe(CryptoChoice choice, java.util.concurrent.Executor executor) {
        return choice == CryptoChoice.JAVA ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(CryptoProviders::accpProblem, executor);
    }

    /**
     * The providers for {@code choice}, once {@code probe} (from {@link #probe}) is done: it waits
     * for it here, and the choice and its warning are made on the caller's thread, as before.
     */
    static CryptoProviders start(CryptoChoice choice, CompletableFuture<String> probe) {
        String why;
        try {
            why = probe.join();
        } catch (CompletionException e) { // an Error the probe does not catch: as if thrown here
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
        return choose(choice, why);
    }

    /** The choice, given why ACCP cannot be used here (null: it can). */
    static CryptoProviders choose(CryptoChoice choice, String why) {
        if (choice == CryptoChoice.JAVA) {
            return java();
        }
        if (why != null) {
            log.warn("server.crypto_provider auto: Amazon Corretto Crypto Provider unavailable ({}); using the Java"
                    + " providers", why);
            return java();
        }
        Provider accp = AmazonCorrettoCryptoProvider.INSTANCE;
        return new CryptoProviders(accp, accp, "accp");
    }

    /** Null when ACCP is usable here, else why not. */
    static String accpProblem() {
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            Throwable loading = accp.getLoadingError();
            if (loading != null) {
                return "its native library did not load: " + loading;
            }
            accp.assertHealthy(); // loaded, and its known-answer self-tests pass
            return null;
        } catch (LinkageError | RuntimeException e) { // classes missing, or a self-test failed
            return e.toString();
        }
    }
}
