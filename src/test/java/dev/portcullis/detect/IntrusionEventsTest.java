package dev.portcullis.detect;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.vocab.Reason;
import dev.portcullis.detect.IntrusionEvent.Kind;
import dev.portcullis.detect.IntrusionEvent.Sample;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The audit line of an event, written off the caller's thread; a full queue drops and counts. */
class IntrusionEventsTest {
    private final Logger auditLogger = (Logger) LoggerFactory.getLogger("portcullis.audit");
    private final BlockingQueue<ILoggingEvent> lines = new LinkedBlockingQueue<>();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean hold;
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
            if (hold) {
                entered.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
            lines.add(e);
        }
    };

    @BeforeEach
    void attach() {
        appender.start();
        auditLogger.addAppender(appender);
    }

    @AfterEach
    void detach() {
        release.countDown();
        auditLogger.detachAppender(appender);
    }

    static IntrusionEvent event(String source, boolean blocked) {
        List<Sample> samples = List.of(new Sample(1_700_000_000_000L, Reason.NO_ROUTE, "/.env"),
                new Sample(1_700_000_000_500L, Reason.TOKEN_MISSING, "/admin"),
                new Sample(1_700_000_001_000L, Reason.TOKEN_MISSING, "/x".repeat(300)));
        return new IntrusionEvent(Kind.THRESHOLD_CLIENT, source, 20, Duration.ofSeconds(60), samples, blocked,
                blocked ? 1_700_000_601_000L : 0, 1_700_000_001_000L);
    }

    @Test
    void writesOneJsonLineOnItsOwnThread() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (IntrusionEvents events = new IntrusionEvents(16, "proxy-1", null, listener)) {
            events.raise(event("203.0.113.9", true));
            ILoggingEvent line = lines.poll(5, TimeUnit.SECONDS);

            assertThat(line).isNotNull();
            assertThat(line.getLevel()).isEqualTo(Level.WARN);
            assertThat(line.getThreadName()).isEqualTo("portcullis-intrusion");
            assertThat(line.getFormattedMessage()).doesNotContain("\n");
            JsonNode json = new ObjectMapper().readTree(line.getFormattedMessage());
            assertThat(json.get("event").asText()).isEqualTo("intrusion_suspected");
            assertThat(json.get("kind").asText()).isEqualTo("threshold_client");
            assertThat(json.get("source").asText()).isEqualTo("203.0.113.9");
            assertThat(json.get("count").asInt()).isEqualTo(20);
            assertThat(json.get("window_seconds").asInt()).isEqualTo(60);
            assertThat(json.get("reasons").toString()).isEqualTo("{\"token_missing\":2,\"no_route\":1}");
            assertThat(json.get("first_reason").asText()).isEqualTo("no_route");
            assertThat(json.get("last_reason").asText()).isEqualTo("token_missing");
            assertThat(json.get("samples")).hasSize(3);
            assertThat(json.get("samples").get(0).get("path").asText()).isEqualTo("/.env");
            assertThat(json.get("samples").get(0).get("ts").asText()).isEqualTo("2023-11-14T22:13:20Z");
            assertThat(json.get("samples").get(2).get("path").asText()).hasSize(IntrusionJson.MAX_PATH);
            assertThat(json.get("blocked").asBoolean()).isTrue();
            assertThat(json.get("blocked_until").asText()).isEqualTo("2023-11-14T22:23:21Z");
            assertThat(json.get("proxy").asText()).isEqualTo("proxy-1");
            assertThat(json.get("ts").asText()).isEqualTo("2023-11-14T22:13:21Z");
            assertThat(listener.events).hasSize(1);
        }
    }

    @Test
    void anUnblockedEventHasNoBlockEnd() throws Exception {
        try (IntrusionEvents events = new IntrusionEvents(16, "p", null, IntrusionListener.NONE)) {
            events.raise(event("203.0.113.9", false));
            JsonNode json = new ObjectMapper().readTree(lines.poll(5, TimeUnit.SECONDS).getFormattedMessage());
            assertThat(json.get("blocked").asBoolean()).isFalse();
            assertThat(json.get("blocked_until").isNull()).isTrue();
        }
    }

    @Test
    void aFullQueueDropsAndCountsButStillCountsTheEvent() throws Exception {
        hold = true; // the writer blocks in the appender on its first line
        RecordingListener listener = new RecordingListener();
        try (IntrusionEvents events = new IntrusionEvents(2, "p", null, listener)) {
            events.raise(event("a", false));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 5; i++) {
                events.raise(event("b" + i, false));
            }
            assertThat(listener.events).hasSize(6);
            assertThat(listener.logDropped.get()).isEqualTo(3);
            release.countDown();
        }
        assertThat(lines).hasSize(3);
    }
}
