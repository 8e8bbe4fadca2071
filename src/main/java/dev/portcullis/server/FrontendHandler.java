package dev.portcullis.server;

import dev.portcullis.server.ClientReads.State;
import dev.portcullis.vocab.Reason;
import dev.portcullis.detect.ClientKeys;
import dev.portcullis.observe.Metrics.ClientTimeout;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.function.Function;

/**
 * One client connection, one request at a time:
 * {@code receive → normalize → route → authenticate → authorize → forward | reject → audit}.
 *
 * <p>Reads are demanded explicitly (auto-read is off), so a client is read only as fast as its
 * request can go somewhere: while a decision is pending, the upstream is connecting or cannot take
 * more, nothing more is read. Messages that arrive in the same read (at most one read buffer) wait
 * in {@link ClientReads}; bodies are never buffered whole.
 * An allowed request goes on through the {@link UpstreamLeg}; every exchange ends in {@link #end}.
 * Every method runs on the connection's event loop.
 */
public final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private final Gate gate;
    private final HeadTimer headTimer;
    private final ClientStalls stalls;
    private final Function<EventLoop, UpstreamConnections> upstreams;
    private ChannelHandlerContext ctx;
    private final String scheme;
    private UpstreamLeg leg;
    private RequestBody body;
    private Admission admission;
    private ExchangeAudit audits;
    private ClientReads reads;
    private boolean stream; // an HTTP/2 stream: one exchange, then the stream ends

    private final Exchange x = new Exchange();

    FrontendHandler(Gate gate, HeadTimer headTimer, ClientStalls stalls, boolean tls) {
        this(gate, headTimer, stalls, tls, loop -> UpstreamConnections.pooled(gate.pool(loop)));
    }

    /** @param upstreams the upstream connections of an event loop (its pool, in the proxy) */
    FrontendHandler(Gate gate, HeadTimer headTimer, ClientStalls stalls, boolean tls,
            Function<EventLoop, UpstreamConnections> upstreams) {
        this.gate = gate;
        this.headTimer = headTimer;
        this.stalls = stalls;
        this.scheme = tls ? "https" : "http";
        this.upstreams = upstreams;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            channelActive(ctx); // installed once the protocol was known (HTTP/2 offered), or an HTTP/2 stream
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (this.ctx != null) {
            return;
        }
        this.ctx = ctx;
        stream = ctx.channel() instanceof io.netty.handler.codec.http2.Http2StreamChannel;
        ClientAddress client = ClientAddress.of(((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
        String clientKey = ClientKeys.of(client.address()); // an IPv6 client: its /64
        this.leg = new UpstreamLeg(this, ctx, upstreams.apply(ctx.channel().eventLoop()), gate, x, client, scheme);
        this.body = new RequestBody(this, leg, ctx, gate, stalls, x);
        this.audits = new ExchangeAudit(gate, clientKey, client);
        this.reads = new ClientReads(this, ctx, body);
        new OwnEndpoint(this, ctx, gate, x, reads, clientKey); // becomes reads.own
        this.admission = new Admission(this, ctx, gate, x, client.address(), clientKey, scheme);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reads.add(msg);
        try {
            drain();
        } catch (RuntimeException e) {
            fault(e);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reads.batch = false;
        leg.flush(); // one write for what this read sent upstream
        demandRead();
    }

    /** Handles queued messages for as long as the current state can take them. */
    void drain() {
        reads.drain();
    }

    /** True inside a client read: a write to the upstream then waits for the flush at its end. */
    boolean reading() { return reads.batch; }

    /** Reads more from the client when the state can take it and nothing is queued. */
    void demandRead() {
        reads.demand();
    }

    /** A request head came: a new exchange starts, and the {@link Admission} decides it. */
    void begin(HttpRequest r) {
        headTimer.headReceived();
        x.reset(r, gate.nextRequestId(), gate.snapshot());
        x.clientKey = audits.clientKeyOf(r, x.snapshot);
        x.clientKeepAlive &= !stream && !gate.drain().draining(); // stopping: the response says Connection: close
        reads.state = State.DECIDING;
        reads.dispatch(r, admission);
    }

    /** True while the exchange's verdict is pending (a key wait may resume it). */
    boolean deciding() {
        return reads.state == State.DECIDING;
    }

    /** The {@link Admission} let the request through, holding its route's slot: body and upstream leg start. */
    void forward() {
        reads.state = State.FORWARDING;
        body.start();
        leg.start();
    }

    /**
     * Ends the exchange, whichever way: releases what it took (the key wait, the route's slot, the
     * body clock, the upstream connection: pooled or closed), records it once, then answers,
     * closes, or gets ready for the next request. Outside an open exchange nothing is recorded
     * but an answer of the proxy's own (the header timeout's).
     */
    void end(Outcome o) {
        boolean open = x.snapshot != null && !x.audited;
        leg.end(o.relayed());
        x.cancelTimer();
        if (x.holdsSlot) {
            x.holdsSlot = false;
            x.route.release();
        }
        stalls.bodyEnds();
        if (open) {
            audits.record(x, o.reason(), o.status(), GrpcAnswers.code(x, o));
        } else if (o.answer() && x.snapshot == null) {
            audits.recordWithoutRequest(o.reason()); // no request head came
        }
        if (o.answer()) {
            OwnAnswer.write(this, ctx, reads, x, gate, scheme, o);
        } else if (o.close()) {
            reads.state = State.CLOSING;
            if (ctx.channel().isOpen()) {
                ctx.close();
            }
        } else {
            keepAliveOrClose();
        }
    }

    /** The upstream answered the upgrade with 101: the exchange is recorded, and the connection becomes a {@link Tunnel}. */
    void upgraded(io.netty.channel.Channel upstream, io.netty.handler.codec.http.HttpResponse res) {
        leg.end(false);
        x.cancelTimer();
        stalls.bodyEnds();
        reads.state = State.CLOSING; // nothing more is read as HTTP
        reads.releasePending();
        WebSocketUpgrade.switched(ctx, upstream, res, x, gate, audits::record);
    }

    /** {@code Upgrade: h2c} took the connection ({@link H2cUpgrade}): its streams have handlers of their own. */
    void upgradedToHttp2() {
        reads.releasePending();
    }

    /** After a relayed response: the next request, or the close either side asked for. */
    private void keepAliveOrClose() {
        if (!x.clientKeepAlive || !x.requestComplete) {
            reads.state = State.CLOSING;
            ctx.flush();
            ctx.close();
            return;
        }
        idle();
        drain();
        demandRead();
    }

    /** The exchange is over: the next request head is awaited, and timed. */
    void idle() {
        reads.state = State.IDLE;
        headTimer.awaitHead();
    }

    /**
     * Ends the exchange after an exception of the proxy's own, wherever it was thrown: 500
     * {@code internal_error} when nothing was answered yet, else a close. Never
     * {@code client_closed}: the client did nothing.
     */
    void fault(RuntimeException e) {
        Faults.report(x.requestId, e);
        boolean open = x.snapshot != null && !x.audited;
        Reason r = Reason.INTERNAL_ERROR;
        end(open && !leg.responseStarted() && reads.state != State.CLOSING ? Outcome.refused(r, true)
                : Outcome.cut(r, r.status()));
    }

    /**
     * The client stopped taking response bytes for {@code response_write_timeout}: nothing more
     * can reach it, so both connections close. The audit line keeps the status whose head already
     * went out; in any other state the connection is closed all the same.
     */
    private void writeStalled() {
        gate.metrics().clientTimeout(ClientTimeout.RESPONSE_WRITE);
        Reason r = Reason.RESPONSE_WRITE_TIMEOUT;
        end(Outcome.cut(r, leg.responseStarted() ? leg.status() : r.status()));
    }

    /** No request head came in time: 408, recorded without a request of its own, and the connection closes. */
    private void headerTimedOut() {
        gate.metrics().clientTimeout(ClientTimeout.HEADER);
        admission.abandon();
        x.snapshot = null;
        x.requestId = null;
        end(Outcome.refused(Reason.HEADER_TIMEOUT, true));
    }

    /**
     * The proxy is stopping ({@link Drain}): a waiting connection closes now ({@code fresh}: also one
     * that never had a request); an open exchange's response carries {@code Connection: close}.
     */
    void drainStarted(boolean fresh) {
        if (reads.waiting() && !headTimer.headInProgress() && (fresh || x.snapshot != null)) {
            reads.state = State.CLOSING;
            ctx.close();
        } else if (x.snapshot != null && !x.audited) {
            x.clientKeepAlive = false;
        }
    }

    /** {@code shutdown.timeout} ran out: an open exchange ends as {@code shutdown}; anything else closes. */
    void shutdownCut() {
        if (x.snapshot == null || x.audited) {
            reads.state = State.CLOSING;
            ctx.close();
            return;
        }
        admission.abandon();
        Reason r = Reason.SHUTDOWN;
        end(leg.responseStarted() ? Outcome.cut(r, leg.status()) : Outcome.refused(r, true));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && reads.state == State.IDLE) {
            ctx.close();
        } else if (evt == ClientStalls.BODY_STALLED) {
            if (reads.state == State.FORWARDING && !x.requestComplete) {
                body.stalled(null);
            }
        } else if (evt == ClientStalls.WRITE_STALLED) {
            writeStalled();
        } else if (evt == HeadTimer.TIMED_OUT && reads.state == State.IDLE) {
            headerTimedOut();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        leg.clientWritabilityChanged(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        admission.abandon();
        leg.connectionClosed();
        end(Outcome.clientClosed());
        reads.releasePending();
        if (x.request != null) {
            ReferenceCountUtil.release(x.request);
            x.request = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and broken pipes are the client's business; nothing is written back.
        ctx.close();
    }
}
