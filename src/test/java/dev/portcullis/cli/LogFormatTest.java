package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;

/**
 * The shipped {@code logback.xml}, loaded into a fresh Logback context as the process would load
 * it: full ISO-8601 times in text, one JSON object per event with {@code PORTCULLIS_LOG_FORMAT=json},
 * and the audit log on stdout exactly as it was either way.
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

    private LoggerContext configured(String format) throws JoranException {
        context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what SLF4J's provider sets on the default context
        context.putProperty(LogFormat.VARIABLE, format);
        context.putProperty("PORTCULLIS_LOG_LEVEL", "INFO");
        context.putProperty("PORTCULLIS_AUDIT_LEVEL", "INFO");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
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
    void onlyTextAndJsonAreAccepted() {
        assertThat(LogFormat.problem(null)).isNull();
        assertThat(LogFormat.problem("text")).isNull();
        assertThat(LogFormat.problem("json")).isNull();
        assertThat(LogFormat.problem("JSON")).isEqualTo("PORTCULLIS_LOG_FORMAT must be text or json, was 'JSON'");
        assertThat(LogFormat.problem("")).isEqualTo("PORTCULLIS_LOG_FORMAT must be text or json, was ''");
    }
}
