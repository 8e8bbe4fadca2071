package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis validate} reads {@code identity_assertion.key_files} and reports a bad one where it is listed. */
class ValidateAssertionKeysTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run validate(Path file) {
        PrintStream before = System.err;
        PrintStream beforeOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Cli cli = Cli.run("validate", "-c", file.toString());
            return new Run(cli.exit(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(before);
            System.setOut(beforeOut);
        }
    }

    @Test
    void aGoodKeyValidatesAndAnRsaKeyIsReportedAtItsEntry(@TempDir Path dir) throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        Path good = dir.resolve("assertion-key.pem");
        Files.writeString(good, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(ec.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        Path rsa = dir.resolve("assertion-key-next.pem");
        Files.writeString(rsa, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, "identity_assertion:\n  key_files: [" + good + "]\n");
        Run ok = validate(file);
        assertThat(ok.exit()).as(ok.err()).isEqualTo(0);
        assertThat(ok.out()).contains(file + ": OK");

        Files.writeString(file, "identity_assertion:\n  key_files:\n    - " + good + "\n    - " + rsa + "\n");
        Run bad = validate(file);
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains(file + ":4:7: identity_assertion.key_files[1]: '" + rsa
                + "' is an RSA key; identity assertions are signed ES256, which needs an EC P-256 key");
    }
}
