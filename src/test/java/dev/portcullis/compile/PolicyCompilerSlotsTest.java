package dev.portcullis.compile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.forward.AssertionKeys;
import dev.portcullis.observe.Metrics;
import dev.portcullis.config.ConfigException;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.route.RouteSlots;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** In-flight counts are the route id's, outside the snapshot: a reload never doubles a cap. */
class PolicyCompilerSlotsTest {
    private static final String CONFIG = """
            listen: 127.0.0.1:0
            issuers:
              - { id: mock, issuer: https://issuer.example, audiences: [api://portcullis] }
            routes:
              - id: slow
                match: { path: /slow/** }
                upstream: http://127.0.0.1:9
                public: true
                max_concurrent_requests: %MAX%
              - id: other
                match: { path: /other/** }
                upstream: http://127.0.0.1:9
                public: true
                max_concurrent_requests: 1
            """;

    private final RouteSlots slots = new RouteSlots();
    private final PolicyCompiler compiler = new PolicyCompiler(new Metrics(), Clock.systemUTC(), slots);

    private Route compile(int max, String id) throws ConfigException {
        ProxyConfig config = new ConfigReader().read("test.yaml", CONFIG.replace("%MAX%", String.valueOf(max)));
        Snapshot s = compiler.compile(config, Map.of(), new AssertionKeys(Clock.systemUTC(), Duration.ofMinutes(5)),
                "hash");
        return s.routeList().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void theSameIdGetsTheSameCounterInEverySnapshot() throws Exception {
        Route before = compile(1, "slow");
        Route after = compile(1, "slow");
        assertThat(after).isNotSameAs(before);
        assertThat(before.tryAcquire()).isTrue();
        assertThat(slots.of("slow").count()).as("the registry's counter for the id").isEqualTo(1);
        assertThat(slots.of("other").count()).isZero();
        after.release();
        assertThat(slots.of("slow").count()).as("released through the other snapshot's route").isZero();
    }

    @Test
    void aRequestAdmittedBeforeAReloadCountsAgainstTheNewRoutesCap() throws Exception {
        Route before = compile(1, "slow");
        assertThat(before.tryAcquire()).isTrue();
        Route after = compile(1, "slow");
        assertThat(after.tryAcquire()).as("the one slot is held through the old route").isFalse();
        assertThat(compile(1, "other").tryAcquire()).as("another id counts apart").isTrue();

        before.release();
        assertThat(slots.of("slow").count()).isZero();
        assertThat(after.tryAcquire()).as("released through the old route, free for the new").isTrue();
        assertThat(before.tryAcquire()).as("and taken for both").isFalse();
        after.release();
        assertThat(slots.of("slow").count()).isZero();
    }

    @Test
    void aReloadThatRaisesTheCapCountsWhatIsAlreadyInFlight() throws Exception {
        Route before = compile(1, "slow");
        assertThat(before.tryAcquire()).isTrue();
        Route after = compile(2, "slow");
        assertThat(after.tryAcquire()).isTrue();
        assertThat(after.tryAcquire()).as("two in flight, one of them admitted before the reload").isFalse();
        before.release();
        after.release();
        assertThat(slots.of("slow").count()).isZero();
    }

    @Test
    void aRouteWithoutALimitTakesNoSlot() throws Exception {
        Route unlimited = compile(0, "slow");
        for (int i = 0; i < 5; i++) {
            assertThat(unlimited.tryAcquire()).isTrue();
        }
        assertThat(slots.of("slow").count()).isZero();
        assertThat(compile(1, "slow").tryAcquire()).isTrue();
    }
}
