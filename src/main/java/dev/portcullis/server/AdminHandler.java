package dev.portcullis.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.vocab.Reason;
import dev.portcullis.observe.Metrics.ClientTimeout;
import dev.portcullis.reject.Rejections;
import dev.portcullis.forward.AssertionKeys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * {@code /healthz}, {@code /readyz} and {@code /metrics} on the admin listener, and
 * {@code /admin/revocations} when {@code admin.token_file} is set ({@link AdminRevocations}).
 */
@ChannelHandler.Sharable
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Gate gate;
    private final Supplier<Collection<IssuerKeys>> issuers;
    private final PrometheusTextFormatWriter text = new PrometheusTextFormatWriter(false);

    private final AssertionKeys assertionKeys;

    private final Supplier<ConfigReloader.Status> reloads;
    /** {@code /admin/revocations}, or null when {@code admin.token_file} is not set (then it is not served). */
    AdminRevocations revocations;

    AdminHandler(Gate gate, Supplier<Collection<IssuerKeys>> issuers, AssertionKeys assertionKeys,
            Supplier<ConfigReloader.Status> reloads) {
        this.reloads = reloads;
        this.gate = gate;
        this.issuers = issuers;
        this.assertionKeys = assertionKeys;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws IOException {
        HeadTimer headTimer = ctx.pipeline().get(HeadTimer.class);
        headTimer.headReceived();
        String path = req.uri();
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        FullHttpResponse res;
        if (revocations != null && path.equals(AdminRevocations.PATH)) {
            AdminRevocations.Answer a = revocations.handle(req);
            res = json(a.status(), a.body());
            if (a.status().code() == 401) {
                res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"portcullis-admin\"");
            }
        } else if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
            res = json(HttpResponseStatus.METHOD_NOT_ALLOWED, "{\"error\":\"method_not_allowed\"}");
        } else if (path.equals("/healthz")) {
            res = json(HttpResponseStatus.OK, "{\"status\":\"ok\"}");
        } else if (path.equals("/readyz")) {
            res = ready();
        } else if (path.equals("/.well-known/jwks.json")) {
            res = json(HttpResponseStatus.OK, assertionKeys.jwksJson());
            res.headers().set(HttpHeaderNames.CACHE_CONTROL, "max-age=60");
        } else if (path.equals("/metrics")) {
            res = metrics(ctx);
        } else {
            res = json(HttpResponseStatus.NOT_FOUND, "{\"error\":\"not_found\"}");
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(res, keepAlive);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
        headTimer.awaitHead();
    }

    /**
     * A request that took longer than {@code admin.header_read_timeout} gets 408 and the connection
     * closes; an idle connection ({@code admin.idle_timeout}) just closes.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HeadTimer.TIMED_OUT) {
            gate.metrics().clientTimeout(ClientTimeout.ADMIN_HEADER);
            ctx.writeAndFlush(Rejections.response(Reason.HEADER_TIMEOUT, false, null))
                    .addListener(ChannelFutureListener.CLOSE);
        } else if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // resets and broken pipes are the client's business
    }

    /**
     * 200 only when every configured issuer's keys are loaded and the proxy is not stopping; the body
     * says which keys are not, and {@code "status":"draining"} once it is stopping.
     */
    private FullHttpResponse ready() throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode iss = body.putObject("issuers");
        boolean ready = true;
        for (IssuerKeys k : issuers.get()) {
            ObjectNode n = iss.putObject(k.issuerId());
            n.put("keys_loaded", k.isLoaded());
            n.put("keys", k.keyCount());
            ready &= k.isLoaded();
        }
        var snap = gate.snapshot();
        ObjectNode cfg = body.putObject("config");
        cfg.put("source", snap.config().source());
        cfg.put("sha256", snap.hash());
        cfg.put("loaded_at_ms", snap.loadedAtMillis());
        cfg.put("routes", snap.routeList().size());
        ConfigReloader.Status r = reloads.get();
        if (r != null) {
            cfg.put("reloads", r.reloads());
            cfg.put("reload_failures", r.failures());
            // A failed reload leaves the proxy serving the last good config: ready, with the error shown.
            cfg.put("last_reload_error", r.lastError());
        }
        UpstreamReport.addTo(body, snap); // information only: see UpstreamReport
        if (gate.directory() != null) {
            // Information only, like the upstreams: on_directory_unavailable decides what requests get.
            ObjectNode dir = body.putObject("directory");
            dir.put("status", gate.directory().status());
            dir.put("last_error", gate.directory().lastError());
        }
        if (gate.shared() != null) {
            // Information only: without Redis the gate serves on (sessions not known here sign in again).
            body.putObject("shared_state").put("status", gate.shared().health().status());
        }
        // A stopping proxy is never ready: load balancers take it out before its listener closes.
        boolean draining = gate.drain().draining();
        body.put("status", draining ? "draining" : ready ? "ready" : "not_ready");
        return json(ready && !draining ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                JSON.writeValueAsString(body));
    }

    private FullHttpResponse metrics(ChannelHandlerContext ctx) throws IOException {
        ByteBuf buf = ctx.alloc().buffer(16384);
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            text.write(out, gate.metrics().registry().scrape());
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, buf);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, PrometheusTextFormatWriter.CONTENT_TYPE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
        return res;
    }

    private static FullHttpResponse json(HttpResponseStatus status, String body) {
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                io.netty.buffer.Unpooled.wrappedBuffer(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return res;
    }
}
