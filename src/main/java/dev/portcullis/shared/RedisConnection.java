package dev.portcullis.shared;

import dev.portcullis.config.SharedStateConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The connection to the fleet's Redis ({@code shared_state.redis}), through Lettuce's async API only:
 * no call ever blocks the caller's thread, and every call ends within {@code timeout} (a timeout
 * fails it). While the connection is down calls fail at once instead of queueing; Lettuce reconnects
 * by itself, and a PING every second (on the scheduler) finds out when the server answers again, or
 * makes the first connection when Redis was down at start. {@link #health()} says ok or degraded.
 */
public final class RedisConnection implements AutoCloseable {
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisClient client;
    private final ClientResources resources;
    private final RedisURI uri;
    private final Duration timeout;
    private final String keyPrefix;
    private final SharedHealth health;
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private volatile CompletableFuture<?> connecting;
    private volatile boolean closed;

    /** Connects (asynchronously) and starts the health check on {@code scheduler}. */
    public static RedisConnection start(SharedStateConfig.Redis config, ScheduledExecutorService scheduler,
            SharedStateListener listener) throws IOException {
        RedisConnection c = new RedisConnection(config, listener);
        c.connect(true);
        scheduler.scheduleWithFixedDelay(c::check, 1, 1, TimeUnit.SECONDS);
        return c;
    }

    private RedisConnection(SharedStateConfig.Redis config, SharedStateListener listener) throws IOException {
        Objects.requireNonNull(config, "config");
        this.timeout = config.timeout();
        this.keyPrefix = config.keyPrefix();
        this.uri = uri(config);
        this.health = new SharedHealth(uri.getHost() + ":" + uri.getPort(), listener);
        // Its own few threads: Redis traffic never runs on the proxy's event loops.
        this.resources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        this.client = RedisClient.create(resources);
        client.setOptions(options(config));
    }

    static RedisURI uri(SharedStateConfig.Redis config) throws IOException {
        RedisURI u = RedisURI.create(config.uri());
        RedisURI.Builder b = RedisURI.builder().withHost(u.getHost()).withPort(u.getPort()).withTimeout(config.timeout());
        if (u.isSsl()) {
            b.withSsl(true).withVerifyPeer(SslVerifyMode.FULL);
        }
        if (config.passwordFile() != null) {
            char[] password = Files.readString(Path.of(config.passwordFile()), StandardCharsets.UTF_8).strip().toCharArray();
            if (config.username() != null) {
                b.withAuthentication(config.username(), password);
            } else {
                b.withPassword(password);
            }
        }
        return b.build();
    }

    private static ClientOptions options(SharedStateConfig.Redis config) {
        ClientOptions.Builder o = ClientOptions.builder().autoReconnect(true)
                // A call while disconnected fails at once: the gate answers without Redis instead of waiting.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(config.timeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(config.timeout().multipliedBy(5)).build());
        if (config.caFile() != null) {
            o.sslOptions(SslOptions.builder().trustManager(new File(config.caFile())).build());
        }
        return o.build();
    }

    /**
     * A second connection for pub/sub ({@link FleetBus}), to the same server with the same
     * options: it reconnects by itself and subscribes again to its channels when it does.
     */
    CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> connectPubSub() {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("closed"));
        }
        return client.connectPubSubAsync(CODEC, uri).toCompletableFuture();
    }

    /** ok or degraded. */
    public SharedHealth health() {
        return health;
    }

    /** The bound on every call. */
    public Duration timeout() {
        return timeout;
    }

    /** The deployment's key prefix; every key starts with it. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /**
     * Runs one command. The future completes on a Lettuce thread (never an event loop of the proxy),
     * within the timeout; it fails when Redis is down, slow or refuses, and health and metrics hear of it.
     */
    public <T> CompletableFuture<T> call(SharedStateListener.Op op,
            Function<RedisAsyncCommands<String, byte[]>, RedisFuture<T>> command) {
        StatefulRedisConnection<String, byte[]> c = connection;
        if (c == null || closed) {
            IllegalStateException e = new IllegalStateException("not connected");
            health.failed(op, e);
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> f;
        try {
            f = command.apply(c.async()).toCompletableFuture();
        } catch (RuntimeException e) {
            health.failed(op, e);
            return CompletableFuture.failedFuture(e);
        }
        return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            if (e == null) {
                health.succeeded();
            } else {
                health.failed(op, e);
            }
        });
    }

    private void connect(boolean first) {
        if (closed || connecting != null) {
            return;
        }
        CompletableFuture<StatefulRedisConnection<String, byte[]>> f = client.connectAsync(CODEC, uri)
                .toCompletableFuture();
        connecting = f;
        f.whenComplete((c, e) -> {
            connecting = null;
            if (e != null) {
                if (first) {
                    health.unavailableAtStart(e);
                } else {
                    health.failed(SharedStateListener.Op.CONNECT, e);
                }
            } else if (closed) {
                c.closeAsync();
            } else {
                connection = c;
                health.succeeded();
            }
        });
    }

    /** Every second: connect if never connected, else PING, so health recovers without traffic. */
    private void check() {
        if (closed) {
            return;
        }
        if (connection == null) {
            connect(false);
        } else {
            call(SharedStateListener.Op.PING, RedisAsyncCommands::ping);
        }
    }

    @Override
    public void close() {
        closed = true;
        StatefulRedisConnection<String, byte[]> c = connection;
        if (c != null) {
            c.closeAsync();
        }
        client.shutdownAsync(0, 2, TimeUnit.SECONDS).whenComplete((v, e) -> resources.shutdown(0, 2, TimeUnit.SECONDS));
    }
}
