package dev.portcullis.detect;

import static dev.portcullis.detect.Configs.detection;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.DetectionConfig;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.DetectionConfig.WebhookConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Denials reach the sink; a reload keeps counts and blocks unless detection itself changed. */
class DetectionTest {
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void anEventIsCountedThroughTheListener() {
        RecordingListener listener = new RecordingListener();
        try (Detection d = Detection.start(detection(Duration.ofSeconds(10), 2, 0, true), listener)) {
            d.onDenial("203.0.113.9", null, null, Reason.TOKEN_MISSING, "/", T0);
            d.onDenial("203.0.113.9", null, null, Reason.TOKEN_MISSING, "/", T0);
            assertThat(listener.events).hasSize(1);
            assertThat(d.isBlocked("203.0.113.9", null, null, T0)).isNotNull();
            assertThat(d.blockedSources(T0)).isEqualTo(1);
        }
    }

    @Test
    void reloadsKeepStateUnlessDetectionChanged() {
        DetectionConfig c = detection(Duration.ofSeconds(10), 2, 0, true);
        Detection d = Detection.start(c, IntrusionListener.NONE);
        d.onDenial("203.0.113.9", null, null, Reason.TOKEN_MISSING, "/", T0);
        d.onDenial("203.0.113.9", null, null, Reason.TOKEN_MISSING, "/", T0);

        assertThat(d.reconfigure(c)).isSameAs(d);

        WebhookConfig w = c.webhook();
        DetectionConfig newHook = new DetectionConfig(c.enabled(), c.window(), c.clientThreshold(),
                c.subjectThreshold(), c.instantReasons(), c.maxTrackedSources(), c.block(),
                new WebhookConfig("https://hooks.example.com/x", Map.of(), w.timeout(), w.maxAttempts(),
                        w.initialBackoff(), w.maxBackoff(), w.queueCapacity()));
        Detection next = d.reconfigure(newHook);
        d.retire(next);
        assertThat(next.detector()).isSameAs(d.detector());
        assertThat(next.isBlocked("203.0.113.9", null, null, T0)).isNotNull();

        Detection changed = next.reconfigure(detection(Duration.ofSeconds(30), 2, 0, true));
        next.retire(changed);
        assertThat(changed.detector()).isNotSameAs(next.detector());
        assertThat(changed.isBlocked("203.0.113.9", null, null, T0)).isNull();
        changed.close();
    }
}
