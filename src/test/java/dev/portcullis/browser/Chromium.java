package dev.portcullis.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium for the browser tests, from Debian's {@code chromium} and
 * {@code chromium-driver} packages: the driver and the browser are given by path, so Selenium
 * Manager never runs and nothing is downloaded. Each instance has a fresh profile directory,
 * deleted on {@link #close()}. Screenshots go to {@code target/screenshots/}.
 *
 * <p>Without {@code /usr/bin/chromedriver} a test is <em>skipped</em> with a message, on a
 * developer's machine; on CI (the {@code CI} environment variable is set, as {@code .ci/run}
 * installs both packages) it <em>fails</em>, so that a missing browser never passes unnoticed.
 */
public final class Chromium implements AutoCloseable {
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    public static final Path BROWSER = Path.of("/usr/bin/chromium");
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts headless Chromium, or skips (developer machine) or fails (CI) the test when it is not installed. */
    public static Chromium start() {
        requireInstalled(DRIVER, BROWSER, System.getenv("CI") != null);
        Path profile;
        try {
            profile = Files.createTempDirectory("portcullis-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1100,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString())).usingAnyFreePort().build();
        try {
            return new Chromium(new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            delete(profile);
            throw e;
        }
    }

    /** Returns when both are installed; else skips the test, or on CI fails it. */
    static void requireInstalled(Path driver, Path browser, boolean onCi) {
        if (Files.isExecutable(driver) && Files.isExecutable(browser)) {
            return;
        }
        String why = "needs Debian's chromium and chromium-driver (" + browser + ", " + driver
                + "): apt-get install chromium chromium-driver";
        if (onCi) {
            throw new AssertionError("on CI the browser tests must run: " + why);
        }
        Assumptions.abort("skipped: " + why);
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens {@code url} in the one tab. */
    public void open(String url) {
        driver.get(url);
    }

    /** Waits (generously, for a slow machine) until {@code condition} is true or non-null. */
    public <T> T await(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).until(condition);
    }

    /** Saves a PNG of the page as {@code target/screenshots/<name>.png}, and returns its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path to = SCREENSHOTS.resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), to, StandardCopyOption.REPLACE_EXISTING);
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String currentUrl() {
        return driver.getCurrentUrl();
    }

    public String pageSource() {
        return driver.getPageSource();
    }

    /** Quits the browser and its driver and deletes the profile. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            delete(profile);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary profile is harmless
        }
    }
}
