package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code identity_assertion.key_files} is read, and refused at its entry's file:line:column. */
class AssertionKeyFilesConfigTest {
    @TempDir
    Path dir;

    private Path key(String name, String curve) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, AssertionKeyFileTest.pkcs8(AssertionKeyFileTest.generate("EC",
                new ECGenParameterSpec(curve))));
        return p;
    }

    private static List<ConfigError> errors(String text) {
        return catchThrowableOfType(ConfigException.class, () -> new ConfigReader().read("p.yaml", text)).errors();
    }

    @Test
    void withoutKeyFilesTheGeneratedKeyStaysTheDefault() throws Exception {
        IdentityAssertionConfig ia = new ConfigReader().read("p.yaml", "identity_assertion: { lifetime: 30s }\n")
                .identityAssertion();
        assertThat(ia.keyFiles()).isEmpty();
        assertThat(ia.rotateEvery()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void theIssuesExampleIsReadInOrder() throws Exception {
        Path first = key("assertion-key.pem", "secp256r1");
        Path next = key("assertion-key-next.pem", "secp256r1");
        IdentityAssertionConfig ia = new ConfigReader().read("p.yaml",
                "identity_assertion:\n  key_files: [" + first + ", " + next + "]\n").identityAssertion();
        assertThat(ia.keyFiles()).containsExactly(first.toString(), next.toString());
    }

    @Test
    void aBadKeyIsReportedAtItsEntry() throws Exception {
        Path good = key("good.pem", "secp256r1");
        Path p384 = key("p384.pem", "secp384r1");
        List<ConfigError> errors = errors("identity_assertion:\n  key_files:\n    - " + good + "\n    - " + p384
                + "\n    - " + dir.resolve("missing.pem") + "\n    - " + good + "\n");
        assertThat(errors).extracting(ConfigError::toString).containsExactly(
                "p.yaml:4:7: identity_assertion.key_files[1]: '" + p384 + "' is an EC key on another curve than"
                        + " P-256; identity assertions are signed ES256, which needs P-256 (openssl: -pkeyopt"
                        + " ec_paramgen_curve:P-256)",
                "p.yaml:5:7: identity_assertion.key_files[2]: cannot read '" + dir.resolve("missing.pem") + "': "
                        + dir.resolve("missing.pem"),
                "p.yaml:6:7: identity_assertion.key_files[3]: the same key as key_files[0]");
    }

    @Test
    void rotateEveryIsRefusedBesideKeyFilesAndAnEmptyListToo() throws Exception {
        Path good = key("good.pem", "secp256r1");
        assertThat(errors("identity_assertion:\n  key_files: [" + good + "]\n  rotate_every: 1h\n"))
                .extracting(ConfigError::toString).singleElement().asString()
                .startsWith("p.yaml:3:3: identity_assertion.rotate_every: not with 'key_files'");
        assertThat(errors("identity_assertion:\n  key_files: []\n")).extracting(ConfigError::toString)
                .singleElement().asString().startsWith("p.yaml:2:3: identity_assertion.key_files: list at least one");
        assertThat(errors("identity_assertion:\n  key_files: { a: 1 }\n")).extracting(ConfigError::toString)
                .singleElement().asString().endsWith("identity_assertion.key_files: expected a string or a list of strings");
    }
}
