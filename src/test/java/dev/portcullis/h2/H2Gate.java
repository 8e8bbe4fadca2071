package dev.portcullis.h2;

import dev.portcullis.it.Harness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** What the HTTP/2 listener tests share: the harness config with {@code http2: true}, and curl. */
final class H2Gate {
    private H2Gate() {
    }

    /** The harness's default config with HTTP/2 on the listener (and {@code extra} server keys). */
    static String config() {
        return Harness.defaultConfig().replace("server: { key_wait_timeout: 2s }",
                "server: { key_wait_timeout: 2s, http2: true }");
    }

    /**
     * Skips the test on a developer's machine without curl, and fails it on CI ({@code CI} set),
     * where {@code .ci/run} installs it.
     */
    static String curl() {
        for (String dir : new String[] {"/usr/bin", "/usr/local/bin", "/bin"}) {
            Path p = Path.of(dir, "curl");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        String why = "needs curl (Debian's curl, built with nghttp2): apt-get install curl";
        if (System.getenv("CI") != null) {
            Assertions.fail(why);
        }
        Assumptions.abort(why);
        return null;
    }

    /** Runs curl with {@code args}; its standard output (stderr appended on failure). */
    static String runCurl(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = curl();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("curl did not finish");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("curl exit " + p.exitValue() + ": " + new String(err));
        }
        return new String(out);
    }
}
