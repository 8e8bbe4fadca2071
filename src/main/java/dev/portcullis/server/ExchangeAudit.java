package dev.portcullis.server;

import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import dev.portcullis.vocab.DenialReasons;
import dev.portcullis.observe.AuditEvent;
import dev.portcullis.observe.Tracing;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.detect.ClientKeys;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns the end of an exchange into what is recorded of it: the route's metrics, the denial that
 * intrusion detection counts, one immutable audit event (sampled, for allowed requests, as
 * configured) and its span. One per client connection; runs on its event loop, where the audit
 * costs one {@link AuditEvent} of references the exchange already holds and one offer to the
 * audit queue: no formatting, no copies, no wake-up of the writer (it polls), and no clock read
 * beyond the duration the route's metrics take too ({@code ts} is the exchange's start); the JSON
 * is built on the writer thread.
 */
final class ExchangeAudit {
    private final Gate gate;
    private final String clientKey;
    private final InetAddress clientAddress;
    /** The client's address as audit lines write it: formatted once per connection ({@link ClientAddress}). */
    private final String clientText;

    /** @param clientKey the key intrusion detection counts this client under (an IPv6 client: its /64) */
    ExchangeAudit(Gate gate, String clientKey, ClientAddress client) {
        this.gate = gate;
        this.clientKey = clientKey;
        this.clientAddress = client.address();
        this.clientText = client.text();
    }

    /**
     * The key detection counts a request's client under: the connection's, or, when the connection
     * comes from a trusted proxy ({@code trusted_proxies}), the client its {@code X-Forwarded-For}
     * names (a load balancer in front of the fleet would otherwise be one client, and blocked).
     */
    String clientKeyOf(HttpRequest r, Snapshot s) {
        if (!s.headers().isTrustedProxy(clientAddress)) {
            return clientKey;
        }
        String forwarded = ClientKeys.forwarded(r.headers().getAll("X-Forwarded-For"), s.headers()::isTrustedProxy);
        return forwarded == null ? clientKey : forwarded;
    }

    /** Records the end of exchange {@code x} with {@code reason}, answered (or cut) with {@code status}. */
    void record(Exchange x, Reason reason, int status) {
        record(x, reason, status, -1);
    }

    /**
     * The same, for an answer that went out gRPC-shaped ({@code grpcStatus} ≥ 0, see {@link GrpcAnswers}):
     * the status sent was 200, and the line also records {@code grpc_status}.
     */
    void record(Exchange x, Reason reason, int httpStatus, int grpcStatus) {
        int status = grpcStatus >= 0 ? 200 : httpStatus;
        long nanos = System.nanoTime() - x.startNanos;
        (x.route != null ? x.route.metrics() : x.snapshot.noRoute()).record(reason, x.methodClass, status, nanos);
        if (!x.overheadRecorded) {
            gate.metrics().overhead(nanos);
        }
        String path = x.target != null ? x.target.path() : x.rawTarget;
        if (DenialReasons.counts(reason)) {
            // x.identity is set only once a token was verified: an unverified sub is never counted.
            Identity id = x.identity;
            gate.detection().onDenial(x.clientKey == null ? clientKey : x.clientKey, id == null ? null : id.issuerId(), id == null ? null : id.subject(),
                    reason, path, x.startMillis);
        }
        // Allowed requests may be sampled by configuration; denials never are.
        double rate = x.snapshot.config().audit().allowedSampleRate();
        boolean write = !reason.allowed() || x.wouldReason != null || x.directoryEvent != null || rate >= 1
                || ThreadLocalRandom.current().nextDouble() < rate;
        Tracing tracing = gate.tracing();
        if (write || tracing != null) {
            AuditEvent e = new AuditEvent(x.startMillis, x.requestId, reason, x.route == null ? null : x.route.id(),
                    x.method, path, status, nanos / 1000, clientText, x.identity, x.wouldReason,
                    x.trace == null ? null : x.trace.traceId(), x.upstream, x.retried, x.directoryEvent,
                    x.identity == null ? null : x.session != null && x.session.accessToken() != null ? "session"
                    : "bearer", x.session == null ? null : x.session.event(), null,
                    grpcStatus >= 0 ? grpcStatus : null);
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

    /**
     * Records an answer given with no request to answer (a head that did not come in time): no
     * route, method or path, and a request id of its own.
     */
    void recordWithoutRequest(Reason r) {
        gate.snapshot().noRoute().record(r, 2, r.status(), 0);
        gate.audit().record(new AuditEvent(System.currentTimeMillis(), gate.nextRequestId(), r, null, "-", "-",
                r.status(), 0, clientText, null, null, null));
    }
}
