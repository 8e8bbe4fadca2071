package dev.portcullis.cli;

import dev.portcullis.demo.DirectoryOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The demo's secrets, each random and in an owner-only file of its own temporary directory, as a
 * production config reads them: the Event Hook secret (the dev issuer sends it, the proxy checks
 * it), the admin token, the dev issuer's directory API token, and the browser sign-in client's
 * secret (the proxy authenticates with it at the dev issuer). Deleted when the JVM exits.
 *
 * @param dir          the directory holding the four files
 * @param hookSecret   the Event Hook secret
 * @param adminToken   the admin bearer secret
 * @param apiToken     the directory API's SSWS token
 * @param clientSecret the OIDC client secret of {@code issuers[].client}
 */
record DemoSecrets(Path dir, String hookSecret, String adminToken, String apiToken, String clientSecret) {
    static final String HOOK_SECRET = "okta-hook-secret";
    static final String ADMIN_TOKEN = "admin-token";
    static final String API_TOKEN = "okta-api-token";
    static final String CLIENT_SECRET = "okta-client-secret";

    /** Writes fresh secrets into a new temporary directory. */
    static DemoSecrets write() throws IOException {
        Path dir = Files.createTempDirectory("portcullis-demo-");
        dir.toFile().deleteOnExit(); // registered first, so deleted after the files in it
        DemoSecrets s = new DemoSecrets(dir, DirectoryOptions.randomToken(), DirectoryOptions.randomToken(),
                DirectoryOptions.randomToken(), DirectoryOptions.randomToken());
        for (Map.Entry<String, String> f : Map.of(HOOK_SECRET, s.hookSecret, ADMIN_TOKEN, s.adminToken,
                API_TOKEN, s.apiToken, CLIENT_SECRET, s.clientSecret).entrySet()) {
            Path file = dir.resolve(f.getKey());
            file.toFile().deleteOnExit();
            Files.writeString(file, f.getValue() + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the temporary directory's own protection is what there is
            }
        }
        return s;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /** The demo config's file placeholders filled in. */
    String fill(String template) {
        return template.replace("@HOOK_SECRET_FILE@", file(HOOK_SECRET).toString())
                .replace("@ADMIN_TOKEN_FILE@", file(ADMIN_TOKEN).toString())
                .replace("@API_TOKEN_FILE@", file(API_TOKEN).toString())
                .replace("@CLIENT_SECRET_FILE@", file(CLIENT_SECRET).toString());
    }

    /** Never the secrets: this may be printed. */
    @Override
    public String toString() {
        return "DemoSecrets[" + dir + "]";
    }
}
