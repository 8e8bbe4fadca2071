package dev.portcullis.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The read side of a client connection: what each state of the exchange takes from the client,
 * and when more is demanded (auto-read is off). Messages that arrive in the same read (at most
 * one read buffer) wait in {@code pending} until the state can take them. One per client
 * connection; every method runs on its event loop.
 */
final class ClientReads {
    enum State { IDLE, DECIDING, FORWARDING, DISCARDING, CLOSING, OWN }

    private final FrontendHandler owner;
    private final ChannelHandlerContext ctx;
    private final RequestBody body;
    private final ArrayDeque<Object> pending = new ArrayDeque<>(4);
    /** The proxy's own endpoints ({@code /.portcullis/}), which take a body in state {@code OWN}. */
    OwnEndpoint own;
    /** The exchange's state; the {@link FrontendHandler} moves it as the exchange goes on and ends. */
    State state = State.IDLE;
    /**
     * True from a read's first message to its {@code channelReadComplete}: what the upstream is sent
     * meanwhile is flushed once, then, in one write (head and body parts together).
     */
    boolean batch;

    ClientReads(FrontendHandler owner, ChannelHandlerContext ctx, RequestBody body) {
        this.owner = owner;
        this.ctx = ctx;
        this.body = body;
    }

    void add(Object msg) {
        batch = true;
        pending.add(msg);
    }

    /** Handles queued messages for as long as the current state can take them. */
    void drain() {
        Object msg;
        while ((msg = pending.peek()) != null) {
            switch (state) {
                case IDLE:
                    pending.poll();
                    if (msg instanceof HttpRequest r) {
                        owner.begin(r);
                    } else {
                        ReferenceCountUtil.release(msg);
                    }
                    break;
                case FORWARDING:
                    if (!body.accepting()) {
                        return;
                    }
                    pending.poll();
                    body.forward((HttpContent) msg);
                    break;
                case DISCARDING:
                    pending.poll();
                    if (((HttpObject) msg).decoderResult().isFailure()) {
                        state = State.CLOSING;
                        ctx.close();
                    } else if (msg instanceof LastHttpContent) {
                        owner.idle();
                    }
                    ReferenceCountUtil.release(msg);
                    break;
                case CLOSING:
                    pending.poll();
                    ReferenceCountUtil.release(msg);
                    break;
                case OWN:
                    pending.poll();
                    if (msg instanceof HttpContent c) {
                        own.content(c);
                    } else {
                        ReferenceCountUtil.release(msg);
                    }
                    break;
                default:
                    return;
            }
        }
    }

    /** Reads more from the client when the state can take it and nothing is queued. */
    void demand() {
        if (!pending.isEmpty() || !ctx.channel().isActive()) {
            return;
        }
        if (state == State.IDLE || state == State.DISCARDING || state == State.OWN) {
            ctx.read();
        } else if (state == State.FORWARDING) {
            body.demand();
        }
    }

    /** Whether the connection waits for a request head and has none queued. */
    boolean waiting() {
        return state == State.IDLE && pending.isEmpty();
    }

    /** The connection is gone: what is still queued is released. */
    void releasePending() {
        if (own != null) {
            own.release();
        }
        Object msg;
        while ((msg = pending.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** A request head: the reserved {@code /.portcullis/} prefix goes to the proxy's own endpoints before any route. */
    void dispatch(HttpRequest r, Admission admission) {
        if (!own.take(r, this)) {
            admission.decide(r);
        }
    }
}
