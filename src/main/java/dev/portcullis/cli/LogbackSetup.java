package dev.portcullis.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.portcullis.observe.AuditLog;
import java.util.function.UnaryOperator;

/**
 * Logback's configuration, in code (found by Logback as a {@link Configurator} service, before it
 * looks for a {@code logback.xml}): reading that file with Logback's XML configurator was ≈0.1 s of
 * CPU at every start, on two cores shared with the rest of start-up.
 *
 * <ul>
 *   <li>Operational logs go to stderr: with {@code PORTCULLIS_LOG_FORMAT=text} (the default), one line
 *       per event starting with a full ISO-8601 time; with {@code json}, one object per event
 *       (Logback's {@link JsonEncoder}: timestamp, level, threadName, loggerName, mdc,
 *       formattedMessage, throwable). Main refuses any other value at start.</li>
 *   <li>The audit log ({@code portcullis.audit}, one JSON object per decision) goes to stdout, the
 *       message alone, whatever the format; {@code PORTCULLIS_AUDIT_LEVEL} (e.g. {@code OFF}) sets it.</li>
 *   <li>{@code PORTCULLIS_LOG_LEVEL} sets the root's level (INFO by default), Netty's is WARN.</li>
 * </ul>
 *
 * The variables are read as Logback reads {@code ${NAME}}: a system property first, then the
 * environment. With {@code -Dlogback.configurationFile=FILE} this steps aside, and Logback reads FILE.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogbackSetup extends ContextAwareBase implements Configurator {
    private static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{24} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        configure(context, LogbackSetup::variable);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** A variable as the configuration reads it: a system property wins over the environment. */
    static String variable(String name) {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(name);
    }

    /** Configures {@code context}, reading the variables through {@code variables} (null: unset). */
    static void configure(LoggerContext context, UnaryOperator<String> variables) {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level(variables.apply("PORTCULLIS_LOG_LEVEL")));
        root.addAppender(console(context, "STDERR", "System.err", "json".equals(variables.apply(LogFormat.VARIABLE))
                ? json(context) : pattern(context, TEXT_PATTERN)));
        Logger audit = context.getLogger(AuditLog.LOGGER);
        String auditLevel = variables.apply("PORTCULLIS_AUDIT_LEVEL");
        audit.setLevel("INHERITED".equalsIgnoreCase(auditLevel) || "NULL".equalsIgnoreCase(auditLevel) ? null
                : level(auditLevel)); // as the XML configurator reads a logger's level
        audit.setAdditive(false);
        audit.addAppender(console(context, "AUDIT", "System.out", pattern(context, "%msg%n")));
        context.getLogger("io.netty").setLevel(Level.WARN);
    }

    /** A level as Logback's XML configurator reads one: INFO when unset, DEBUG when not a level's name. */
    private static Level level(String value) {
        return value == null || value.isEmpty() ? Level.INFO : Level.toLevel(value);
    }

    private static ConsoleAppender<ILoggingEvent> console(LoggerContext context, String name, String target,
            Encoder<ILoggingEvent> encoder) {
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setTarget(target);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }

    private static Encoder<ILoggingEvent> pattern(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }
}
