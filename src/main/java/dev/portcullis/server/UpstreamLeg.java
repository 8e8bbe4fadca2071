package dev.portcullis.server;

import dev.portcullis.vocab.Reason;
import dev.portcullis.forward.ResponseHeaders;
import dev.portcullis.forward.Upstream;
import dev.portcullis.forward.UpstreamEvents.Failure;
import dev.portcullis.forward.UpstreamListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The upstream half of an allowed exchange: gets a connection through its {@link UpstreamAttempt}
 * (which upstream, the one retry), sends the request head (its body follows through {@link RequestBody}), relays the response back at the pace the client takes it,
 * and times the upstream ({@code response_timeout}, a {@link ResponseDeadline}). Whatever ends the
 * exchange goes through {@link FrontendHandler#end}, which hands the connection back through
 * {@link #end}. One per client connection; every method runs on its event loop.
 */
final class UpstreamLeg implements UpstreamListener {
    private final FrontendHandler owner;
    private final ChannelHandlerContext ctx;
    private final UpstreamConnections connections;
    private final UpstreamAttempt attempt;
    private final Gate gate;
    private final Exchange x;
    private final ClientAddress client;
    private final String scheme;
    private final ResponseDeadline clock;

    private boolean active;
    private long timeoutMillis; // response_timeout, or a shorter grpc-timeout
    private Channel channel;
    private boolean reusable;
    private boolean responseStarted;
    private int status;

    UpstreamLeg(FrontendHandler owner, ChannelHandlerContext ctx, UpstreamConnections connections, Gate gate,
            Exchange x, ClientAddress client, String scheme) {
        this.owner = owner;
        this.ctx = ctx;
        this.connections = connections;
        this.gate = gate;
        this.x = x;
        this.client = client;
        this.scheme = scheme;
        this.clock = new ResponseDeadline(ctx.executor(), this::timedOut);
        this.attempt = new UpstreamAttempt(this, connections, gate, x);
    }

    /** The request head was allowed: rewrites it for the upstream and gets a connection to send it on. */
    void start() {
        active = true;
        Upstream u = attempt.begin();
        timeoutMillis = dev.portcullis.forward.GrpcHeaders.responseTimeoutMillis(x.request.headers(),
                x.route.responseTimeoutMillis());
        boolean expectContinue = HttpUtil.is100ContinueExpected(x.request);
        UpstreamRequestHead.rewrite(x, u, client, scheme);
        if (expectContinue) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        gate.metrics().overhead(System.nanoTime() - x.startNanos);
        x.overheadRecorded = true;
        attempt.open();
    }

    boolean active() { // from start() to end()
        return active;
    }

    /** A new connection is up (its connect listener calls this). */
    void attachConnected(Channel upstream) {
        try {
            attach(upstream);
        } catch (RuntimeException e) {
            owner.fault(e); // a listener's exception would only be logged, and the exchange left hanging
        }
    }

    /** The attempt failed before a response: the exchange goes to another upstream, with a new clock. */
    void retrying() {
        channel = null;
        reusable = false;
        clock.pause();
    }

    void attach(Channel upstream) {
        channel = upstream;
        attempt.sending(x.request);
        upstream.write(x.request);
        x.request = null;
        owner.drain();
        if (!owner.reading()) {
            upstream.flush(); // else the read's end flushes head and body parts in one write
        }
        clock.requestSent();
        if (x.requestComplete && active) {
            startClock();
        }
        owner.demandRead();
    }

    /** The connection the request goes on, or null while there is none (yet). */
    Channel channel() {
        return channel;
    }

    void flush() {
        if (channel != null) {
            channel.flush();
        }
    }

    boolean responseStarted() {
        return responseStarted;
    }

    /** The status of the response head relayed to the client (0 before one was). */
    int status() {
        return status;
    }

    /** Starts the upstream's clock: {@code response_timeout} from now. */
    void startClock() {
        clock.start(timeoutMillis);
    }

    private void timedOut() {
        if (!active) {
            return;
        }
        x.route.metrics().upstreamError(Reason.UPSTREAM_TIMEOUT);
        attempt.failed(Failure.TIMEOUT);
        Reason r = Reason.UPSTREAM_TIMEOUT;
        // The upstream stopped in the middle of its body: only closing tells the client.
        owner.end(responseStarted ? Outcome.cut(r, status) : Outcome.refused(r, !x.requestComplete));
    }

    void fail(Reason reason) {
        x.route.metrics().upstreamError(reason);
        channel = null;
        owner.end(Outcome.refused(reason, false)); // end() closes anyway when a body may still be on its way
    }

    @Override
    public void onUpstreamMessage(HttpObject msg) {
        try {
            relay(msg);
        } catch (RuntimeException e) {
            owner.fault(e); // not the upstream's doing: not an upstream_error
        }
    }

    private void relay(HttpObject msg) {
        if (!active) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            discard();
            attempt.failed(Failure.RESET);
            if (responseStarted) {
                owner.end(Outcome.clientClosed());
            } else {
                fail(Reason.UPSTREAM_ERROR);
            }
            return;
        }
        if (msg instanceof HttpResponse res && !responseHead(res)) {
            return;
        }
        if (msg instanceof LastHttpContent) {
            ctx.writeAndFlush(msg);
            owner.end(Outcome.finished(x.decision, status));
            return;
        }
        ctx.write(msg);
        if (!ctx.channel().isWritable() && channel != null) {
            channel.config().setAutoRead(false);
        }
        clock.runWhile(ctx.channel().isWritable(), timeoutMillis);
    }

    /** Rewrites the response head for the client; false when it is not to be relayed. */
    private boolean responseHead(HttpResponse res) {
        int code = res.status().code();
        if (code == 101 && x.websocket && dev.portcullis.forward.WebSocketHandshake.isSwitch(res)) {
            Channel up = channel;
            channel = null; // the tunnel owns it now
            owner.upgraded(up, res);
            return false;
        }
        if (code >= 100 && code < 200) {
            // Informational answers are the proxy's business (it sent its own 100 Continue);
            // a 101 would switch protocols we never offered upstream: drop the connection.
            ReferenceCountUtil.release(res);
            if (code == 101) {
                discard();
                attempt.failed(Failure.RESET);
                fail(Reason.UPSTREAM_ERROR);
            }
            return false;
        }
        x.route.metrics().upstreamResponded(clock.headReceived());
        attempt.responded(code);
        responseStarted = true;
        status = code;
        reusable = HttpUtil.isKeepAlive(res);
        boolean bodyless = x.method.equals("HEAD") || code == 204 || code == 304;
        x.clientKeepAlive = ResponseHeaders.rewrite(res, x.clientKeepAlive, x.clientVersion, bodyless);
        x.stampRelayed(res.headers());
        if (!HttpUtil.isContentLengthSet(res) && !HttpUtil.isTransferEncodingChunked(res) && !bodyless) {
            reusable = false;
        }
        return true;
    }

    @Override
    public void onUpstreamReadComplete() {
        ctx.flush();
    }

    @Override
    public void onUpstreamWritable() {
        if (active && !x.requestComplete && !responseStarted) {
            clock.pause(); // the upstream takes the body again
        }
        owner.demandRead();
    }

    @Override
    public void onUpstreamClosed() {
        if (!active) {
            return;
        }
        channel = null;
        reusable = false;
        if (!responseStarted) {
            if (!attempt.closedBeforeResponse()) {
                fail(Reason.UPSTREAM_ERROR);
            }
        } else {
            owner.end(Outcome.clientClosed()); // the response was cut short: only closing tells the client
        }
    }

    /** The client's connection became (un)writable: the upstream is read only while the client takes bytes. */
    void clientWritabilityChanged(boolean writable) {
        if (channel != null) {
            channel.config().setAutoRead(writable);
            if (active && responseStarted) {
                clock.runWhile(writable, timeoutMillis);
            }
        }
    }

    /** Ends the leg: the connection is pooled after a whole, reusable exchange, else closed. */
    void end(boolean relayedWhole) {
        Channel up = channel;
        channel = null;
        if (up != null) {
            if (relayedWhole && reusable && x.requestComplete) {
                connections.release(attempt.upstream(), up, x.snapshot.config().upstreamDefaults().maxIdlePerLoop(),
                        x.snapshot.config().upstreamDefaults().idleTimeout().toMillis());
            } else {
                connections.discard(up);
            }
        }
        attempt.end();
        active = false;
        reusable = false;
        responseStarted = false;
        status = 0;
        clock.pause();
    }

    /** The client connection closed: the timer will not be needed again. */
    void connectionClosed() {
        clock.cancel();
    }

    /** Detaches and closes the current connection: it will never carry another request. */
    private void discard() {
        reusable = false;
        Channel up = channel;
        channel = null;
        if (up != null) {
            connections.discard(up);
        }
    }
}
