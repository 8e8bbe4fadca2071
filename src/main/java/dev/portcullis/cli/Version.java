package dev.portcullis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** What {@code -V} prints: {@code portcullis <the pom's version>}, written into the jar at build time. */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"portcullis " + number()};
    }

    /** The build's version, or {@code unknown} for classes that were not built by Maven. */
    static String number() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
