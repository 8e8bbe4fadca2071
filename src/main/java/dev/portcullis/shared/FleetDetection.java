package dev.portcullis.shared;

import dev.portcullis.config.DetectionConfig;
import dev.portcullis.detect.Detection;
import dev.portcullis.detect.FleetDenials;
import dev.portcullis.detect.IntrusionEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Intrusion detection counted fleet-wide, on Redis: every counted denial also goes, asynchronously,
 * to the {@link DenialScript} under {@code prefix + "d:" + kind + ":" + sha256(key)}; the instance
 * whose call places the block ({@code prefix + "b:" + kind + ":" + sha256(key)}, {@code SET NX PX})
 * raises the one event of the fleet, with the fleet's count, and publishes the block on the bus topic
 * {@value #TOPIC}, so every instance holds it at once. Blocks are also kept in the hash
 * {@code prefix + "blocks"}, which {@link #resync} reads (at start and after every reconnect).
 *
 * <p>Never waits on the caller's thread: at most {@code max_pending} calls are in flight, and a
 * denial beyond them is counted locally only (and in {@code portcullis_fleet_denials_dropped_total}).
 * When a call fails (Redis down or slow) detection is this instance's alone, exactly as without a
 * fleet: its own event is written, its own block holds, and the block is published on the next resync.
 */
public final class FleetDetection implements FleetDenials {
    /** The bus topic of blocks. */
    public static final String TOPIC = "detect";
    private static final int SLOTS = 10;

    private final RedisConnection redis;
    private final FleetBus bus;
    private final Supplier<Detection> detection;
    private final LongSupplier clock;
    private final DenialScript script;
    /** Calls to Redis in flight at most: a flood of denials must not queue unbounded work. */
    private final int maxPending;
    /** This instance's blocks not yet published, at most (kept for the next resync). */
    private final int maxUnpublished;
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<String, FleetBlock> unpublished = new ConcurrentHashMap<>();

    private FleetDetection(RedisConnection redis, FleetBus bus, Supplier<Detection> detection, LongSupplier clock,
            int maxPending, int maxUnpublished) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.detection = Objects.requireNonNull(detection, "detection");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.script = new DenialScript(redis);
        this.maxPending = maxPending;
        this.maxUnpublished = maxUnpublished;
    }

    /**
     * Subscribes to the bus (call before it starts) and catches up at each resync.
     *
     * @param detection      the running detection (read at each use: a reload may replace it)
     * @param maxPending     calls to Redis in flight at most ({@code shared_state.redis.max_pending})
     * @param maxUnpublished this instance's blocks waiting to be published, at most
     */
    public static FleetDetection start(RedisConnection redis, FleetBus bus, Supplier<Detection> detection,
            LongSupplier clock, int maxPending, int maxUnpublished) {
        FleetDetection f = new FleetDetection(redis, bus, detection, clock, maxPending, maxUnpublished);
        bus.subscribe(TOPIC, m -> {
            if (!m.fromSelf()) {
                f.install(FleetBlock.parse(m.body()));
            }
        });
        bus.onResync(f::resync);
        return f;
    }

    @Override
    public void counted(String kind, String key, IntrusionEvent tripped, long nowMillis) {
        Detection d = detection.get();
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            d.fleetDropped();
            fallBack(d, tripped, block(d.config(), kind, key, nowMillis));
            return;
        }
        DetectionConfig c = d.config();
        FleetBlock b = block(c, kind, key, nowMillis);
        long windowMillis = c.window().toMillis();
        int threshold = FleetDenials.SUBJECT.equals(kind) ? c.subjectThreshold() : c.clientThreshold();
        script.run(keys(kind, key), args(nowMillis / Math.max(1, windowMillis / SLOTS), windowMillis, threshold,
                tripped != null, b, b.until() - nowMillis, true)).whenComplete((r, e) -> {
                    pending.decrementAndGet();
                    if (e != null) {
                        fallBack(detection.get(), tripped, b);
                    } else if (r.placed()) {
                        placed(r.total(), tripped, b, nowMillis);
                    }
                    // Not placed: below the threshold, or the fleet holds the source already (its
                    // event was written by the instance that placed it; this one's own is dropped).
                });
    }

    /** This call placed the fleet's block: hold it here, write the one event, tell the fleet. */
    private void placed(long total, IntrusionEvent tripped, FleetBlock b, long nowMillis) {
        Detection d = detection.get();
        d.hold(b.kind(), b.key(), b.until(), clock.getAsLong());
        if (tripped == null || tripped.kind() != IntrusionEvent.Kind.INSTANT) {
            int count = (int) Math.min(Integer.MAX_VALUE, Math.max(total, tripped == null ? 0 : tripped.count()));
            d.raise(d.fleetEvent(b.kind(), b.key(), count, b.until(), nowMillis));
        }
        publish(b);
    }

    /** The fleet cannot count now: this instance's own decision stands, and its block is published later. */
    private void fallBack(Detection d, IntrusionEvent tripped, FleetBlock b) {
        if (tripped == null) {
            return;
        }
        if (tripped.kind() != IntrusionEvent.Kind.INSTANT) {
            d.raise(tripped);
        }
        if (unpublished.size() < maxUnpublished) {
            unpublished.put(b.field(), b);
        }
    }

    private void publish(FleetBlock b) {
        bus.publish(TOPIC, b.toBytes());
    }

    /** A block from another instance or from Redis: held here until it ends. */
    void install(FleetBlock b) {
        if (b != null) {
            detection.get().hold(b.kind(), b.key(), b.until(), clock.getAsLong());
        }
    }

    /**
     * After the bus (re)connected: loads the script, places and publishes this instance's blocks that
     * the fleet could not hear of, then installs the fleet's live blocks and forgets its ended ones.
     */
    void resync() {
        script.load();
        long now = clock.getAsLong();
        for (FleetBlock b : List.copyOf(unpublished.values())) {
            unpublished.remove(b.field(), b);
            if (b.until() > now) {
                script.run(keys(b.kind(), b.key()), args(0, 1, 0, true, b, b.until() - now, false))
                        .whenComplete((r, e) -> {
                            if (e != null) {
                                unpublished.putIfAbsent(b.field(), b);
                            } else if (r.placed()) {
                                publish(b);
                            }
                        });
            }
        }
        String blocks = redis.keyPrefix() + "blocks";
        redis.call(SharedStateListener.Op.GET, c -> c.hgetall(blocks)).thenAccept(all -> {
            List<String> ended = new ArrayList<>();
            long t = clock.getAsLong();
            for (Map.Entry<String, byte[]> e : all.entrySet()) {
                FleetBlock b = FleetBlock.parse(e.getValue());
                if (b == null || b.until() <= t) {
                    ended.add(e.getKey());
                } else {
                    install(b);
                }
            }
            if (!ended.isEmpty()) {
                redis.call(SharedStateListener.Op.DELETE, c -> c.hdel(blocks, ended.toArray(String[]::new)));
            }
        });
    }

    private static FleetBlock block(DetectionConfig c, String kind, String key, long nowMillis) {
        boolean block = c.block().enabled();
        long holdMillis = block ? c.block().cooldown().toMillis() : c.window().toMillis();
        return new FleetBlock(kind, key, nowMillis + holdMillis, block ? c.block().status() : 0);
    }

    private String[] keys(String kind, String key) {
        String hash = FleetBlock.hash(key);
        String p = redis.keyPrefix();
        return new String[] {p + "d:" + kind + ":" + hash, p + "b:" + kind + ":" + hash, p + "blocks"};
    }

    private static byte[][] args(long slot, long windowMillis, int threshold, boolean force, FleetBlock b,
            long holdMillis, boolean count) {
        return new byte[][] {bytes(slot), bytes(SLOTS), bytes(Math.max(1, windowMillis)), bytes(threshold),
                bytes(force ? 1 : 0), bytes(Math.max(1, holdMillis)), b.field().getBytes(StandardCharsets.UTF_8), b.toBytes(),
                bytes(count ? 1 : 0)};
    }

    private static byte[] bytes(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}
