package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.compile.PolicyCompiler;
import dev.portcullis.compile.Route;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.forward.UpstreamEvents.Failure;
import dev.portcullis.forward.UpstreamSet;
import dev.portcullis.forward.UpstreamStates;
import dev.portcullis.it.RecordingUpstream;
import dev.portcullis.it.RecordingUpstream.Behaviour;
import dev.portcullis.observe.Metrics;
import dev.portcullis.route.RouteSlots;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Health checks across reloads, over real sockets: a publish stops the previous snapshot's checkers
 * and starts the new one's; what is known of an upstream that a route keeps is kept; a route that
 * drops its {@code health_check} no longer holds an upstream out for what the checks concluded.
 */
class HealthChecksIT {
    private final Transport transport = Transport.best();
    private final EventLoopGroup loops = transport.group(2, "health-test");
    private final UpstreamStates states = new UpstreamStates();
    private final PolicyCompiler compiler = new PolicyCompiler(new Metrics(), Clock.systemUTC(), new RouteSlots(),
            states);
    private final HealthChecks checks = new HealthChecks(loops, transport.clientChannel(), states);
    private final RecordingUpstream sick;
    private final RecordingUpstream fine;

    HealthChecksIT() throws java.io.IOException {
        sick = new RecordingUpstream();
        fine = new RecordingUpstream();
    }

    @AfterEach
    void stop() throws Exception {
        checks.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        sick.close();
        fine.close();
    }

    private Snapshot snapshot(String routeKeys) throws Exception {
        String yaml = """
                routes:
                  - id: api
                    match: { path: /api/** }
                    upstream: [%SICK%, %FINE%]
                    public: true
                    %KEYS%
                """.replace("%SICK%", sick.url()).replace("%FINE%", fine.url()).replace("%KEYS%", routeKeys);
        return compiler.compile(new ConfigReader().read("test.yaml", yaml), Map.of(), null, "test");
    }

    private static UpstreamSet set(Snapshot s) {
        Route r = s.routeList().get(0);
        return r.target().upstreamSet();
    }

    @Test
    void aReloadStopsTheOldChecksKeepsWhatIsKnownAndDroppingTheCheckLetsTheUpstreamBackIn() throws Exception {
        sick.behave(new Behaviour(503, "{}", 0, false));
        Snapshot checked = snapshot("health_check: { path: /health, interval: 50ms, timeout: 50ms, unhealthy: 1 }");
        checks.published(checked);
        UpstreamSet.Member sickMember = set(checked).members().get(0);
        await(() -> !set(checked).inRotation(sickMember), "the failing upstream taken out");
        UpstreamSet.Member fineMember = set(checked).members().get(1);
        for (int i = 0; i < 5; i++) {
            set(checked).failed(fineMember, Failure.STATUS_5XX);
        }
        assertThat(set(checked).ejected(fineMember)).isTrue();

        Snapshot unchecked = snapshot("");
        checks.published(unchecked);

        assertThat(set(unchecked).inRotation(set(unchecked).members().get(0)))
                .as("no health_check any more: what the checks concluded no longer counts").isTrue();
        assertThat(set(unchecked).ejected(set(unchecked).members().get(1)))
                .as("an upstream the route keeps stays ejected across the reload").isTrue();
        assertThat(set(unchecked).members().get(1).health()).isSameAs(fineMember.health());
        sick.clear();
        assertThat(probesWithin(sick, 1000)).as("the old checkers stopped (one probe may have been under way)")
                .isLessThanOrEqualTo(1);

        checks.published(snapshot("health_check: { path: /health, interval: 50ms, timeout: 50ms, unhealthy: 1 }"));
        assertThat(sick.take()).as("the new config's checks start").isNotNull();
        checks.close();
        checks.published(snapshot("")); // after close nothing starts again
    }

    @Test
    void anUpstreamTheRouteDropsIsForgotten() throws Exception {
        checks.published(snapshot(""));
        UpstreamSet.Member before = set(snapshot("")).members().get(0);
        String yaml = """
                routes:
                  - id: api
                    match: { path: /api/** }
                    upstream: %FINE%
                    public: true
                """.replace("%FINE%", fine.url());
        checks.published(compiler.compile(new ConfigReader().read("test.yaml", yaml), Map.of(), null, "test"));

        assertThat(set(snapshot("")).members().get(0).health()).as("a new state when it comes back")
                .isNotSameAs(before.health());
    }

    private static int probesWithin(RecordingUpstream u, long millis) throws InterruptedException {
        Thread.sleep(millis);
        return u.pending();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as(what + " within 10 s").isTrue();
            Thread.sleep(20);
        }
    }
}
