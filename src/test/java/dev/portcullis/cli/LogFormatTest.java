package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;

/**
 * Logback's configuration ({@link LogbackSetup}), applied to a fresh Logback context as the process
 * applies it: full ISO-8601 times in text, one JSON object per event with
 * {@code PORTCULLIS_LOG_FORMAT=json}, the audit log on stdout exactly as it was either way, and the
 * levels the variables set.
 */
class LogFormatTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream errBefore;
    private PrintStream outBefore;
    private LoggerContext context;

    @BeforeEach
    void capture() {
        errBefore = System.err;
        outBefore = System.out;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        if (context != null) {
            context.stop();
        }
        System.setErr(errBefore);
        System.setOut(outBefore);
    }

    private LoggerContext configured(String format) {
        return configured(Map.of(LogFormat.VARIABLE, format));
    }

    private LoggerContext configured(Map<String, String> variables) {
        context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what SLF4J's provider sets on the default context
        LogbackSetup.configure(context, variables::get);
        context.start();
        return context;
    }

    private List<String> errLines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void textLinesStartWithAFullIso8601TimeWithItsOffset() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        configured("text").getLogger("dev.portcullis.server.Portcullis").info("listening on {}", "127.0.0.1:8080");

        assertThat(errLines()).hasSize(1);
        String line = errLines().get(0);
        assertThat(line).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) INFO  "
                + "d\\.p\\.server\\.Portcullis - listening on 127\\.0\\.0\\.1:8080");
        Instant logged = OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant();
        assertThat(logged).isBetween(before, Instant.now().plusSeconds(1));
    }

    @Test
    void jsonIsOneObjectPerEventWithATimestampLevelLoggerAndMessage() throws Exception {
        long before = System.currentTimeMillis();
        Logger log = configured("json").getLogger("dev.portcullis.authn.IssuerKeys");
        log.warn("issuer {}: key fetch failed", "okta");
        log.error("with a cause", new IOException("connection refused"));

        List<String> lines = errLines();
        assertThat(lines).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertThat(first.path("timestamp").isNumber()).as(lines.get(0)).isTrue();
        assertThat(first.path("timestamp").asLong()).isBetween(before, System.currentTimeMillis());
        assertThat(first.path("level").asText()).isEqualTo("WARN");
        assertThat(first.path("loggerName").asText()).isEqualTo("dev.portcullis.authn.IssuerKeys");
        assertThat(first.path("formattedMessage").asText()).isEqualTo("issuer okta: key fetch failed");
        JsonNode second = new ObjectMapper().readTree(lines.get(1));
        assertThat(second.path("throwable").path("message").asText()).isEqualTo("connection refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "json"})
    void theAuditLogOnStdoutIsTheSameLineWhateverTheFormat(String format) throws Exception {
        String event = "{\"ts\":\"2026-12-02T10:00:00Z\",\"decision\":\"allow\",\"status\":200}";
        configured(format).getLogger("portcullis.audit").info(event);

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(event + System.lineSeparator());
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void withNoVariablesTextAtInfoAndTheAuditAtInfo() {
        LoggerContext c = configured(Map.of());
        c.getLogger("dev.portcullis.server.Portcullis").debug("not shown");
        c.getLogger("dev.portcullis.server.Portcullis").info("shown");
        c.getLogger("io.netty.channel.X").info("Netty's only from WARN");
        c.getLogger("portcullis.audit").info("{\"decision\":\"deny\"}");

        assertThat(errLines()).singleElement().asString().endsWith(" INFO  d.p.server.Portcullis - shown");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"decision\":\"deny\"}" + System.lineSeparator());
    }

    @Test
    void theVariablesSetTheLevels() {
        Map<String, String> vars = new HashMap<>();
        vars.put("PORTCULLIS_LOG_LEVEL", "DEBUG");
        vars.put("PORTCULLIS_AUDIT_LEVEL", "OFF");
        LoggerContext c = configured(vars);
        c.getLogger("dev.portcullis.cli.StartupFailures").debug("where it failed");
        c.getLogger("portcullis.audit").info("{\"decision\":\"allow\"}");

        assertThat(errLines()).singleElement().asString().endsWith(" DEBUG d.p.cli.StartupFailures - where it failed");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(c.getLogger("portcullis.audit").getLevel()).isEqualTo(Level.OFF);
        assertThat(c.getLogger("portcullis.audit").isAdditive()).isFalse();
    }

    /** As Logback's XML configurator read {@code level="${…}"}: a name it does not know is DEBUG. */
    @Test
    void aLevelThatIsNoLevelsNameIsDebugAsLogbacksOwnReading() {
        LoggerContext c = configured(Map.of("PORTCULLIS_LOG_LEVEL", "chatty"));

        assertThat(c.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
    }

    /** Found as Logback's service, it configures the process's context, unless a file is named. */
    @Test
    void logbackFindsItAsAServiceAndItStepsAsideForAFileOfYourOwn() {
        assertThat(java.util.ServiceLoader.load(Configurator.class).stream().map(p -> p.type().getName()).toList())
                .contains(LogbackSetup.class.getName());
        LoggerContext fresh = new LoggerContext();
        LogbackSetup setup = new LogbackSetup();
        setup.setContext(fresh);
        String before = System.getProperty("logback.configurationFile");
        System.setProperty("logback.configurationFile", "/etc/portcullis/logback.xml");
        try {
            assertThat(setup.configure(fresh)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(fresh.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
        } finally {
            if (before == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", before);
            }
        }
        assertThat(setup.configure(fresh)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        assertThat(fresh.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNotNull();
        assertThat(fresh.getLogger("portcullis.audit").getAppender("AUDIT")).isNotNull();
        fresh.stop();
    }

    /** Main checks the format the configuration will use: a system property wins over the environment. */
    @Test
    void theFormatCheckedIsTheOneTheConfigurationReads() {
        String before = System.getProperty(LogFormat.VARIABLE);
        System.setProperty(LogFormat.VARIABLE, "json");
        try {
            assertThat(LogFormat.configured()).isEqualTo("json").isEqualTo(LogbackSetup.variable(LogFormat.VARIABLE));
        } finally {
            if (before == null) {
                System.clearProperty(LogFormat.VARIABLE);
            } else {
                System.setProperty(LogFormat.VARIABLE, before);
            }
        }
        assertThat(LogFormat.configured()).isEqualTo(before != null ? before : System.getenv(LogFormat.VARIABLE));
    }

    @Test
    void onlyTextAndJsonAreAccepted() {
        assertThat(LogFormat.problem(null)).isNull();
        assertThat(LogFormat.problem("text")).isNull();
        assertThat(LogFormat.problem("json")).isNull();
        assertThat(LogFormat.problem("JSON")).isEqualTo("PORTCULLIS_LOG_FORMAT must be text or json, was 'JSON'");
        assertThat(LogFormat.problem("")).isEqualTo("PORTCULLIS_LOG_FORMAT must be text or json, was ''");
    }
}
