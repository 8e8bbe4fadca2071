package dev.portcullis.server;

import dev.portcullis.authn.AuthResult;
import dev.portcullis.authn.BearerToken;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.ServerConfig;
import dev.portcullis.detect.Blocked;
import dev.portcullis.detect.ClientKeys;
import dev.portcullis.vocab.DenialReasons;
import dev.portcullis.forward.RequestHeaders;
import dev.portcullis.forward.ResponseHeaders;
import dev.portcullis.forward.TraceContext;
import dev.portcullis.forward.Upstream;
import dev.portcullis.forward.UpstreamListener;
import dev.portcullis.forward.UpstreamPool;
import dev.portcullis.observe.AuditEvent;
import dev.portcullis.observe.Metrics.ClientTimeout;
import dev.portcullis.observe.Tracing;
import java.util.concurrent.ThreadLocalRandom;
import dev.portcullis.reject.Rejections;
import dev.portcullis.vocab.HostName;
import dev.portcullis.route.MethodOverride;
import dev.portcullis.route.PathNormalizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One client connection, one request at a time:
 * {@code receive → normalize → route → authenticate → authorize → forward | reject → audit}.
 *
 * <p>Reads are demanded explicitly (auto-read is off), so a client is read only as fast as its
 * request can go somewhere: while a decision is pending, while the upstream is connecting, or
 * while the upstream cannot take more, nothing more is read. Messages that arrive in the same
 * read (at most one read buffer) wait in {@code pending}; bodies are never buffered whole.
 * Every method runs on the connection's event loop.
 */
public final class FrontendHandler extends ChannelInboundHandlerAdapter implements UpstreamListener {
    private enum State { IDLE, DECIDING, FORWARDING, DISCARDING, CLOSING }

    private final Gate gate;
    private final HeadTimer headTimer;
    private final ClientStalls stalls;
    private final ArrayDeque<Object> pending = new ArrayDeque<>(4);
    private ChannelHandlerContext ctx;
    private UpstreamPool pool;
    private InetAddress clientAddress;
    /** The key intrusion detection counts this client under (an IPv6 client: its /64). */
    private String clientKey;
    private final String scheme;
    private ScheduledFuture<?> responseTimer;
    private long responseTimerAt;
    private State state = State.IDLE;
    private int generation;

    private final Exchange x = new Exchange();

    FrontendHandler(Gate gate, HeadTimer headTimer, ClientStalls stalls, boolean tls) {
        this.gate = gate;
        this.headTimer = headTimer;
        this.stalls = stalls;
        this.scheme = tls ? "https" : "http";
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.pool = gate.pool(ctx.channel().eventLoop());
        this.clientAddress = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        this.clientKey = ClientKeys.of(clientAddress);
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
        if (x.upstream != null) {
            x.upstream.flush();
        }
        demandRead();
    }

    /** Handles queued messages for as long as the current state can take them. */
    private void drain() {
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
                    if (x.upstream == null || x.requestComplete) {
                        return;
                    }
                    pending.poll();
                    forwardBody((HttpContent) msg);
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

    private void demandRead() {
        if (!pending.isEmpty() || !ctx.channel().isActive()) {
            return;
        }
        boolean want = state == State.IDLE || state == State.DISCARDING
                || (state == State.FORWARDING && x.upstream != null && !x.requestComplete && x.upstream.isWritable());
        if (want) {
            if (state == State.FORWARDING) {
                stalls.bodyDemanded();
            }
            ctx.read();
        } else if (state == State.FORWARDING && x.upstream != null && !x.requestComplete && !x.responseStarted) {
            // The upstream is not taking the body: that is the upstream's stall, bounded by response_timeout.
            startResponseTimer();
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
        if (!x.requestComplete) {
            ServerConfig limits = x.snapshot.config().server();
            stalls.bodyStarts(limits.bodyReadTimeout().toMillis(), limits.bodyMinRate());
        }
        x.decision = decision;
        HttpRequest r = x.request;
        Upstream u = x.route.nextUpstream();
        x.upstreamAddress = u;
        boolean expectContinue = HttpUtil.is100ContinueExpected(r);
        RequestHeaders.rewrite(r.headers(), x.snapshot.headers(), new RequestHeaders.Context(x.identity,
                clientAddress, scheme, x.clientHost, u.authority(), x.route.preserveHost(), x.route.forwardToken(),
                x.requestId, assertionHeader(), assertion(), x.trace));
        r.setUri(x.target.toUri());
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (expectContinue) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        gate.metrics().overhead(System.nanoTime() - x.startNanos);
        x.overheadRecorded = true;
        Channel ch = pool.acquire(u, x.snapshot.config().upstreamDefaults().idleTimeout().toMillis(), this);
        if (ch != null) {
            attach(ch);
            return;
        }
        int gen = generation;
        pool.connect(u, x.route.connectTimeoutMillis(), this).addListener((ChannelFutureListener) f -> {
            if (gen != generation || state != State.FORWARDING) {
                UpstreamPool.discard(f.channel());
            } else if (f.isSuccess()) {
                gate.metrics().upstreamConnectionOpened();
                try {
                    attach(f.channel());
                } catch (RuntimeException e) {
                    fault(e); // a listener's exception would only be logged, and the exchange left hanging
                }
            } else {
                failUpstream(Reason.UPSTREAM_UNAVAILABLE);
            }
        });
    }

    private String assertionHeader() {
        return x.snapshot.assertions() == null ? null : x.snapshot.assertions().header();
    }

    private CharSequence assertion() {
        return x.identity == null || x.snapshot.assertions() == null ? null
                : x.snapshot.assertions().assertionFor(x.route.id(), x.identity);
    }

    private void attach(Channel upstream) {
        x.upstream = upstream;
        upstream.write(x.request);
        x.request = null;
        drain();
        upstream.flush();
        if (x.requestComplete) {
            startResponseTimer();
        }
        demandRead();
    }

    private void forwardBody(HttpContent c) {
        if (c.decoderResult().isFailure()) {
            // A malformed body (bad chunk syntax…) ends the exchange: the upstream has a partial
            // request and must never see another on this connection.
            abortBody(c, Reason.BAD_REQUEST);
            return;
        }
        x.bodyBytes += c.content().readableBytes();
        long max = x.route.maxBodySize();
        if (max > 0 && x.bodyBytes > max) {
            abortBody(c, Reason.BODY_TOO_LARGE);
            return;
        }
        boolean last = c instanceof LastHttpContent;
        if (!stalls.bodyReceived(c.content().readableBytes(), last)) {
            bodyStalled(c);
            return;
        }
        if (last && !((LastHttpContent) c).trailingHeaders().isEmpty()) {
            // Trailers are a second header section that header filtering never saw, and some
            // servers merge them into the headers: they are not forwarded.
            ((LastHttpContent) c).trailingHeaders().clear();
        }
        x.upstream.write(c);
        if (last) {
            x.requestComplete = true;
            x.upstream.flush();
            if (!x.responseStarted) {
                startResponseTimer();
            }
        }
    }

    /**
     * Sets the deadline for the response headers. One timer per connection, armed lazily and
     * re-armed only when it fires early: a busy connection does not schedule a task per request.
     */
    /** Ends an exchange whose body cannot be forwarded: answers if nothing was answered yet, then closes. */
    private void abortBody(HttpContent c, Reason reason) {
        ReferenceCountUtil.release(c);
        x.upstreamReusable = false;
        if (x.responseStarted) {
            closeNow();
        } else {
            dropUpstream();
            reject(reason, true);
        }
    }

    /**
     * The client stopped sending its body ({@code body_read_timeout}) or sends it slower than
     * {@code body_min_rate}: 408 when nothing was answered yet, else just closing. The upstream has
     * a partial request and is never reused.
     */
    private void bodyStalled(HttpContent c) {
        ReferenceCountUtil.release(c);
        gate.metrics().clientTimeout(ClientTimeout.BODY);
        if (x.responseStarted) {
            audit(Reason.BODY_TIMEOUT, x.status);
            closeNow();
        } else {
            dropUpstream();
            reject(Reason.BODY_TIMEOUT, true);
        }
    }

    /**
     * The client stopped taking response bytes for {@code response_write_timeout}: nothing more
     * can reach it, so both connections close. The audit line keeps the status whose head already
     * went out; in any other state the connection is closed all the same.
     */
    private void writeStalled() {
        gate.metrics().clientTimeout(ClientTimeout.RESPONSE_WRITE);
        if (x.snapshot != null && !x.audited) {
            Reason r = Reason.RESPONSE_WRITE_TIMEOUT;
            audit(r, x.responseStarted ? x.status : r.status());
        }
        closeNow();
    }

    private void startResponseTimer() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(x.route.responseTimeoutMillis());
        x.responseDeadlineNanos = deadline;
        if (responseTimer != null && responseTimerAt - deadline > 0) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
        if (responseTimer == null) {
            armResponseTimer(deadline);
        }
    }

    private void armResponseTimer(long at) {
        responseTimerAt = at;
        responseTimer = ctx.executor().schedule(this::checkResponseDeadline, at - System.nanoTime(),
                TimeUnit.NANOSECONDS);
    }

    private void checkResponseDeadline() {
        responseTimer = null;
        if (state != State.FORWARDING || x.responseDeadlineNanos == 0) {
            return;
        }
        if (x.responseDeadlineNanos - System.nanoTime() > 0) {
            armResponseTimer(x.responseDeadlineNanos);
            return;
        }
        x.route.metrics().upstreamError(Reason.UPSTREAM_TIMEOUT);
        if (x.responseStarted) {
            // The upstream stopped in the middle of its body: only closing tells the client.
            audit(Reason.UPSTREAM_TIMEOUT, x.status);
            closeNow();
            return;
        }
        dropUpstream();
        reject(Reason.UPSTREAM_TIMEOUT, !x.requestComplete);
    }

    private void failUpstream(Reason reason) {
        x.route.metrics().upstreamError(reason);
        x.upstream = null;
        reject(reason, false); // reject() closes anyway when a body may still be on its way
    }

    @Override
    public void onUpstreamMessage(HttpObject msg) {
        try {
            relay(msg);
        } catch (RuntimeException e) {
            fault(e); // not the upstream's doing: not an upstream_error
        }
    }

    private void relay(HttpObject msg) {
        if (state != State.FORWARDING) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            dropUpstream();
            if (x.responseStarted) {
                closeNow();
            } else {
                x.cancelTimer();
                failUpstream(Reason.UPSTREAM_ERROR);
            }
            return;
        }
        if (msg instanceof HttpResponse res) {
            int code = res.status().code();
            if (code >= 100 && code < 200) {
                // Informational answers are the proxy's business (it sent its own 100 Continue);
                // a 101 would switch protocols we never offered upstream: drop the connection.
                ReferenceCountUtil.release(msg);
                if (code == 101) {
                    dropUpstream();
                    x.cancelTimer();
                    failUpstream(Reason.UPSTREAM_ERROR);
                }
                return;
            }
            x.responseDeadlineNanos = 0;
            x.responseStarted = true;
            x.status = code;
            x.upstreamReusable = HttpUtil.isKeepAlive(res);
            boolean bodyless = x.method.equals("HEAD") || code == 204 || code == 304;
            x.clientKeepAlive = ResponseHeaders.rewrite(res, x.clientKeepAlive, x.clientVersion, bodyless);
            res.headers().set("X-Request-Id", x.requestId);
            if (!HttpUtil.isContentLengthSet(res) && !HttpUtil.isTransferEncodingChunked(res) && !bodyless) {
                x.upstreamReusable = false;
            }
        }
        if (msg instanceof LastHttpContent) {
            ctx.writeAndFlush(msg);
            finishExchange();
            return;
        }
        ctx.write(msg);
        if (!ctx.channel().isWritable() && x.upstream != null) {
            x.upstream.config().setAutoRead(false);
        }
        upstreamBodyClock(ctx.channel().isWritable());
    }

    /**
     * Times the upstream's body: response_timeout is also the longest gap between its bytes, but
     * only while the client takes them (a client that does not is response_write_timeout's).
     */
    private void upstreamBodyClock(boolean running) {
        if (running) {
            startResponseTimer();
        } else {
            x.responseDeadlineNanos = 0;
        }
    }

    @Override
    public void onUpstreamReadComplete() {
        ctx.flush();
    }

    @Override
    public void onUpstreamWritable() {
        if (state == State.FORWARDING && !x.requestComplete && !x.responseStarted) {
            x.responseDeadlineNanos = 0; // the upstream takes the body again
        }
        demandRead();
    }

    @Override
    public void onUpstreamClosed() {
        if (state != State.FORWARDING) {
            return;
        }
        x.upstream = null;
        x.upstreamReusable = false;
        if (!x.responseStarted) {
            x.cancelTimer();
            failUpstream(Reason.UPSTREAM_ERROR);
        } else {
            closeNow(); // the response was cut short: only closing tells the client
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (x.upstream != null) {
            x.upstream.config().setAutoRead(ctx.channel().isWritable());
            if (state == State.FORWARDING && x.responseStarted) {
                upstreamBodyClock(ctx.channel().isWritable());
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void finishExchange() {
        audit(x.decision, x.status);
        Channel up = x.upstream;
        x.upstream = null;
        if (up != null) {
            if (x.upstreamReusable && x.requestComplete) {
                pool.release(x.upstreamAddress, up, x.snapshot.config().upstreamDefaults().maxIdlePerLoop(),
                        x.snapshot.config().upstreamDefaults().idleTimeout().toMillis());
            } else {
                UpstreamPool.discard(up);
            }
        }
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

    /** Answers the request ourselves. Closes the connection when asked or when a body may follow. */
    private void reject(Reason reason, boolean close) {
        boolean bodyDone = x.requestComplete || (x.request != null && !x.request.decoderResult().isFailure()
                && !HttpUtil.isTransferEncodingChunked(x.request) && declaredLength(x.request) == 0);
        boolean keepAlive = !close && x.clientKeepAlive && bodyDone;
        audit(reason, reason.status());
        x.cancelTimer();
        if (!keepAlive) {
            state = State.CLOSING;
        } else if (x.requestComplete) {
            idle();
        } else {
            state = State.DISCARDING;
        }
        if (keepAlive) {
            ctx.writeAndFlush(Rejections.response(reason, true, x.requestId));
            drain();
            demandRead();
        } else {
            ctx.writeAndFlush(Rejections.response(reason, false, x.requestId))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Ends the exchange after an exception of the proxy's own, wherever it was thrown: 500
     * {@code internal_error} when nothing was answered yet, else a close; either way through
     * {@link #audit}, which releases the route's slot. Never {@code client_closed}: the client
     * did nothing.
     */
    private void fault(RuntimeException e) {
        Faults.report(x.requestId, e);
        boolean open = x.snapshot != null && !x.audited;
        if (open && !x.responseStarted && state != State.CLOSING) {
            dropUpstream();
            reject(Reason.INTERNAL_ERROR, true);
            return;
        }
        if (open) {
            audit(Reason.INTERNAL_ERROR, Reason.INTERNAL_ERROR.status());
        }
        closeNow();
    }

    private void releaseSlot() {
        if (x.holdsSlot) {
            x.holdsSlot = false;
            x.route.release();
        }
    }

    /** The declared body length: 0 when none is declared, -1 when the header is unreadable. */
    private static long declaredLength(HttpRequest r) {
        try {
            return HttpUtil.getContentLength(r, 0L);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Answers a blocked source with 429 (or 403) and Retry-After, and closes the connection. */
    private void refuseBlocked(Blocked b) {
        Reason reason = b.status() == 429 ? Reason.SOURCE_BLOCKED : Reason.SOURCE_FORBIDDEN;
        audit(reason, reason.status());
        x.cancelTimer();
        state = State.CLOSING;
        FullHttpResponse res = Rejections.response(reason, false, x.requestId);
        res.headers().set(HttpHeaderNames.RETRY_AFTER, b.retryAfterSeconds(System.currentTimeMillis()));
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    private void audit(Reason reason, int status) {
        releaseSlot();
        stalls.bodyEnds();
        long nanos = System.nanoTime() - x.startNanos;
        (x.route != null ? x.route.metrics() : x.snapshot.noRoute()).record(reason, x.methodClass, nanos);
        if (!x.overheadRecorded) {
            gate.metrics().overhead(nanos);
        }
        String path = x.target != null ? x.target.path() : x.rawTarget;
        if (DenialReasons.counts(reason)) {
            // x.identity is set only once a token was verified: an unverified sub is never counted.
            Identity id = x.identity;
            gate.detection().onDenial(clientKey, id == null ? null : id.issuerId(), id == null ? null : id.subject(),
                    reason, path, x.startMillis);
        }
        // Allowed requests may be sampled by configuration; denials never are.
        double rate = x.snapshot.config().audit().allowedSampleRate();
        boolean write = !reason.allowed() || x.wouldReason != null || rate >= 1
                || ThreadLocalRandom.current().nextDouble() < rate;
        Tracing tracing = gate.tracing();
        if (write || tracing != null) {
            AuditEvent e = new AuditEvent(x.startMillis, x.requestId, reason, x.route == null ? null : x.route.id(),
                    x.method, path, status, nanos / 1000, clientAddress.getHostAddress(), x.identity, x.wouldReason,
                    x.trace == null ? null : x.trace.traceId());
            if (write) {
                gate.audit().record(e);
            }
            if (tracing != null) {
                long startEpochNanos = x.startMillis * 1_000_000L;
                tracing.record(x.trace, e, startEpochNanos, startEpochNanos + nanos);
            }
        }
        if (x.wouldReason != null && x.route != null) {
            x.route.metrics().dryRun(x.wouldReason);
        }
        x.audited = true;
    }

    private void closeNow() {
        state = State.CLOSING;
        dropUpstream();
        ctx.close();
    }

    /** Detaches and closes the current upstream connection: it will never carry another request. */
    private void dropUpstream() {
        x.upstreamReusable = false;
        Channel up = x.upstream;
        x.upstream = null;
        if (up != null) {
            UpstreamPool.discard(up);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && state == State.IDLE) {
            ctx.close();
            return;
        }
        if (evt == ClientStalls.BODY_STALLED) {
            if (state == State.FORWARDING && !x.requestComplete) {
                bodyStalled(null);
            }
            return;
        }
        if (evt == ClientStalls.WRITE_STALLED) {
            writeStalled();
            return;
        }
        if (evt == HeadTimer.TIMED_OUT && state == State.IDLE) {
            gate.metrics().clientTimeout(ClientTimeout.HEADER);
            state = State.CLOSING;
            generation++;
            x.snapshot = null;
            gate.snapshot().noRoute().record(Reason.HEADER_TIMEOUT, 2, 0);
            gate.audit().record(new AuditEvent(System.currentTimeMillis(), gate.nextRequestId(), Reason.HEADER_TIMEOUT,
                    null, "-", "-", Reason.HEADER_TIMEOUT.status(), 0, clientAddress.getHostAddress(), null, null, null));
            ctx.writeAndFlush(Rejections.response(Reason.HEADER_TIMEOUT, false, null))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        gate.metrics().connectionClosed();
        generation++;
        x.cancelTimer();
        if (responseTimer != null) {
            responseTimer.cancel(false);
        }
        if (x.snapshot != null && !x.audited) {
            audit(Reason.CLIENT_CLOSED, Reason.CLIENT_CLOSED.status());
        }
        dropUpstream();
        state = State.CLOSING;
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
