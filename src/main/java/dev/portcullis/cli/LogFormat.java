package dev.portcullis.cli;

import java.util.Set;

/**
 * {@code PORTCULLIS_LOG_FORMAT}: {@code text} (the default) or {@code json}. {@code logback.xml}
 * includes {@code logback/stderr-<format>.xml}, so any other value would leave the operational
 * log without an appender: silent. It is checked before Logback starts, and refused in one line.
 */
final class LogFormat {
    static final String VARIABLE = "PORTCULLIS_LOG_FORMAT";
    private static final Set<String> FORMATS = Set.of("text", "json");

    private LogFormat() {
    }

    /** The value Logback will substitute: a system property wins over the environment, as there. */
    static String configured() {
        return System.getProperty(VARIABLE, System.getenv(VARIABLE));
    }

    /** Null when {@code value} (null = unset) selects a format; otherwise the one-line refusal. */
    static String problem(String value) {
        if (value == null || FORMATS.contains(value) || System.getProperty("logback.configurationFile") != null) {
            return null;
        }
        return VARIABLE + " must be text or json, was '" + value + "'";
    }
}
