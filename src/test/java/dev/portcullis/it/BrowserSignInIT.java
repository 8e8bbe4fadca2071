package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.browser.Chromium;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The end-to-end test in a real browser: {@code portcullis demo} in a JVM of its own with
 * {@value #LIFETIME_SECONDS}-second access tokens ({@code --token-lifetime}; the demo's
 * {@code refresh_before} is then half of that), and headless Chromium ({@link Chromium}). The
 * browser opens the demo's browser route, is sent to the dev issuer's sign-in page, picks carol,
 * and sees the app page with her name. It waits past the access-token lifetime and reloads: still
 * signed in, and the audit log has exactly one {@code "session_event":"refreshed"}. It signs out
 * (through the dev issuer's end-session endpoint, back to the app) and is sent to sign in again.
 * Screenshots of the three pages go to {@code target/screenshots/}.
 */
class BrowserSignInIT {
    static final int LIFETIME_SECONDS = 16;
    private static final Pattern BROWSER_URL = Pattern.compile("In a browser: (http://127\\.0\\.0\\.1:\\d+/app/)");
    private static final String REFRESHED = "\"session_event\":\"refreshed\"";
    private static final String END = "Ctrl-C stops everything.";

    @TempDir
    Path dir;

    @Test
    void signInStaysSignedInPastTheTokenLifetimeWithOneRefreshAndSignsOut() throws Exception {
        Path stdout = dir.resolve("stdout");
        Path stderr = dir.resolve("stderr");
        // A fixed proxy port (free now), so that the demo's sign-out goes on to the dev issuer's
        // end-session endpoint and back to the app; every other port is chosen by the system.
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.portcullis.cli.Main", "demo",
                "--port", Integer.toString(freePort()), "--admin-port", "0", "--issuer-port", "0",
                "--services-port", "0", "--token-lifetime", LIFETIME_SECONDS + "s")
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try (Chromium chromium = Chromium.start()) {
            try {
                run(chromium, appUrl(stderr), stdout);
            } catch (AssertionError | RuntimeException e) {
                chromium.screenshot("browser-failure");
                throw e;
            }
        } finally {
            demo.destroy();
            if (!demo.waitFor(30, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
        }
    }

    private static void run(Chromium chromium, String app, Path stdout) throws Exception {
        chromium.open(app);
        chromium.await(d -> d.findElement(By.id("user-carol")));
        assertThat(chromium.currentUrl()).as("sent to the dev issuer's sign-in page")
                .contains("/oauth2/default/v1/authorize?").doesNotStartWith(app);
        chromium.screenshot("browser-sign-in");

        chromium.driver().findElement(By.id("user-carol")).click();
        awaitSignedIn(chromium, app);
        long signedIn = System.nanoTime();
        assertThat(chromium.driver().findElement(By.id("cookie")).getText())
                .as("the session cookie stays at the proxy").contains("none");
        chromium.screenshot("browser-signed-in");
        assertThat(refreshes(stdout)).as("no refresh right after sign-in").isZero();

        // Past the access token's lifetime (plus a margin for a slow machine), the same page again.
        long past = signedIn + TimeUnit.SECONDS.toNanos(LIFETIME_SECONDS + 2);
        while (System.nanoTime() < past) {
            Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(past - System.nanoTime())));
        }
        chromium.driver().navigate().refresh();
        awaitSignedIn(chromium, app);
        awaitRefreshes(stdout, 1);
        assertThat(refreshes(stdout)).as("exactly one refresh:%n%s", Files.readString(stdout)).isEqualTo(1);

        chromium.driver().findElement(By.id("sign-out")).click();
        chromium.await(d -> d.findElement(By.id("user-carol")));
        assertThat(chromium.currentUrl()).as("signed out, then sent to sign in again")
                .contains("/oauth2/default/v1/authorize?");
        chromium.screenshot("browser-signed-out");
        assertThat(refreshes(stdout)).isEqualTo(1);
    }

    private static void awaitSignedIn(Chromium chromium, String app) {
        chromium.await(d -> d.getCurrentUrl().startsWith(app) && d.findElement(By.id("who")).getText()
                .equals("carol@example.com"));
        assertThat(chromium.driver().findElement(By.id("groups")).getText()).contains("engineering");
    }

    private static long refreshes(Path stdout) throws IOException {
        return Files.readString(stdout).lines().filter(l -> l.contains(REFRESHED)).count();
    }

    /** Audit lines are written off the request path: poll until {@code n} appear (or 20 s pass). */
    private static void awaitRefreshes(Path stdout, long n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (refreshes(stdout) < n && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static String appUrl(Path stderr) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String text = Files.readString(stderr);
            if (text.contains(END)) {
                Matcher m = BROWSER_URL.matcher(text);
                assertThat(m.find()).as("the demo prints its browser URL:%n%s", text).isTrue();
                return m.group(1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the demo did not start within 60 s: " + Files.readString(stderr));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
