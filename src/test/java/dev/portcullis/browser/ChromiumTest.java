package dev.portcullis.browser;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** A missing browser skips a browser test on a developer's machine and fails it on CI. */
class ChromiumTest {
    private static final Path MISSING = Path.of("/nonexistent/chromedriver");

    @Test
    void missingOnADevelopersMachineSkips() {
        assertThatThrownBy(() -> Chromium.requireInstalled(MISSING, Chromium.BROWSER, false))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("apt-get install chromium chromium-driver");
    }

    @Test
    void missingOnCiFails() {
        assertThatThrownBy(() -> Chromium.requireInstalled(MISSING, Chromium.BROWSER, true))
                .isInstanceOf(AssertionError.class).isNotInstanceOf(TestAbortedException.class)
                .hasMessageContaining("on CI the browser tests must run");
    }

    @Test
    void installedPasses() {
        Path sh = Path.of("/bin/sh");
        assertThatCode(() -> Chromium.requireInstalled(sh, sh, true)).doesNotThrowAnyException();
    }
}
