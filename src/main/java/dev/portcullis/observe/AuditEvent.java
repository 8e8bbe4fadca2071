package dev.portcullis.observe;

import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;

/**
 * One decision, as it will be written to the audit log. Built once per request on the event
 * loop (no formatting there); turned into JSON by the {@link AuditLog} writer thread.
 *
 * @param timestampMillis when the request's headers arrived
 * @param requestId       the id sent upstream as {@code X-Request-Id}
 * @param reason          why it was answered as it was
 * @param routeId         the route, or null when none matched
 * @param method          request method
 * @param path            normalized path (or the raw target, truncated, when it was refused)
 * @param status          the status sent to the client
 * @param durationMicros  from the request's headers to the end of the answer
 * @param client          the client address
 * @param identity        the verified caller, or null
 * @param traceId         the W3C trace id the request was forwarded with (continued or started), or null
 * @param wouldReason     in {@code mode: audit}, the decision that would have been enforced when it differs; else null
 * @param upstream        the upstream the request was last sent to (scheme, host, port), or null when it was not forwarded
 * @param retried         whether it was sent a second time ({@code retry: once})
 * @param directoryEvent  the uuid of the directory event (membership overlay) that refused the request or took a
 *                        group from its token, or null
 * @param credential      {@code bearer} or {@code session} (a browser session's cookie) on authenticated requests, or null
 * @param sessionEvent    what happened to the request's session ({@code refreshed}, {@code refresh_failed},
 *                        {@code idle_timeout}, {@code max_age}, {@code unknown}, {@code rotated_cookie}, …), or null
 * @param tunnel          on the line written when a WebSocket tunnel ends: how it ended; else null
 * @param grpcStatus      the {@code grpc-status} of the proxy's own answer to a gRPC request (sent as HTTP 200), or null
 */
public record AuditEvent(
        long timestampMillis,
        String requestId,
        Reason reason,
        String routeId,
        String method,
        String path,
        int status,
        long durationMicros,
        String client,
        Identity identity,
        Reason wouldReason,
        String traceId,
        String upstream,
        boolean retried,
        String directoryEvent,
        String credential,
        String sessionEvent,
        TunnelEnd tunnel,
        Integer grpcStatus) {

    /** An event that is not the proxy's own answer to a gRPC request. */
    public AuditEvent(long timestampMillis, String requestId, Reason reason, String routeId, String method, String path,
            int status, long durationMicros, String client, Identity identity, Reason wouldReason, String traceId,
            String upstream, boolean retried, String directoryEvent, String credential, String sessionEvent,
            TunnelEnd tunnel) {
        this(timestampMillis, requestId, reason, routeId, method, path, status, durationMicros, client, identity,
                wouldReason, traceId, upstream, retried, directoryEvent, credential, sessionEvent, tunnel, null);
    }

    /** An event of an exchange that is not a WebSocket tunnel's end. */
    public AuditEvent(long timestampMillis, String requestId, Reason reason, String routeId, String method, String path,
            int status, long durationMicros, String client, Identity identity, Reason wouldReason, String traceId,
            String upstream, boolean retried, String directoryEvent, String credential, String sessionEvent) {
        this(timestampMillis, requestId, reason, routeId, method, path, status, durationMicros, client, identity,
                wouldReason, traceId, upstream, retried, directoryEvent, credential, sessionEvent, null);
    }

    /** An event without a credential or session event recorded. */
    public AuditEvent(long timestampMillis, String requestId, Reason reason, String routeId, String method, String path,
            int status, long durationMicros, String client, Identity identity, Reason wouldReason, String traceId,
            String upstream, boolean retried, String directoryEvent) {
        this(timestampMillis, requestId, reason, routeId, method, path, status, durationMicros, client, identity,
                wouldReason, traceId, upstream, retried, directoryEvent, null, null);
    }

    /** An event no directory event had a part in. */
    public AuditEvent(long timestampMillis, String requestId, Reason reason, String routeId, String method, String path,
            int status, long durationMicros, String client, Identity identity, Reason wouldReason, String traceId,
            String upstream, boolean retried) {
        this(timestampMillis, requestId, reason, routeId, method, path, status, durationMicros, client, identity,
                wouldReason, traceId, upstream, retried, null);
    }

    /** An event of a request that was not forwarded. */
    public AuditEvent(long timestampMillis, String requestId, Reason reason, String routeId, String method, String path,
            int status, long durationMicros, String client, Identity identity, Reason wouldReason, String traceId) {
        this(timestampMillis, requestId, reason, routeId, method, path, status, durationMicros, client, identity,
                wouldReason, traceId, null, false, null);
    }
}
