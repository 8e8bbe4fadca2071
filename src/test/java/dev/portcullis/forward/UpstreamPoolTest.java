package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Idle keep-alive connections: most recent leased first, closed once idle past the timeout. */
class UpstreamPoolTest {
    private static final long TIMEOUT_MILLIS = 50_000;
    private final EmbeddedChannel loopOwner = new EmbeddedChannel();
    private final UpstreamPool pool = new UpstreamPool(loopOwner.eventLoop(), NioSocketChannel.class);
    private final Upstream orders = Upstream.parse("http://127.0.0.1:9001");
    private final Upstream billing = Upstream.parse("http://127.0.0.1:9002");

    private static EmbeddedChannel connection() {
        return new EmbeddedChannel(new UpstreamHandler());
    }

    @Test
    void connectionsIdlePastTheTimeoutAreClosedAndTheOthersKept() {
        EmbeddedChannel old = connection();
        pool.release(orders, old, 10, TIMEOUT_MILLIS);
        long oldSince = System.nanoTime();
        EmbeddedChannel other = connection();
        pool.release(billing, other, 10, TIMEOUT_MILLIS);

        pool.closeExpired(oldSince + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS) - TimeUnit.SECONDS.toNanos(1));
        assertThat(old.isOpen()).as("not yet idle for the timeout").isTrue();
        assertThat(pool.idleCount()).isEqualTo(2);

        EmbeddedChannel recent = connection();
        long later = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        pool.closeExpired(later + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS)); // all three past it
        assertThat(old.isOpen()).isFalse();
        assertThat(other.isOpen()).as("every upstream's pool is swept").isFalse();
        assertThat(pool.idleCount()).isZero();

        pool.release(orders, recent, 10, TIMEOUT_MILLIS);
        pool.closeExpired(System.nanoTime());
        assertThat(recent.isOpen()).as("released just now").isTrue();
        assertThat(pool.acquire(orders, TIMEOUT_MILLIS, null)).isSameAs(recent);
    }

    @Test
    void connectionsTheUpstreamClosedAreForgottenWithoutWaitingForTheTimeout() {
        EmbeddedChannel closedByPeer = connection();
        pool.release(orders, closedByPeer, 10, TIMEOUT_MILLIS);
        closedByPeer.close();
        pool.closeExpired(System.nanoTime());
        assertThat(pool.idleCount()).isZero();
    }

    @Test
    void theMostRecentlyUsedConnectionIsLeasedFirstAndTheCeilingHolds() {
        EmbeddedChannel first = connection();
        EmbeddedChannel second = connection();
        EmbeddedChannel third = connection();
        pool.release(orders, first, 2, TIMEOUT_MILLIS);
        pool.release(orders, second, 2, TIMEOUT_MILLIS);
        pool.release(orders, third, 2, TIMEOUT_MILLIS);
        assertThat(third.isOpen()).as("beyond max_idle_per_loop: closed, not kept").isFalse();
        assertThat(pool.acquire(orders, TIMEOUT_MILLIS, null)).isSameAs(second);
        assertThat(pool.acquire(orders, TIMEOUT_MILLIS, null)).isSameAs(first);
        assertThat(pool.acquire(orders, TIMEOUT_MILLIS, null)).isNull();
    }

    @Test
    void theSweepIsScheduledOnThePoolsLoop() {
        assertThat(loopOwner.eventLoop().inEventLoop()).isTrue(); // an EmbeddedChannel runs tasks in the caller
        EmbeddedChannel c = connection();
        pool.release(orders, c, 10, 0); // an idle timeout of zero: expired at the next sweep
        loopOwner.advanceTimeBy(UpstreamPool.SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        loopOwner.runScheduledPendingTasks();
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void connectionsUnderKeysThePublishedPolicyNoLongerHasAreClosedIdleNowAndLeasedOnRelease() {
        Upstream before = Upstream.parse("https://127.0.0.1:9443", null, "route:mtls:aaaa");
        Upstream after = Upstream.parse("https://127.0.0.1:9443", null, "route:mtls:bbbb");
        assertThat(before.key()).isNotEqualTo(after.key());
        AtomicReference<Set<String>> keys = new AtomicReference<>(Set.of(before.key(), orders.key()));
        UpstreamPool tracked = new UpstreamPool(loopOwner.eventLoop(), NioSocketChannel.class, keys::get);
        EmbeddedChannel idleOld = connection();
        EmbeddedChannel leasedOld = connection();
        EmbeddedChannel kept = connection();
        tracked.release(before, idleOld, 10, TIMEOUT_MILLIS);
        tracked.release(orders, kept, 10, TIMEOUT_MILLIS);

        keys.set(Set.of(after.key(), orders.key())); // a reload renewed the client certificate
        tracked.retire();
        loopOwner.runPendingTasks(); // retire() runs on the pool's loop
        assertThat(idleOld.isOpen()).as("idle under the old identity: closed at once").isFalse();
        assertThat(kept.isOpen()).as("an upstream the reload did not change").isTrue();
        assertThat(tracked.acquire(before, TIMEOUT_MILLIS, null)).isNull();

        tracked.release(before, leasedOld, 10, TIMEOUT_MILLIS); // a request from before the reload ends
        assertThat(leasedOld.isOpen()).as("closed, not pooled").isFalse();
        assertThat(tracked.idleCount()).isEqualTo(1);
    }
}
