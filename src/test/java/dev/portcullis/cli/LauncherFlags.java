package dev.portcullis.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM flags the {@code ./portcullis} launcher passes by default, read from the script, for the
 * tests that hold other files (the README, the container image, the Deployment) to them.
 */
public final class LauncherFlags {
    /** The flag the launcher adds on a Java that has native-heap trimming as a product flag. */
    public static final String TRIM = "-XX:TrimNativeHeapInterval=2000";
    /** The flag the launcher adds where the kernel gives transparent huge pages on request. */
    public static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";
    private static final Path SCRIPT = Path.of("portcullis");
    private static final Pattern FLAGS = Pattern.compile("(?m)^java_opts=\"([^\"$]+)\"$");

    private LauncherFlags() {
    }

    /** The flags on any Java (the script's {@code java_opts="…"} line); fails when the script has none. */
    public static String base() throws IOException {
        String script = Files.readString(SCRIPT);
        Matcher m = FLAGS.matcher(script);
        if (!m.find()) {
            throw new IllegalStateException("no java_opts=\"…\" line in " + SCRIPT);
        }
        if (!script.contains("java_opts=\"$java_opts " + TRIM + "\"")) {
            throw new IllegalStateException(SCRIPT + " no longer adds " + TRIM + " as these tests expect");
        }
        if (!script.contains("java_opts=\"$java_opts " + HUGE_PAGES + "\"")) {
            throw new IllegalStateException(SCRIPT + " no longer adds " + HUGE_PAGES + " as these tests expect");
        }
        return m.group(1).trim();
    }

    /** The flags on a Java with the trimming (the container image's Java 17, this project's build Java). */
    public static String withTrim() throws IOException {
        return base() + " " + TRIM;
    }
}
