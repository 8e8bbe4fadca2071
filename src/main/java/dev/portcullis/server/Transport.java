package dev.portcullis.server;

import dev.portcullis.config.TransportChoice;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty transport every event loop and channel of the process uses, chosen once at start from
 * {@code server.transport}: io_uring, epoll or NIO. Every bootstrap (listeners, admin, upstream pools,
 * HTTP/2 upstream connections, health checks) takes its loops and channel classes from here.
 */
public final class Transport {
    /** The system property that turns Netty's Flight Recorder events on or off (read once, by Netty). */
    static final String NETTY_JFR = "io.netty.jfr.enabled";

    static {
        // Netty 4.2's buffer allocators emit Flight Recorder events (allocation and release of each
        // chunk and buffer), disabled in JFR's settings unless a recording names them. Their classes'
        // first use, on the first request's event loop, initialises JFR's metadata and generates an
        // event handler class per event (≈50 ms of CPU there, and classes no archive can hold). Off
        // unless the operator sets -Dio.netty.jfr.enabled=true; set before Netty reads it, as this
        // class is the first to start Netty.
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
    }

    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    /** A transport the process can run on. */
    public enum Kind {
        IO_URING("io_uring"), EPOLL("epoll"), NIO("nio");

        private final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    /**
     * What start takes for a request.
     *
     * @param kind     the transport used
     * @param fallback why it is not the one asked for, or null when it is (or {@code auto} was asked)
     */
    public record Choice(Kind kind, String fallback) {
    }

    private final Kind kind;

    private Transport(Kind kind) {
        this.kind = kind;
    }

    /** The best transport this machine has ({@code auto}), without a log line: for tests and tools. */
    public static Transport best() {
        return new Transport(choose(TransportChoice.AUTO, IoUring.isAvailable(), Epoll.isAvailable(), nioForced()).kind());
    }

    /**
     * The transport for {@code requested} on this machine. An explicit choice the machine lacks falls
     * back (io_uring → epoll → NIO) with a warning that names Netty's reason.
     */
    public static Transport start(TransportChoice requested) {
        Choice c = choose(requested, IoUring.isAvailable(), Epoll.isAvailable(), nioForced());
        if (c.fallback() != null) {
            log.warn("server.transport {}: {}; using {} (io_uring: {}; epoll: {})", requested.word(), c.fallback(),
                    c.kind().word, cause(IoUring.unavailabilityCause()), cause(Epoll.unavailabilityCause()));
        }
        return new Transport(c.kind());
    }

    /**
     * The choice itself, with what the machine has passed in. {@code -Dportcullis.nio} forces NIO;
     * {@code auto} takes the best there is; an explicit transport is taken when available, else the
     * next one down the order io_uring, epoll, NIO, with the reason.
     */
    static Choice choose(TransportChoice requested, boolean ioUringAvailable, boolean epollAvailable,
            boolean nioForced) {
        if (nioForced) {
            boolean asked = requested == TransportChoice.AUTO || requested == TransportChoice.NIO;
            return new Choice(Kind.NIO, asked ? null : "the system property portcullis.nio forces nio");
        }
        return switch (requested) {
            // io_uring first: it halves the CPU of an allowed request against epoll (docs/perf)
            case AUTO -> new Choice(ioUringAvailable ? Kind.IO_URING : epollAvailable ? Kind.EPOLL : Kind.NIO, null);
            case IO_URING -> ioUringAvailable ? new Choice(Kind.IO_URING, null)
                    : epollAvailable ? new Choice(Kind.EPOLL, "io_uring is not available on this machine")
                    : new Choice(Kind.NIO, "neither io_uring nor epoll is available on this machine");
            case EPOLL -> epollAvailable ? new Choice(Kind.EPOLL, null)
                    : new Choice(Kind.NIO, "epoll is not available on this machine");
            case NIO -> new Choice(Kind.NIO, null);
        };
    }

    private static boolean nioForced() {
        return Boolean.getBoolean("portcullis.nio");
    }

    private static String cause(Throwable t) {
        return t == null ? "available" : String.valueOf(t.getMessage() != null ? t.getMessage() : t);
    }

    /** {@code io_uring}, {@code epoll} or {@code nio}: what the start-up line and logs show. */
    public String name() {
        return kind.word;
    }

    public EventLoopGroup group(int threads, String name) {
        IoHandlerFactory handlers = switch (kind) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), handlers);
    }

    public Class<? extends ServerChannel> serverChannel() {
        return switch (kind) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    public Class<? extends SocketChannel> clientChannel() {
        return switch (kind) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }
}
