package dev.portcullis.server;

import dev.portcullis.vocab.Reason;
import dev.portcullis.config.ServerConfig;
import dev.portcullis.observe.Metrics.ClientTimeout;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Sends an allowed request's body to the upstream at the pace the upstream takes it: more is
 * read from the client only when the upstream connection is writable, the size is checked as it
 * passes, and a client too slow to send it is cut off. One per client connection; every method
 * runs on its event loop.
 */
final class RequestBody {
    private final FrontendHandler owner;
    private final UpstreamLeg leg;
    private final ChannelHandlerContext ctx;
    private final Gate gate;
    private final ClientStalls stalls;
    private final Exchange x;
    private long bytes;

    RequestBody(FrontendHandler owner, UpstreamLeg leg, ChannelHandlerContext ctx, Gate gate, ClientStalls stalls,
            Exchange x) {
        this.owner = owner;
        this.leg = leg;
        this.ctx = ctx;
        this.gate = gate;
        this.stalls = stalls;
        this.x = x;
    }

    /** An allowed exchange starts: its body, if one follows the head, is timed from now. */
    void start() {
        bytes = 0;
        if (!x.requestComplete) {
            ServerConfig limits = x.snapshot.config().server();
            stalls.bodyStarts(limits.bodyReadTimeout().toMillis(), limits.bodyMinRate());
        }
    }

    /** True while body parts can be written to the upstream (connected, body not yet complete). */
    boolean accepting() {
        return leg.channel() != null && !x.requestComplete;
    }

    /** Asks the client for more body if the upstream can take it; if it cannot, that is the upstream's stall. */
    void demand() {
        if (!accepting()) {
            return;
        }
        if (leg.channel().isWritable()) {
            stalls.bodyDemanded();
            ctx.read();
        } else if (!leg.responseStarted()) {
            leg.startClock(); // bounded by response_timeout
        }
    }

    void forward(HttpContent c) {
        if (c.decoderResult().isFailure()) {
            // A malformed body (bad chunk syntax…) ends the exchange: the upstream has a partial
            // request and must never see another on this connection.
            abort(c, Reason.BAD_REQUEST);
            return;
        }
        bytes += c.content().readableBytes();
        long max = x.route.maxBodySize();
        if (max > 0 && bytes > max) {
            abort(c, Reason.BODY_TOO_LARGE);
            return;
        }
        boolean last = c instanceof LastHttpContent;
        if (!stalls.bodyReceived(c.content().readableBytes(), last)) {
            stalled(c);
            return;
        }
        if (last && !((LastHttpContent) c).trailingHeaders().isEmpty()) {
            // Trailers are a second header section that header filtering never saw, and some
            // servers merge them into the headers: they are not forwarded.
            ((LastHttpContent) c).trailingHeaders().clear();
        }
        Channel upstream = leg.channel();
        upstream.write(c);
        if (last) {
            x.requestComplete = true;
            if (!owner.reading()) {
                upstream.flush(); // else the read's end flushes it with what came before it
            }
            if (!leg.responseStarted()) {
                leg.startClock();
            }
        }
    }

    /**
     * Ends an exchange whose body cannot be forwarded (the upstream has a partial request and is
     * closed): answered if nothing was answered yet, else cut, and recorded as the
     * {@code client_closed} that the close makes it.
     */
    private void abort(HttpContent c, Reason reason) {
        ReferenceCountUtil.release(c);
        owner.end(leg.responseStarted() ? Outcome.clientClosed() : Outcome.refused(reason, true));
    }

    /**
     * The client stopped sending its body ({@code body_read_timeout}) or sends it slower than
     * {@code body_min_rate}: 408 when nothing was answered yet, else just closing. The upstream has
     * a partial request and is never reused.
     *
     * @param c the body part that showed it, or null when the timer did
     */
    void stalled(HttpContent c) {
        ReferenceCountUtil.release(c);
        gate.metrics().clientTimeout(ClientTimeout.BODY);
        Reason r = Reason.BODY_TIMEOUT;
        owner.end(leg.responseStarted() ? Outcome.cut(r, leg.status()) : Outcome.refused(r, true));
    }
}
