package dev.portcullis.shared;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.membership.DirectoryEvent;
import dev.portcullis.membership.EventApplier;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Directory events (Okta's Event Hook deliveries, operators' revocations) shared by the fleet.
 *
 * <p>An event this instance takes is applied here at once ({@link #localApplier}) and then, off the
 * caller's thread, claimed fleet-wide and appended to the stream in one script
 * ({@code SET prefix+"e:"+sha256(uuid) 1 NX PX window} and {@code XADD prefix+"events" MINID ~ now-window}),
 * and published on the bus topic {@code events}. Only the instance that wins the claim appends and
 * publishes, so an event Okta delivered to two instances is recorded once. A bus message from
 * another instance, and what {@link #resync} reads from the stream after the last entry seen here
 * (everything in the window at start), is applied through the same uuid check, so every instance
 * applies an event once. When Redis cannot take an event it waits in a bounded {@link EventOutbox}
 * and is published at the next resync or once Redis answers again.
 *
 * <p>Nothing here throws into its callers or blocks them; received events are applied on
 * {@code applyOn} (one thread), at most {@code capacity} waiting.
 */
public final class FleetEvents {
    public static final String TOPIC = "events";
    static final int PAGE = 500;
    /** Claims the uuid and appends to the stream, atomically: both or neither. */
    private static final String CLAIM_AND_APPEND = "if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then "
            + "return redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 'e', ARGV[3]) end return false";

    /** What became of events, for metrics. */
    public interface Counts {
        /** How an event was counted. */
        enum Source { PUBLISHED, RECEIVED, CAUGHT_UP, DUPLICATE }

        /** Why an event or message was dropped. */
        enum Drop { MALFORMED, OUTBOX_FULL, QUEUE_FULL }

        void counted(Source source);

        void dropped(Drop why);

        Counts NONE = new Counts() {
            public void counted(Source source) {
            }

            public void dropped(Drop why) {
            }
        };
    }

    private final RedisConnection redis;
    private final FleetBus bus;
    private final EventApplier local;
    private final Counts counts;
    private final Executor applyOn;
    private final Clock clock;
    private final long windowMillis;
    private final int capacity;
    private final String streamKey;
    private final Cache<String, Boolean> known;
    private final EventOutbox outbox;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean catchingUp = new AtomicBoolean();
    private final AtomicBoolean catchUpDue = new AtomicBoolean();
    /** The last stream entry read here; null: read from the start of the window. */
    private volatile String lastId;

    /**
     * @param local    applies an event to this instance (the overlay's serial applier)
     * @param applyOn  where events are published from and received events applied (one thread, never an event loop)
     * @param window   how long an event matters (the overlay's window): claims and stream entries live that long
     * @param capacity events waiting to be applied, at most
     * @param outbox   events kept in the outbox while Redis is down, at most ({@code shared_state.redis.event_outbox})
     */
    public FleetEvents(RedisConnection redis, FleetBus bus, EventApplier local, Counts counts, Executor applyOn,
            Clock clock, Duration window, int capacity, int outbox) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.local = Objects.requireNonNull(local, "local");
        this.counts = Objects.requireNonNull(counts, "counts");
        this.applyOn = Objects.requireNonNull(applyOn, "applyOn");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.windowMillis = Math.max(1, window.toMillis());
        this.capacity = capacity;
        this.streamKey = redis.keyPrefix() + "events";
        this.known = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(Math.max(capacity, 100_000)).build();
        this.outbox = new EventOutbox(outbox);
    }

    /** Listens on the bus (call before the bus starts); {@link #tick} is for a one-second schedule. */
    public FleetEvents subscribe() {
        bus.subscribe(TOPIC, this::onMessage);
        bus.onResync(this::resync);
        return this;
    }

    /** Events in the outbox now. */
    public int outboxSize() {
        return outbox.size();
    }

    /**
     * Where this instance's own events go: applied at once unless the fleet gave it already, then
     * handed to the fleet (off the caller's thread).
     */
    public EventApplier localApplier() {
        return e -> {
            if (known.asMap().putIfAbsent(e.uuid(), Boolean.TRUE) != null) {
                counts.counted(Counts.Source.DUPLICATE);
                return;
            }
            local.apply(e);
            run(() -> publish(new EventOutbox.Pending(e, false)));
        };
    }

    private void onMessage(FleetMessage m) {
        if (m.fromSelf()) {
            return;
        }
        DirectoryEvent e = EventCodec.decode(m.body());
        if (e == null) {
            counts.dropped(Counts.Drop.MALFORMED);
            return;
        }
        receive(e, Counts.Source.RECEIVED);
    }

    /** Applies an event from the fleet on {@code applyOn}, once per uuid. */
    private void receive(DirectoryEvent e, Counts.Source source) {
        if (known.getIfPresent(e.uuid()) != null) {
            counts.counted(Counts.Source.DUPLICATE);
            return;
        }
        if (waiting.incrementAndGet() > capacity) {
            waiting.decrementAndGet();
            counts.dropped(Counts.Drop.QUEUE_FULL);
            return;
        }
        run(() -> {
            try {
                if (known.asMap().putIfAbsent(e.uuid(), Boolean.TRUE) != null) {
                    counts.counted(Counts.Source.DUPLICATE);
                } else {
                    local.apply(e);
                    counts.counted(source);
                }
            } finally {
                waiting.decrementAndGet();
            }
        });
    }

    /** Claim and append (unless stored already), then the bus; what fails waits in the outbox. */
    void publish(EventOutbox.Pending p) {
        byte[] json = EventCodec.encode(p.event());
        if (json == null) {
            counts.dropped(Counts.Drop.MALFORMED);
            return;
        }
        if (p.stored()) {
            announce(p, json);
            return;
        }
        String claimKey = redis.keyPrefix() + "e:" + hash(p.event().uuid());
        byte[][] args = {ascii(Long.toString(windowMillis)), ascii(Long.toString(clock.millis() - windowMillis)), json};
        redis.<byte[]>call(SharedStateListener.Op.STREAM,
                c -> c.eval(CLAIM_AND_APPEND, ScriptOutputType.VALUE, new String[] {claimKey, streamKey}, args))
                .whenComplete((id, err) -> {
                    if (err != null) {
                        keep(p);
                    } else if (id == null) {
                        counts.counted(Counts.Source.DUPLICATE); // another instance recorded it first
                    } else {
                        counts.counted(Counts.Source.PUBLISHED);
                        announce(new EventOutbox.Pending(p.event(), true), json);
                    }
                });
    }

    private void announce(EventOutbox.Pending stored, byte[] json) {
        bus.publish(TOPIC, json).whenComplete((n, err) -> {
            if (err != null) {
                keep(stored);
            }
        });
    }

    private void keep(EventOutbox.Pending p) {
        if (!outbox.offer(p)) {
            counts.dropped(Counts.Drop.OUTBOX_FULL);
        }
    }

    /** After the bus (re)connected: read what was missed, publish what waited. */
    public void resync() {
        catchUpDue.set(true);
        tick();
    }

    /** Every second: once Redis answers, a catch-up that failed is tried again and the outbox is published. */
    public void tick() {
        if (!redis.health().ok()) {
            return;
        }
        if (catchUpDue.get() && catchingUp.compareAndSet(false, true)) {
            catchUpDue.set(false);
            page(lastId);
        }
        for (EventOutbox.Pending p : outbox.takeAll()) {
            run(() -> publish(p));
        }
    }

    private void page(String after) {
        Range<String> range = after == null ? Range.unbounded()
                : Range.from(Range.Boundary.excluding(after), Range.Boundary.unbounded());
        redis.call(SharedStateListener.Op.STREAM, c -> c.xrange(streamKey, range, Limit.from(PAGE)))
                .whenComplete((entries, err) -> {
                    if (err != null) {
                        catchUpDue.set(true); // tried again on a tick once Redis answers
                        catchingUp.set(false);
                        return;
                    }
                    read(entries);
                    if (entries.size() == PAGE) {
                        page(lastId);
                    } else {
                        catchingUp.set(false);
                    }
                });
    }

    private void read(List<StreamMessage<String, byte[]>> entries) {
        for (StreamMessage<String, byte[]> m : entries) {
            DirectoryEvent e = m.getBody() == null ? null : EventCodec.decode(m.getBody().get("e"));
            if (e == null) {
                counts.dropped(Counts.Drop.MALFORMED);
            } else {
                receive(e, Counts.Source.CAUGHT_UP);
            }
            lastId = m.getId();
        }
    }

    private void run(Runnable r) {
        try {
            applyOn.execute(r);
        } catch (RejectedExecutionException stopping) {
            // the instance is stopping
        }
    }

    /** base64url(SHA-256(value)): a client's value never goes into a key raw. */
    static String hash(String value) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
