package dev.portcullis.server;

import dev.portcullis.authn.AuthResult;
import dev.portcullis.authn.BearerToken;
import dev.portcullis.authz.Reason;
import dev.portcullis.config.ServerConfig;
import dev.portcullis.detect.Blocked;
import dev.portcullis.detect.ClientKeys;
import dev.portcullis.forward.TraceContext;
import dev.portcullis.observe.Metrics.ClientTimeout;
import dev.portcullis.reject.Rejections;
import dev.portcullis.route.HostName;
import dev.portcullis.route.MethodOverride;
import dev.portcullis.route.PathNormalizer;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One client connection, one request at a time:
 * {@code receive → normalize → route → authenticate → authorize → forward | reject → audit}.
 *
 * <p>Reads are demanded explicitly (auto-read is off), so a client is read only as fast as its
 * request can go somewhere: while a decision is pending, while the upstream is connecting, or
 * while the upstream cannot take more, nothing more is read. Messages that arrive in the same
 * read (at most one read buffer) wait in {@code pending}; bodies are never buffered whole.
 * An allowed request goes on through the {@link UpstreamLeg}; every exchange, however it ends,
 * ends in {@link #end}. Every method runs on the connection's event loop.
 */
public final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private enum State { IDLE, DECIDING, FORWARDING, DISCARDING, CLOSING }

    private final Gate gate;
    private final HeadTimer headTimer;
    private final ClientStalls stalls;
    private final Function<EventLoop, UpstreamConnections> upstreams;
    private final ArrayDeque<Object> pending = new ArrayDeque<>(4);
    private ChannelHandlerContext ctx;
    private InetAddress clientAddress;
    /** The key intrusion detection counts this client under (an IPv6 client: its /64). */
    private String clientKey;
    private final String scheme;
    private UpstreamLeg leg;
    private RequestBody body;
    private ExchangeAudit audits;
    private State state = State.IDLE;
    private int generation;

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
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.clientAddress = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        this.clientKey = ClientKeys.of(clientAddress);
        this.leg = new UpstreamLeg(this, ctx, upstreams.apply(ctx.channel().eventLoop()), gate, x, clientAddress,
                scheme);
        this.body = new RequestBody(this, leg, ctx, gate, stalls, x);
        this.audits = new ExchangeAudit(gate, clientKey, clientAddress);
        gate.metrics().connectionOpened();
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        pending.add(msg);
        try {
            drain();
        } catch (RuntimeException e) {
            fault(e);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        leg.flush();
        demandRead();
    }

    /** Handles queued messages for as long as the current state can take them. */
    void drain() {
        Object msg;
        while ((msg = pending.peek()) != null) {
            switch (state) {
                case IDLE:
                    pending.poll();
                    if (msg instanceof HttpRequest r) {
                        begin(r);
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
                        idle();
                    }
                    ReferenceCountUtil.release(msg);
                    break;
                case CLOSING:
                    pending.poll();
                    ReferenceCountUtil.release(msg);
                    break;
                default:
                    return;
            }
        }
    }

    void demandRead() {
        if (!pending.isEmpty() || !ctx.channel().isActive()) {
            return;
        }
        if (state == State.IDLE || state == State.DISCARDING) {
            ctx.read();
        } else if (state == State.FORWARDING) {
            body.demand();
        }
    }

    private void begin(HttpRequest r) {
        headTimer.headReceived();
        generation++;
        x.reset(r, gate.nextRequestId(), gate.snapshot());
        state = State.DECIDING;
        // A blocked client is refused before anything of its request is looked at.
        Blocked blocked = gate.detection().isBlocked(clientKey, null, null, x.startMillis);
        if (blocked != null) {
            refuseBlocked(blocked);
            return;
        }
        if (r.decoderResult().isFailure()) {
            Throwable cause = r.decoderResult().cause();
            reject(cause instanceof TooLongHttpLineException ? Reason.URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException
                    ? Reason.HEADERS_TOO_LARGE : Reason.BAD_REQUEST, true);
            return;
        }
        ServerConfig limits = x.snapshot.config().server();
        if (!r.protocolVersion().equals(HttpVersion.HTTP_1_1) && !r.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            reject(Reason.BAD_REQUEST, true);
            return;
        }
        if (!RequestChecks.plainMethod(x.method) || !RequestChecks.plainTransferCoding(r.headers())) {
            reject(Reason.BAD_REQUEST, true);
            return;
        }
        if (r.headers().size() > limits.maxHeaderCount()) {
            reject(Reason.HEADERS_TOO_LARGE, true);
            return;
        }
        List<String> hosts = r.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1 || (hosts.isEmpty() && r.protocolVersion().equals(HttpVersion.HTTP_1_1))) {
            reject(Reason.BAD_REQUEST, true);
            return;
        }
        x.clientHost = hosts.isEmpty() ? null : hosts.get(0);
        List<String> parents = r.headers().getAll("traceparent");
        x.trace = TraceContext.continueOrStart(parents.size() == 1 ? parents.get(0) : null,
                x.snapshot.headers().isTrustedTraceSource(clientAddress),
                gate.tracing() != null && gate.tracing().sampleNew());
        String host = x.clientHost == null ? null : HostName.fromAuthority(x.clientHost);
        if (x.clientHost != null && host == null) {
            reject(Reason.BAD_REQUEST, true);
            return;
        }
        String uri = r.uri();
        String[] absolute = PathNormalizer.splitAbsoluteForm(uri);
        if (absolute != null) {
            // RFC 9112 §3.2.2: the target's authority wins over Host. We accept the absolute form
            // only when both name the same host, so no layer can route by one and judge by the other.
            String targetHost = HostName.fromAuthority(absolute[0]);
            if (targetHost == null || !targetHost.equals(host)) {
                reject(Reason.PATH_REJECTED, true);
                return;
            }
            uri = absolute[1];
        }
        x.target = PathNormalizer.normalize(uri);
        if (x.target == null) {
            reject(Reason.PATH_REJECTED, true);
            return;
        }
        x.route = x.snapshot.routes().match(host, x.target.path());
        if (x.route == null) {
            reject(Reason.NO_ROUTE, false);
            return;
        }
        // POST ?_method=DELETE is a DELETE to Laravel, Symfony or Spring's HiddenHttpMethodFilter,
        // judged here as a POST: refused, on audit-mode and public routes too, unless allowed.
        if (!x.route.methodOverrideAllowed() && MethodOverride.inQuery(x.target.query())) {
            reject(Reason.METHOD_OVERRIDE_REJECTED, true);
            return;
        }
        String expect = r.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null && !HttpUtil.is100ContinueExpected(r)) {
            reject(Reason.EXPECTATION_FAILED, true);
            return;
        }
        if (x.route.policy().isPublic()) {
            forward(Reason.PUBLIC_ROUTE);
            return;
        }
        BearerToken.Extracted token = BearerToken.extract(r.headers().getAll(HttpHeaderNames.AUTHORIZATION),
                limits.maxTokenBytes());
        if (token.failure() != null) {
            refuse(token.failure());
            return;
        }
        authenticate(token.token(), true);
    }

    private void authenticate(String token, boolean mayWait) {
        AuthResult result = x.snapshot.authenticator().authenticate(token, x.route.acceptedIssuers(), mayWait);
        if (result instanceof AuthResult.Authenticated a) {
            x.identity = a.identity();
            // A blocked subject is refused from any address, on any route, before its rules are read.
            Blocked blocked = gate.detection().isBlocked(null, a.identity().issuerId(), a.identity().subject(),
                    x.startMillis);
            if (blocked != null) {
                refuseBlocked(blocked);
                return;
            }
            Reason decision = x.route.policy().authorize(a.identity(), x.method);
            if (x.route.policy().hasAuditRules()) {
                Reason would = x.route.policy().shadow(a.identity(), x.method);
                x.wouldReason = would != decision ? would : null;
            }
            if (decision.allowed()) {
                forward(decision);
            } else {
                refuse(decision);
            }
        } else if (result instanceof AuthResult.Refused f) {
            refuse(f.reason());
        } else {
            awaitKeys(((AuthResult.AwaitKeys) result), token);
        }
    }

    /**
     * Refuses for a reason of the caller's (401/403), unless the route is in {@code mode: audit}:
     * then the request goes through, and the audit line and metrics record what would have been
     * enforced. Keys we cannot get (503) are never waved through.
     */
    private void refuse(Reason reason) {
        if (x.route.auditOnly() && (reason.status() == 401 || reason.status() == 403)) {
            x.wouldReason = reason;
            if (reason.status() == 401) {
                x.identity = null;
            }
            forward(Reason.AUDIT_MODE);
            return;
        }
        reject(reason, false);
    }

    /** Waits, off the loop and bounded, for an issuer's keys, then decides once more without waiting. */
    private void awaitKeys(AuthResult.AwaitKeys wait, String token) {
        int gen = generation;
        Runnable retry = () -> {
            if (gen == generation && state == State.DECIDING && x.timer != null) {
                x.cancelTimer();
                try {
                    authenticate(token, false);
                    drain();
                    demandRead();
                } catch (RuntimeException e) {
                    fault(e); // a task's exception would only be logged, and the exchange left hanging
                }
            }
        };
        x.timer = ctx.executor().schedule(retry, x.snapshot.config().server().keyWaitTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        wait.ready().whenComplete((v, e) -> ctx.executor().execute(retry));
    }
    private void forward(Reason decision) {
        // Judged after the decision, so an unauthenticated client learns nothing but 401.
        if (x.route.maxBodySize() > 0 && declaredLength(x.request) > x.route.maxBodySize()) {
            reject(Reason.BODY_TOO_LARGE, true);
            return;
        }
        if (!x.route.tryAcquire()) {
            reject(Reason.UPSTREAM_BUSY, false);
            return;
        }
        x.holdsSlot = true;
        state = State.FORWARDING;
        x.decision = decision;
        body.start();
        leg.start();
    }

    /** Answers the request ourselves. Closes the connection when asked or when a body may follow. */
    private void reject(Reason reason, boolean close) {
        end(Outcome.refused(reason, close));
    }

    /** Answers a blocked source with 429 (or 403) and Retry-After, and closes the connection. */
    private void refuseBlocked(Blocked b) {
        end(Outcome.blocked(b));
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
            audits.record(x, o.reason(), o.status());
        } else if (o.answer() && x.snapshot == null) {
            audits.recordWithoutRequest(o.reason()); // no request head came
        }
        if (o.answer()) {
            answer(o);
        } else if (o.close()) {
            state = State.CLOSING;
            if (ctx.channel().isOpen()) {
                ctx.close();
            }
        } else {
            keepAliveOrClose();
        }
    }

    /** Writes the proxy's own answer; keeps the connection only when the client's body is done or can be skipped. */
    private void answer(Outcome o) {
        boolean bodyDone = x.requestComplete || (x.request != null && !x.request.decoderResult().isFailure()
                && !HttpUtil.isTransferEncodingChunked(x.request) && declaredLength(x.request) == 0);
        boolean keepAlive = !o.close() && x.clientKeepAlive && bodyDone;
        if (!keepAlive) {
            state = State.CLOSING;
        } else if (x.requestComplete) {
            idle();
        } else {
            state = State.DISCARDING;
        }
        FullHttpResponse res = Rejections.response(o.reason(), keepAlive, x.requestId);
        if (o.blocked() != null) {
            res.headers().set(HttpHeaderNames.RETRY_AFTER, o.blocked().retryAfterSeconds(System.currentTimeMillis()));
        }
        if (keepAlive) {
            ctx.writeAndFlush(res);
            drain();
            demandRead();
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** After a relayed response: the next request, or the close either side asked for. */
    private void keepAliveOrClose() {
        if (!x.clientKeepAlive || !x.requestComplete) {
            state = State.CLOSING;
            ctx.flush();
            ctx.close();
            return;
        }
        idle();
        drain();
        demandRead();
    }

    private void idle() {
        state = State.IDLE;
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
        end(open && !leg.responseStarted() && state != State.CLOSING ? Outcome.refused(r, true)
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
        generation++;
        x.snapshot = null;
        x.requestId = null;
        end(Outcome.refused(Reason.HEADER_TIMEOUT, true));
    }

    /** The declared body length: 0 when none is declared, -1 when the header is unreadable. */
    private static long declaredLength(HttpRequest r) {
        try {
            return HttpUtil.getContentLength(r, 0L);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && state == State.IDLE) {
            ctx.close();
        } else if (evt == ClientStalls.BODY_STALLED) {
            if (state == State.FORWARDING && !x.requestComplete) {
                body.stalled(null);
            }
        } else if (evt == ClientStalls.WRITE_STALLED) {
            writeStalled();
        } else if (evt == HeadTimer.TIMED_OUT && state == State.IDLE) {
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
        gate.metrics().connectionClosed();
        generation++;
        leg.connectionClosed();
        end(Outcome.clientClosed());
        Object msg;
        while ((msg = pending.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
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
