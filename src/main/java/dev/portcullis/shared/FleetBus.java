package dev.portcullis.shared;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the instances of a fleet tell each other of a change at once: Redis pub/sub on channels
 * {@code keyPrefix + "bus:" + topic}, over a connection of its own. Pub/sub delivers only to those
 * listening, so every user of the bus also keeps a durable record (keys with a TTL, a stream) and
 * reads it again in {@link #onResync}: after the bus (re)connects, i.e. after a restart or a
 * partition, when messages may have been missed.
 *
 * <p>Handlers run on a Lettuce thread, never on an event loop of the proxy; they must not block.
 * A handler's exception is logged and dropped. A message larger than {@link #MAX_MESSAGE} bytes, or
 * without a sender, is dropped unread. Publishing never blocks and never throws: a failure counts
 * in health and metrics ({@link SharedStateListener.Op#PUBLISH}).
 */
public final class FleetBus implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FleetBus.class);
    /** The largest message sent or read, sender included. */
    public static final int MAX_MESSAGE = 64 * 1024;
    private static final byte SEPARATOR = '\n';

    private final RedisConnection redis;
    private final ScheduledExecutorService scheduler;
    private final String instanceId = newInstanceId();
    private final byte[] senderBytes = (instanceId + (char) SEPARATOR).getBytes(StandardCharsets.US_ASCII);
    private final Map<String, Consumer<FleetMessage>> handlers = new ConcurrentHashMap<>();
    private final List<Runnable> resyncs = new CopyOnWriteArrayList<>();
    private final AtomicBoolean resyncPending = new AtomicBoolean();
    private volatile StatefulRedisPubSubConnection<String, byte[]> connection;
    private volatile CompletableFuture<?> connecting;
    private volatile boolean started;
    private volatile boolean closed;

    public FleetBus(RedisConnection redis, ScheduledExecutorService scheduler) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    private static String newInstanceId() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** This instance's id on the bus (random per process). */
    public String instanceId() {
        return instanceId;
    }

    /** The channel of a topic. */
    String channel(String topic) {
        return redis.keyPrefix() + "bus:" + topic;
    }

    /** Listens to a topic: call before {@link #start}. One handler per topic. */
    public void subscribe(String topic, Consumer<FleetMessage> handler) {
        if (started) {
            throw new IllegalStateException("subscribe before start");
        }
        if (handlers.putIfAbsent(topic, Objects.requireNonNull(handler, "handler")) != null) {
            throw new IllegalStateException("topic " + topic + " has a handler already");
        }
    }

    /**
     * Runs after the bus has (re)subscribed: at the first connection and after every reconnect.
     * On the scheduler; several reconnects in a row run it once.
     */
    public void onResync(Runnable resync) {
        resyncs.add(Objects.requireNonNull(resync, "resync"));
    }

    /** Connects (in the background) and keeps trying every second until the first connection is made. */
    public void start() {
        started = true;
        connect();
        scheduler.scheduleWithFixedDelay(() -> {
            if (connection == null) {
                connect();
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** Whether the bus has its connection now (for tests and diagnostics). */
    public boolean connected() {
        StatefulRedisPubSubConnection<String, byte[]> c = connection;
        return c != null && c.isOpen();
    }

    /** Publishes to a topic; completes with how many instances received it, or fails (never throws). */
    public CompletableFuture<Long> publish(String topic, byte[] body) {
        if (body.length + senderBytes.length > MAX_MESSAGE) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "message of " + body.length + " bytes is over " + MAX_MESSAGE));
        }
        byte[] framed = new byte[senderBytes.length + body.length];
        System.arraycopy(senderBytes, 0, framed, 0, senderBytes.length);
        System.arraycopy(body, 0, framed, senderBytes.length, body.length);
        String channel = channel(topic);
        return redis.call(SharedStateListener.Op.PUBLISH, c -> c.publish(channel, framed));
    }

    private void connect() {
        if (closed || connecting != null || handlers.isEmpty() && resyncs.isEmpty()) {
            return;
        }
        CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> f = redis.connectPubSub();
        connecting = f;
        f.whenComplete((c, e) -> {
            connecting = null;
            if (e != null) {
                redis.health().failed(SharedStateListener.Op.SUBSCRIBE, e);
                return;
            }
            if (closed) {
                c.closeAsync();
                return;
            }
            c.addListener(new Listener());
            String[] channels = handlers.keySet().stream().map(this::channel).toArray(String[]::new);
            if (channels.length == 0) {
                connection = c;
                resync();
                return;
            }
            c.async().subscribe(channels).toCompletableFuture()
                    .orTimeout(redis.timeout().toMillis() * 5, TimeUnit.MILLISECONDS)
                    .whenComplete((v, err) -> {
                        if (err != null) {
                            redis.health().failed(SharedStateListener.Op.SUBSCRIBE, err);
                            c.closeAsync(); // the scheduler tries again
                        } else {
                            connection = c;
                        }
                    });
        });
    }

    /** Once per burst of (re)subscriptions, on the scheduler. */
    private void resync() {
        if (closed || resyncs.isEmpty() || !resyncPending.compareAndSet(false, true)) {
            return;
        }
        scheduler.schedule(() -> {
            resyncPending.set(false);
            for (Runnable r : resyncs) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.warn("fleet resync failed: {}", e.toString());
                }
            }
        }, 50, TimeUnit.MILLISECONDS);
    }

    /** Splits a framed message; null when it has no sender or is too large. */
    FleetMessage read(String channel, byte[] framed) {
        if (framed == null || framed.length > MAX_MESSAGE) {
            return null;
        }
        String topic = channel.substring(Math.min(channel.length(), redis.keyPrefix().length() + "bus:".length()));
        for (int i = 0; i < framed.length && i <= 64; i++) {
            if (framed[i] == SEPARATOR) {
                String sender = new String(framed, 0, i, StandardCharsets.US_ASCII);
                byte[] body = java.util.Arrays.copyOfRange(framed, i + 1, framed.length);
                return i == 0 ? null : new FleetMessage(topic, sender, body, sender.equals(instanceId));
            }
        }
        return null;
    }

    private final class Listener extends RedisPubSubAdapter<String, byte[]> {
        @Override
        public void message(String channel, byte[] message) {
            FleetMessage m = read(channel, message);
            Consumer<FleetMessage> h = m == null ? null : handlers.get(m.topic());
            if (h == null) {
                return;
            }
            try {
                h.accept(m);
            } catch (RuntimeException e) {
                log.warn("fleet message on {} dropped: {}", m.topic(), e.toString());
            }
        }

        @Override
        public void subscribed(String channel, long count) {
            // At the first subscription and again after every reconnect (Lettuce subscribes again):
            // what was published meanwhile was missed, so the users of the bus catch up.
            resync();
        }
    }

    @Override
    public void close() {
        closed = true;
        StatefulRedisPubSubConnection<String, byte[]> c = connection;
        if (c != null) {
            c.closeAsync();
        }
    }
}
