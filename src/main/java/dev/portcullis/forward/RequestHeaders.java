package dev.portcullis.forward;

import dev.portcullis.vocab.Identity;
import dev.portcullis.config.IdentityHeadersConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Rewrites a client's request headers into what the upstream receives. The order matters and is
 * the point: first everything the client may not decide is removed (identity look-alikes,
 * hop-by-hop fields, names listed in {@code Connection}, untrusted forwarding headers), and only
 * then are Portcullis's own headers added, so no client header can remove or replace them. Which client
 * headers go is {@link RemovalRule}'s to say, applied by {@link RemovedNames}.
 */
public final class RequestHeaders {
    private RequestHeaders() {
    }

    /**
     * What the proxy knows about the request, beyond its headers. {@code clientText} is {@code client}
     * as {@link InetAddress#getHostAddress} writes it, formatted once by the connection (the text of
     * {@code X-Forwarded-For}); the constructors without it format it themselves.
     */
    public record Context(Identity identity, InetAddress client, String scheme, String clientHost,
            String upstreamAuthority, boolean preserveHost, boolean forwardToken, String requestId,
            String assertionHeader, CharSequence assertion, TraceContext trace, String clientText) {

        public Context {
            if (clientText == null && client != null) {
                clientText = client.getHostAddress();
            }
        }

        /** The client's address text formatted here, from {@code client}. */
        public Context(Identity identity, InetAddress client, String scheme, String clientHost,
                String upstreamAuthority, boolean preserveHost, boolean forwardToken, String requestId,
                String assertionHeader, CharSequence assertion, TraceContext trace) {
            this(identity, client, scheme, clientHost, upstreamAuthority, preserveHost, forwardToken, requestId,
                    assertionHeader, assertion, trace, null);
        }

        /** Without trace context: {@code traceparent} passes as the client sent it. */
        public Context(Identity identity, InetAddress client, String scheme, String clientHost,
                String upstreamAuthority, boolean preserveHost, boolean forwardToken, String requestId,
                String assertionHeader, CharSequence assertion) {
            this(identity, client, scheme, clientHost, upstreamAuthority, preserveHost, forwardToken, requestId,
                    assertionHeader, assertion, null, null);
        }
    }

    public static void rewrite(HttpHeaders headers, HeaderPolicy policy, Context ctx) {
        boolean chunked = headers.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true);
        boolean trusted = policy.isTrustedProxy(ctx.client());
        String parent = headers.get(TRACEPARENT);
        boolean continued = ctx.trace() != null && ctx.trace().parentSpanId() != null && parent != null
                && parent.regionMatches(3, ctx.trace().traceId(), 0, 32);
        String priorFor = trusted ? joined(headers, X_FORWARDED_FOR) : null;
        String priorProto = trusted ? headers.get(X_FORWARDED_PROTO) : null;
        String priorHost = trusted ? headers.get(X_FORWARDED_HOST) : null;
        String priorForwarded = trusted ? joined(headers, FORWARDED) : null;

        // The client's Authorization goes on only with forward_token and a token that verified: a
        // route in mode: audit forwards requests whose token failed, and the service must not
        // receive a credential the gate never checked.
        boolean keepAuthorization = ctx.forwardToken() && ctx.identity() != null;
        RemovedNames removed = RemovedNames.of(headers, policy, trusted, keepAuthorization);
        removed.removeFrom(headers);
        if (chunked) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }

        headers.set(HttpHeaderNames.HOST, ctx.preserveHost() && ctx.clientHost() != null ? ctx.clientHost()
                : ctx.upstreamAuthority());
        String clientIp = ctx.clientText();
        headers.set(X_FORWARDED_FOR, priorFor == null ? clientIp : priorFor + ", " + clientIp);
        if (priorForwarded != null) {
            headers.set(FORWARDED, priorForwarded + ", for=" + forwardedNode(clientIp));
        }
        headers.set(X_FORWARDED_PROTO, priorProto != null ? priorProto : ctx.scheme());
        String host = priorHost != null ? priorHost : ctx.clientHost();
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        }
        headers.set(X_REQUEST_ID, ctx.requestId());
        if (ctx.trace() != null) {
            headers.set(TRACEPARENT, ctx.trace().traceparent());
            if (!continued) {
                headers.remove(TRACESTATE); // vendor state belongs to the trace it came with
            }
        }
        if (ctx.identity() != null) {
            addIdentity(headers, policy.names(), ctx.identity());
        }
        if (ctx.assertion() != null) {
            headers.set(ctx.assertionHeader(), ctx.assertion());
        }
    }

    private static final AsciiString TRACEPARENT = AsciiString.cached("traceparent");
    private static final AsciiString TRACESTATE = AsciiString.cached("tracestate");
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("X-Forwarded-Proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("X-Forwarded-Host");
    private static final AsciiString FORWARDED = AsciiString.cached("Forwarded");
    private static final AsciiString X_REQUEST_ID = AsciiString.cached("X-Request-Id");

    /** An RFC 7239 node: an IPv4 address as it is, an IPv6 one quoted in brackets. */
    private static String forwardedNode(String ip) {
        int scope = ip.indexOf('%');
        return ip.indexOf(':') < 0 ? ip : "\"[" + (scope < 0 ? ip : ip.substring(0, scope)) + "]\"";
    }

    private static String joined(HttpHeaders headers, CharSequence name) {
        List<String> all = headers.getAll(name);
        return all.isEmpty() ? null : String.join(", ", all);
    }

    /**
     * The groups and scopes headers' values, as ASCII bytes the request encoder copies in bulk,
     * built once per set and kept with it (a cached identity's sets serve all its requests): a
     * 100-group token's list is about 2 KB to join, escape and encode, ≈4 µs on every request, and
     * even a 5-group one's cost an allocation per request. A kept value is about the size of the
     * names it joins; {@code TokenCache.weight} counts it. See {@link IdentityValues}.
     */
    private static final Function<Set<String>, AsciiString> GROUPS_VALUE = IdentityValues::groups;
    private static final Function<Set<String>, AsciiString> SCOPES_VALUE = IdentityValues::scopes;

    private static void addIdentity(HttpHeaders headers, IdentityHeadersConfig names, Identity id) {
        headers.set(names.subject(), IdentityValues.single(id.subject()));
        headers.set(names.groups(), id.fromGroups(GROUPS_VALUE));
        if (id.email() != null) {
            headers.set(names.email(), IdentityValues.single(id.email()));
        }
        headers.set(names.issuer(), IdentityValues.single(id.issuerId()));
        if (!id.scopes().isEmpty()) {
            headers.set(names.scopes(), id.fromScopes(SCOPES_VALUE));
        }
    }
}
