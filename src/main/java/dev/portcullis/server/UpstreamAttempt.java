package dev.portcullis.server;

import dev.portcullis.forward.Upstream;
import dev.portcullis.forward.UpstreamEvents.Failure;
import dev.portcullis.forward.UpstreamSet;
import dev.portcullis.vocab.Reason;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import dev.portcullis.forward.Http2Refused;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.Set;

/**
 * Which upstream of the route an exchange goes to and on which connection: picks a member of the
 * route's {@link UpstreamSet}, leases a pooled connection or opens one, tells the set how the
 * upstream did, and makes the route's one retry ({@code retry: once}) when the request cannot
 * have reached an application:
 * <ul>
 *   <li>the connection could not be made (refused, timed out): any method, since nothing was sent;</li>
 *   <li>a reused pooled connection closed before any response byte: only an idempotent method whose
 *       request has no body and was sent whole (a body, once streamed, cannot be sent again, and a
 *       server may have acted on a non-idempotent request before closing).</li>
 * </ul>
 * The retry goes to another upstream when the route has one. One per client connection; every
 * method runs on its event loop.
 */
final class UpstreamAttempt {
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    private final UpstreamLeg leg;
    private final UpstreamConnections connections;
    private final Gate gate;
    private final Exchange x;

    /** Counts exchanges, so a connection that arrives after its exchange ended is recognized. */
    private int lease;
    private UpstreamSet set;
    private UpstreamSet.Member member;
    private boolean reused;
    private boolean retried;
    /** A copy of the head sent on a reused connection, kept while a reset may still be retried. */
    private HttpRequest retryHead;

    UpstreamAttempt(UpstreamLeg leg, UpstreamConnections connections, Gate gate, Exchange x) {
        this.leg = leg;
        this.connections = connections;
        this.gate = gate;
        this.x = x;
    }

    /** Picks the upstream of a new exchange; it counts as in flight there until {@link #end}. */
    Upstream begin() {
        set = x.route.target().upstreamSet();
        member = set.pick(null);
        set.started(member);
        retried = false;
        x.upstream = member.label();
        return member.upstream();
    }

    /** The upstream of the current attempt, or null outside an exchange. */
    Upstream upstream() {
        return member == null ? null : member.upstream();
    }

    /** Gets a connection to the current upstream: a pooled one at once, or a new one once connected. */
    void open() {
        Upstream u = member.upstream();
        Channel ch = connections.acquire(u, x.snapshot.config().upstreamDefaults().idleTimeout().toMillis(), leg);
        // An HTTP/2 stream closed before its response (a GOAWAY above its id, a refused stream) is retried
        // under the rules of a reused keep-alive connection: idempotent, no body.
        reused = ch != null || u.multiplexed();
        if (ch != null) {
            leg.attach(ch);
            return;
        }
        int mine = lease;
        connections.connect(u, x.route.connectTimeoutMillis(), leg)
                .addListener((GenericFutureListener<Future<Channel>>) f -> connected(f, mine));
    }

    private void connected(Future<Channel> f, int forLease) {
        if (forLease != lease || !leg.active()) {
            if (f.isSuccess()) {
                connections.discard(f.getNow());
            }
        } else if (f.isSuccess()) {
            gate.metrics().upstreamConnectionOpened();
            leg.attachConnected(f.getNow());
        } else {
            set.failed(member, Failure.CONNECT);
            if (x.route.target().retry() && !retried) {
                retry(x.request); // nothing reached the upstream: the head is still the exchange's
            } else {
                // An upstream that answered TLS but would not speak h2 is reachable: its error, not unavailability.
                leg.fail(f.cause() instanceof Http2Refused ? Reason.UPSTREAM_ERROR : Reason.UPSTREAM_UNAVAILABLE);
            }
        }
    }

    /** The head is about to go out on the connection: a copy is kept when a reset could be retried. */
    void sending(HttpRequest head) {
        release();
        if (reused && !retried && x.route.target().retry() && IDEMPOTENT.contains(x.method) && bodyless(head)) {
            // Sent again whole: the empty end of the original request may already have gone out.
            retryHead = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(),
                    Unpooled.EMPTY_BUFFER, head.headers().copy(), EmptyHttpHeaders.INSTANCE);
        }
    }

    /** No body follows the head: nothing that could be streamed, so nothing that could be lost. */
    private static boolean bodyless(HttpRequest head) {
        if (head instanceof FullHttpRequest full) {
            return full.content().readableBytes() == 0;
        }
        return !HttpUtil.isTransferEncodingChunked(head) && Admission.declaredLength(head) == 0;
    }

    /** The response head came: a 5xx counts against the upstream, anything else clears its failures. */
    void responded(int status) {
        release();
        if (status >= 500) {
            set.failed(member, Failure.STATUS_5XX);
        } else {
            set.succeeded(member);
        }
    }

    /** The upstream did not answer in time, or answered what cannot be relayed. */
    void failed(Failure kind) {
        set.failed(member, kind);
    }

    /** The connection closed before any response byte; true when the request was sent again. */
    boolean closedBeforeResponse() {
        set.failed(member, Failure.RESET);
        HttpRequest head = retryHead;
        retryHead = null;
        if (head == null || !x.requestComplete) {
            ReferenceCountUtil.release(head); // its end has not come from the client yet: rare, not retried
            return false;
        }
        retry(head);
        return true;
    }

    private void retry(HttpRequest head) {
        retried = true;
        set.events().retried();
        UpstreamSet.Member next = set.pick(member);
        set.started(next);
        set.finished(member);
        member = next;
        x.upstream = next.label();
        x.retried = true;
        if (!x.route.preserveHost() || x.clientHost == null) {
            head.headers().set(HttpHeaderNames.HOST, next.upstream().authority());
        }
        x.request = head;
        leg.retrying();
        open();
    }

    /** Whether the exchange was sent a second time. */
    boolean retried() {
        return retried;
    }

    /** The exchange is over: the upstream no longer counts it in flight, and a late connection is discarded. */
    void end() {
        lease++;
        release();
        if (member != null) {
            set.finished(member);
            member = null;
        }
    }

    private void release() {
        if (retryHead != null) {
            ReferenceCountUtil.release(retryHead);
            retryHead = null;
        }
    }
}
