package dev.portcullis.cli;

import java.util.Set;

/**
 * {@code PORTCULLIS_LOG_FORMAT}: {@code text} (the default) or {@code json} ({@link LogbackSetup}).
 * Any other value is a mistake that would otherwise pass unseen: it is checked before Logback
 * starts, and refused in one line.
 */
final class LogFormat {
    static final String VARIABLE = "PORTCULLIS_LOG_FORMAT";
    private static final Set<String> FORMATS = Set.of("text", "json");

    private LogFormat() {
    }

    /** The value {@link LogbackSetup} reads, read the same way. */
    static String configured() {
        return LogbackSetup.variable(VARIABLE);
    }

    /** Null when {@code value} (null = unset) selects a format; otherwise the one-line refusal. */
    static String problem(String value) {
        if (value == null || FORMATS.contains(value) || System.getProperty("logback.configurationFile") != null) {
            return null;
        }
        return VARIABLE + " must be text or json, was '" + value + "'";
    }
}
