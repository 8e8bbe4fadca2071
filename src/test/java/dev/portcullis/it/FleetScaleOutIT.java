package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.fleet.Fleet;
import dev.portcullis.fleet.Load;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Three real instances behind HAProxy (round robin, health checks on {@code /readyz}), sharing one
 * Redis: under a steady bearer load one instance is drained as on SIGTERM and started again mid-run.
 * No request fails, all three served traffic, and the restarted one serves again.
 */
class FleetScaleOutIT {
    private static final int INSTANCES = 3;

    @Test
    void drainingAndRestartingOneInstanceUnderLoadFailsNoRequest() throws Exception {
        try (Fleet fleet = Fleet.start(INSTANCES, "")) {
            String reader = fleet.token("load@example.com", List.of("orders-readers"));
            Load load = Load.start(fleet.url(), n -> "/orders/" + n, reader, 200, 4, 150, Duration.ofSeconds(40));
            load.awaitMore(300);
            for (int i = 0; i < INSTANCES; i++) {
                assertThat(ordersServed(fleet, i)).as("instance %d served its share", i).isPositive();
            }

            fleet.drainAndRestart(1);
            load.awaitMore(300);

            Load.Result result = load.stop();
            assertThat(result.failures()).as(result.summary()).isEmpty();
            assertThat(result.requests()).as(result.summary()).isGreaterThan(600);
            for (int i = 0; i < INSTANCES; i++) {
                assertThat(ordersServed(fleet, i)).as("instance %d serves (1: since its restart)", i).isPositive();
            }
            clientAddressReachesTheUpstream(fleet);
        }
    }

    /**
     * A browser signs in through HAProxy; round robin sends the callback to another instance than the
     * one that started the sign-in. It completes there (the fleet shares {@code sessions.key_file}, which
     * seals the sign-in cookie): every sign-in succeeds, and at least one crossed instances.
     */
    @Test
    void aSignInStartedOnOneInstanceCompletesOnAnother() throws Exception {
        try (Fleet fleet = Fleet.start(INSTANCES, "")) {
            boolean crossed = false;
            for (int round = 0; round < INSTANCES; round++) {
                double[] started = count(fleet, "sign_in_required");
                double[] completed = count(fleet, "signed_in");
                Browser b = new Browser(fleet.haproxy().port());
                String auth = SignInIT.startSignIn(b, "/app/x");
                HttpResponse<String> done = b.get(SignInIT.callbackPath(SignInIT.authorize(b, auth)));
                assertThat(done.statusCode()).as(done.body()).isEqualTo(302);
                assertThat(Browser.location(done)).isEqualTo("/app/x");
                assertThat(b.cookies).containsKey("portcullis");
                int startedOn = changedOn(fleet, "sign_in_required", started);
                int completedOn = changedOn(fleet, "signed_in", completed);
                crossed |= startedOn != completedOn;
            }
            assertThat(crossed).as("some callback reached another instance than its sign-in's start").isTrue();
        }
    }

    /** Each instance's count of requests_total with {@code reason}, once its counters settled. */
    private static double[] count(Fleet fleet, String reason) throws Exception {
        double[] c = new double[INSTANCES];
        for (int i = 0; i < INSTANCES; i++) {
            c[i] = PromText.sum(fleet.metrics(i), "portcullis_requests_total", "reason=\"" + reason + "\"");
        }
        return c;
    }

    /** The instance whose count of {@code reason} went up (waiting up to 5 s: counters follow the response). */
    private static int changedOn(Fleet fleet, String reason, double[] before) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        do {
            double[] now = count(fleet, reason);
            for (int i = 0; i < before.length; i++) {
                if (now[i] > before[i]) {
                    return i;
                }
            }
            Thread.sleep(25);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no instance counted " + reason);
    }

    /** Allowed requests on {@code /orders} counted by instance {@code i} (its metrics since it started). */
    private static double ordersServed(Fleet fleet, int i) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        double served = 0;
        while (served == 0 && System.nanoTime() < deadline) {
            served = PromText.sum(fleet.metrics(i), "portcullis_requests_total", "route=\"orders\"",
                    "decision=\"allow\"");
            Thread.sleep(served == 0 ? 50 : 0);
        }
        return served;
    }

    /**
     * HAProxy appends the client's address ({@code option forwardfor}), and the instances trust it
     * ({@code trusted_proxies}) and append HAProxy's: the upstream sees both.
     */
    private static void clientAddressReachesTheUpstream(Fleet fleet) throws Exception {
        RecordingUpstream.Received last = null;
        RecordingUpstream.Received r;
        while ((r = fleet.upstream.poll()) != null) {
            last = r;
        }
        assertThat(last).isNotNull();
        assertThat(last.header("X-Forwarded-For")).isEqualTo("127.0.0.1, 127.0.0.1");
    }
}
