package dev.portcullis.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;

/**
 * Every case of {@link AuthenticatorTest} (good tokens, tampered signatures, foreign keys, algorithm
 * confusion, claims), unchanged, with the signatures checked by Amazon Corretto Crypto Provider, as
 * {@code server.crypto_provider: auto} does where AWS-LC loads. Skipped only off x86-64 Linux, where
 * the bundled native library cannot load; there it must load.
 */
class AuthenticatorAccpTest extends AuthenticatorTest {
    @Override
    Provider provider() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && "amd64".equals(System.getProperty("os.arch")),
                "ACCP's bundled library is for x86-64 Linux");
        AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
        assertThat(accp.getLoadingError()).as("ACCP loads on x86-64 Linux").isNull();
        accp.assertHealthy();
        return accp;
    }
}
