package dev.portcullis.server;

import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.route.RequestTarget;
import dev.portcullis.compile.Route;
import dev.portcullis.route.CorsPolicy;
import dev.portcullis.forward.CorsHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Per-request state, reset at each new request. What only the upstream leg needs (its connection,
 * the response's status, its deadline) is the {@link UpstreamLeg}'s.
 */
final class Exchange {
    HttpRequest request;
    Snapshot snapshot;
    String requestId;
    String method;
    String rawTarget;
    HttpVersion clientVersion;
    String clientHost;
    RequestTarget target;
    Route route;
    Identity identity;
    Reason decision;
    long startNanos;
    long startMillis;
    /** The key detection counts this request's client under: behind a trusted proxy, the client it forwards for. */
    String clientKey;
    boolean clientKeepAlive;
    boolean requestComplete;
    boolean audited;
    boolean holdsSlot;
    Reason wouldReason;
    /** The directory event (membership overlay) that refused the request or narrowed its token, or null. */
    String directoryEvent;
    int methodClass;
    boolean overheadRecorded;
    dev.portcullis.forward.TraceContext trace;
    /** The {@code Access-Control-Allow-Origin} the route's {@code cors} gives this request's Origin, or null. */
    String corsOrigin;
    ScheduledFuture<?> timer;
    /** The upstream the request was last sent to (its metric label), or null; whether it was retried. */
    String upstream;
    boolean retried;
    /** How a session cookie took part (login: browser), or null; and the cookie the request was read with. */
    dev.portcullis.decide.SessionUse session;
    dev.portcullis.session.SessionCookie sessionCookie;
    /** A WebSocket upgrade its route lets through ({@link WebSocketUpgrade}), and the handshake fields it came with. */
    boolean websocket;
    java.util.List<java.util.Map.Entry<String, String>> websocketFields;
    /** A gRPC request ({@code content-type: application/grpc…}): the proxy's own answers are gRPC-shaped ({@link GrpcAnswers}). */
    boolean grpc;

    void reset(HttpRequest r, String id, Snapshot s) {
        request = r;
        snapshot = s;
        requestId = id;
        method = r.method().name();
        rawTarget = r.uri().length() > 256 ? r.uri().substring(0, 256) : r.uri();
        clientVersion = r.protocolVersion();
        clientHost = null;
        target = null;
        route = null;
        identity = null;
        decision = null;
        startNanos = System.nanoTime();
        startMillis = System.currentTimeMillis();
        clientKeepAlive = HttpUtil.isKeepAlive(r);
        requestComplete = r instanceof LastHttpContent;
        audited = false;
        holdsSlot = false;
        wouldReason = null;
        directoryEvent = null;
        methodClass = dev.portcullis.observe.Metrics.methodClass(method);
        overheadRecorded = false;
        trace = null;
        corsOrigin = null;
        upstream = null;
        retried = false;
        session = null;
        sessionCookie = null;
        websocket = false;
        websocketFields = null;
        grpc = dev.portcullis.reject.GrpcAnswer.isGrpc(r.headers());
        cancelTimer();
    }

    /** The {@code cors} of the exchange's route, once one was routed to; else {@link CorsPolicy#NONE}. */
    CorsPolicy cors() {
        return snapshot == null || route == null ? CorsPolicy.NONE : route.routePolicy().cors();
    }

    void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** The headers every relayed response gets from the proxy: its request id and the route's CORS answer. */
    void stampRelayed(HttpHeaders headers) {
        headers.set("X-Request-Id", requestId);
        CorsHeaders.onRelayed(headers, cors(), corsOrigin);
        SessionAnswers.onRelayed(headers, this);
    }
}
