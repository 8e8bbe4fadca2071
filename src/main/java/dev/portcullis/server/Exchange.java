package dev.portcullis.server;

import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.forward.Upstream;
import dev.portcullis.route.RequestTarget;
import dev.portcullis.compile.Route;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

/** Per-request state, reset at each new request. */
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
    long bodyBytes;
    boolean clientKeepAlive;
    boolean requestComplete;
    boolean responseStarted;
    boolean upstreamReusable;
    boolean audited;
    boolean holdsSlot;
    Reason wouldReason;
    int methodClass;
    boolean overheadRecorded;
    dev.portcullis.forward.TraceContext trace;
    long responseDeadlineNanos;
    int status;
    Channel upstream;
    Upstream upstreamAddress;
    ScheduledFuture<?> timer;

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
        bodyBytes = 0;
        clientKeepAlive = HttpUtil.isKeepAlive(r);
        requestComplete = r instanceof LastHttpContent;
        responseStarted = false;
        upstreamReusable = false;
        audited = false;
        holdsSlot = false;
        wouldReason = null;
        methodClass = dev.portcullis.observe.Metrics.methodClass(method);
        overheadRecorded = false;
        trace = null;
        responseDeadlineNanos = 0;
        status = 0;
        upstream = null;
        upstreamAddress = null;
        cancelTimer();
    }

    void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
