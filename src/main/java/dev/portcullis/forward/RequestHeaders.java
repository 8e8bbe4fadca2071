package dev.portcullis.forward;

import dev.portcullis.vocab.Identity;
import dev.portcullis.config.IdentityHeadersConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Rewrites a client's request headers into what the upstream receives. The order matters and is
 * the point: first everything the client may not decide is removed (identity look-alikes,
 * hop-by-hop fields, names listed in {@code Connection}, untrusted forwarding headers), and only
 * then are Portcullis's own headers added, so no client header can remove or replace them.
 */
public final class RequestHeaders {
    private RequestHeaders() {
    }

    /** What the proxy knows about the request, beyond its headers. */
    public record Context(Identity identity, InetAddress client, String scheme, String clientHost,
            String upstreamAuthority, boolean preserveHost, boolean forwardToken, String requestId,
            String assertionHeader, CharSequence assertion, TraceContext trace) {

        /** Without trace context: {@code traceparent} passes as the client sent it. */
        public Context(Identity identity, InetAddress client, String scheme, String clientHost,
                String upstreamAuthority, boolean preserveHost, boolean forwardToken, String requestId,
                String assertionHeader, CharSequence assertion) {
            this(identity, client, scheme, clientHost, upstreamAuthority, preserveHost, forwardToken, requestId,
                    assertionHeader, assertion, null);
        }
    }

    public static void rewrite(HttpHeaders headers, HeaderPolicy policy, Context ctx) {
        boolean chunked = headers.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true);
        boolean trusted = policy.isTrustedProxy(ctx.client());
        String parent = headers.get("traceparent");
        boolean continued = ctx.trace() != null && ctx.trace().parentSpanId() != null && parent != null
                && parent.regionMatches(3, ctx.trace().traceId(), 0, 32);
        String priorFor = trusted ? joined(headers, "X-Forwarded-For") : null;
        String priorProto = trusted ? headers.get("X-Forwarded-Proto") : null;
        String priorHost = trusted ? headers.get("X-Forwarded-Host") : null;
        String priorForwarded = trusted ? joined(headers, "Forwarded") : null;

        Set<String> connectionListed = new HashSet<>();
        for (String v : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : v.split(",")) {
                String t = token.trim();
                if (!t.isEmpty() && HeaderPolicy.removableByConnection(HeaderPolicy.lower(t))) {
                    connectionListed.add(HeaderPolicy.lower(t));
                }
            }
        }
        // The client's Authorization goes on only with forward_token and a token that verified: a
        // route in mode: audit forwards requests whose token failed, and the service must not
        // receive a credential the gate never checked.
        boolean keepAuthorization = ctx.forwardToken() && ctx.identity() != null;
        List<String> remove = new ArrayList<>();
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            String lower = HeaderPolicy.lower(name);
            String lookalike = HeaderPolicy.lookalike(name);
            if (HeaderPolicy.isHopByHop(lower) || connectionListed.contains(lower) || policy.isReservedForm(lookalike)
                    || isForwarding(lookalike) || lower.equals("host") || lower.equals("expect")
                    || (!keepAuthorization && lower.equals("authorization"))
                    || HeaderPolicy.isFramingLookalike(lower, lookalike)
                    || (HeaderPolicy.isClientAddress(lookalike) && !(trusted && lower.equals(lookalike)))) {
                remove.add(name.toString());
            }
        }
        for (String name : remove) {
            headers.remove(name);
        }
        if (chunked) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }

        headers.set(HttpHeaderNames.HOST, ctx.preserveHost() && ctx.clientHost() != null ? ctx.clientHost()
                : ctx.upstreamAuthority());
        String clientIp = ctx.client().getHostAddress();
        headers.set("X-Forwarded-For", priorFor == null ? clientIp : priorFor + ", " + clientIp);
        if (priorForwarded != null) {
            headers.set("Forwarded", priorForwarded + ", for=" + forwardedNode(ctx.client()));
        }
        headers.set("X-Forwarded-Proto", priorProto != null ? priorProto : ctx.scheme());
        String host = priorHost != null ? priorHost : ctx.clientHost();
        if (host != null) {
            headers.set("X-Forwarded-Host", host);
        }
        headers.set("X-Request-Id", ctx.requestId());
        if (ctx.trace() != null) {
            headers.set("traceparent", ctx.trace().traceparent());
            if (!continued) {
                headers.remove("tracestate"); // vendor state belongs to the trace it came with
            }
        }
        if (ctx.identity() != null) {
            addIdentity(headers, policy.names(), ctx.identity());
        }
        if (ctx.assertion() != null) {
            headers.set(ctx.assertionHeader(), ctx.assertion());
        }
    }

    /**
     * Headers through which a client could tell the upstream where it comes from, or that a
     * different method or URL was meant, than what the gate judged: always removed, and the
     * forwarding ones rewritten by the proxy; so are {@code x-http2-*}, from which an HTTP/2 upstream's
     * {@code :scheme} and {@code :path} would be taken. Compared in look-alike form ({@code X_Forwarded_For}
     * becomes {@code HTTP_X_FORWARDED_FOR} in CGI, WSGI and Rack). The other client-address
     * headers ({@link HeaderPolicy#CLIENT_ADDRESS}) are removed too, unless a trusted proxy sent
     * them in their own spelling: a look-alike is no proxy's doing.
     */
    private static boolean isForwarding(String lookalike) {
        return lookalike.startsWith("x-forwarded-") || lookalike.equals("forwarded") || OVERRIDES.contains(lookalike)
                || lookalike.startsWith("x-http2-"); // Netty's HTTP/1-to-2 conversion takes :scheme and :path from these
    }

    /** An RFC 7239 node: an IPv4 address as it is, an IPv6 one quoted in brackets. */
    private static String forwardedNode(InetAddress a) {
        String ip = a.getHostAddress();
        int scope = ip.indexOf('%');
        return ip.indexOf(':') < 0 ? ip : "\"[" + (scope < 0 ? ip : ip.substring(0, scope)) + "]\"";
    }

    /**
     * Method and URL overrides honoured by some frameworks (Symfony, Rails, IIS URL Rewrite…), and
     * {@code Proxy}: CGI hands it to the service as {@code HTTP_PROXY}, which many HTTP clients
     * read as their outbound proxy (httpoxy, CVE-2016-5385), and no client has a reason to send it.
     */
    private static final Set<String> OVERRIDES = Set.of("x-http-method-override", "x-http-method",
            "x-method-override", "x-original-url", "x-rewrite-url", "x-original-method", "proxy");

    private static String joined(HttpHeaders headers, CharSequence name) {
        List<String> all = headers.getAll(name);
        return all.isEmpty() ? null : String.join(", ", all);
    }

    /**
     * The groups and scopes headers' values, as ASCII bytes the request encoder copies in bulk. A
     * large set's value is built once per (cached) identity and kept: a 100-group token's list is
     * about 2 KB to join, escape and encode, ≈4 µs on every request. A small set's is built per
     * request (a fraction of a microsecond), so the many small identities a cache holds keep nothing more.
     * Both are built by the same function, so a kept value is the value (see {@link IdentityValues}).
     */
    private static final int KEEP_ABOVE = 8;
    private static final Function<Set<String>, AsciiString> GROUPS_VALUE = IdentityValues::groups;
    private static final Function<Set<String>, AsciiString> SCOPES_VALUE = IdentityValues::scopes;

    private static void addIdentity(HttpHeaders headers, IdentityHeadersConfig names, Identity id) {
        headers.set(names.subject(), IdentityValues.single(id.subject()));
        headers.set(names.groups(), id.groups().size() > KEEP_ABOVE ? id.fromGroups(GROUPS_VALUE)
                : GROUPS_VALUE.apply(id.groups()));
        if (id.email() != null) {
            headers.set(names.email(), IdentityValues.single(id.email()));
        }
        headers.set(names.issuer(), IdentityValues.single(id.issuerId()));
        if (!id.scopes().isEmpty()) {
            headers.set(names.scopes(), id.scopes().size() > KEEP_ABOVE ? id.fromScopes(SCOPES_VALUE)
                    : SCOPES_VALUE.apply(id.scopes()));
        }
    }
}
