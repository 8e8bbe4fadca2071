package dev.portcullis.server;

import dev.portcullis.compile.Route;
import dev.portcullis.config.WebSocketConfig;
import dev.portcullis.membership.OverlayVerdict;
import dev.portcullis.observe.AuditEvent;
import dev.portcullis.observe.TunnelEnd;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * An open WebSocket: after the 101, both connections lose their HTTP codecs and bytes are relayed
 * as they come, never parsed or buffered whole. Back-pressure: a side is read only while the other
 * takes bytes (auto-read off while its peer is not writable). A check each second ends the tunnel
 * on {@code idle_timeout} and {@code max_lifetime} and, with {@code close_on_expiry}, when the token
 * that opened it expires or the membership overlay would now refuse it: the client then gets a close
 * frame 1008 (policy violation). Its end is recorded once: an audit line with {@link TunnelEnd}, and
 * the metrics. Both connections are on the client connection's event loop, as every method here.
 */
final class Tunnel {
    private static final long CHECK_MILLIS = 1000;

    private final Channel client;
    private final Channel upstream;
    private final Gate gate;
    private final Route route;
    private final WebSocketConfig limits;
    private final boolean holdsSlot;
    private final Identity identity;
    private final AuditEvent opening;
    private final long openedNanos = System.nanoTime();
    private long lastActivityNanos = openedNanos;
    private long fromClient;
    private long toClient;
    private ScheduledFuture<?> check;
    private boolean ended;

    Tunnel(Channel client, Channel upstream, Exchange x, Gate gate, boolean holdsSlot) {
        this.client = client;
        this.upstream = upstream;
        this.gate = gate;
        this.route = x.route;
        this.limits = x.route.websocket();
        this.holdsSlot = holdsSlot;
        this.identity = x.identity;
        String address = ((InetSocketAddress) client.remoteAddress()).getAddress().getHostAddress();
        String credential = x.identity == null ? null : x.session != null && x.session.accessToken() != null
                ? "session" : "bearer";
        this.opening = new AuditEvent(0, x.requestId, x.decision, route.id(), x.method, x.target.path(), 101, 0,
                address, x.identity, x.wouldReason, x.trace == null ? null : x.trace.traceId(), x.upstream,
                x.retried, x.directoryEvent, credential, null);
    }

    /** Swaps both pipelines' HTTP handlers for the relay and starts reading both sides. */
    void open() {
        gate.metrics().websocket().opened(route.id());
        ChannelPipeline c = client.pipeline();
        c.addLast("tunnel", new Side(upstream, true));
        for (String name : new String[] {"gate", "client-stalls", "http-encoder", "head-timer", "idle", "http-decoder"}) {
            if (c.get(name) != null) {
                c.remove(name); // the decoder last: what it still holds goes on to the relay
            }
        }
        ChannelPipeline u = upstream.pipeline();
        u.addLast("tunnel", new Side(client, false));
        for (String name : new String[] {"upstream", "http"}) {
            if (u.get(name) != null) {
                u.remove(name);
            }
        }
        check = client.eventLoop().scheduleAtFixedRate(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        upstream.config().setAutoRead(true);
        client.config().setAutoRead(true);
        if (!client.isActive()) {
            end("client_closed", false);
        } else if (!upstream.isActive()) {
            end("upstream_closed", false);
        }
    }

    /** The bounds of the tunnel and, with {@code close_on_expiry}, the access that opened it. */
    private void check() {
        long now = System.nanoTime();
        if (now - lastActivityNanos >= limits.idleTimeout().toNanos()) {
            end("idle", false);
        } else if (now - openedNanos >= limits.maxLifetime().toNanos()) {
            end("lifetime", false);
        } else if (limits.closeOnExpiry() && identity != null) {
            if (System.currentTimeMillis() / 1000 >= identity.expiresAt()) {
                end("token_expired", true);
            } else if (revoked()) {
                end("revoked", true);
            }
        }
    }

    /** Whether the membership overlay would now refuse the identity that opened the tunnel. */
    private boolean revoked() {
        OverlayVerdict v = gate.membership().check(identity);
        if (v instanceof OverlayVerdict.Refused) {
            return true;
        }
        if (v instanceof OverlayVerdict.Narrowed n) {
            Identity left = new Identity(identity.issuerId(), identity.subject(), n.groups(), identity.scopes(),
                    identity.email(), identity.tokenId(), identity.clientId(), identity.expiresAt(), identity.claims());
            return !route.policy().authorize(left, "GET").allowed();
        }
        return false;
    }

    /**
     * Ends the tunnel, once, whichever way: on a policy end the client gets a close frame 1008
     * (encoded by Netty's RFC 6455 encoder; the relay itself never parses frames), else both
     * connections just close. Then the slot, the metrics and the audit line.
     */
    private void end(String reason, boolean policy) {
        if (ended) {
            return;
        }
        ended = true;
        if (check != null) {
            check.cancel(false);
        }
        upstream.close();
        if (policy && client.isActive()) {
            client.config().setAutoRead(false);
            client.pipeline().addLast("websocket-close", new WebSocket13FrameEncoder(false));
            client.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            client.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        if (holdsSlot) {
            route.release();
        }
        gate.metrics().websocket().closed(route.id(), reason);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedNanos);
        AuditEvent o = opening;
        gate.audit().record(new AuditEvent(System.currentTimeMillis(), o.requestId(), o.reason(), o.routeId(),
                o.method(), o.path(), 101, millis * 1000, o.client(), o.identity(), o.wouldReason(), o.traceId(),
                o.upstream(), o.retried(), o.directoryEvent(), o.credential(), null,
                new TunnelEnd(reason, fromClient, toClient, millis)));
    }

    /** One side of the relay: what it reads goes to {@code peer}. */
    private final class Side extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private final boolean isClient;

        Side(Channel peer, boolean isClient) {
            this.peer = peer;
            this.isClient = isClient;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf) || ended) {
                ReferenceCountUtil.release(msg); // the 101's empty last content, or bytes after the end
                return;
            }
            lastActivityNanos = System.nanoTime();
            if (isClient) {
                fromClient += buf.readableBytes();
            } else {
                toClient += buf.readableBytes();
            }
            peer.write(buf, peer.voidPromise());
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && !ended) {
                peer.config().setAutoRead(true); // this side takes bytes again: read the other
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            end(isClient ? "client_closed" : "upstream_closed", false);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset is the peer's business; channelInactive ends the tunnel
        }
    }
}
