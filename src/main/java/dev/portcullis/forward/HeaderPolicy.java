package dev.portcullis.forward;

import dev.portcullis.config.Cidr;
import dev.portcullis.config.IdentityHeadersConfig;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Compiled header rules: which names are identity headers (and so never accepted from a
 * client), which client addresses may set {@code X-Forwarded-*} and the other client-address
 * headers, and which may continue their own trace.
 */
public final class HeaderPolicy {
    /** RFC 9110 §7.6.1 hop-by-hop fields, plus the non-standard ones proxies still see. */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate");

    private final IdentityHeadersConfig names;
    private final Set<String> reserved;
    /**
     * Headers through which frameworks and services read the client's address (Akamai's and
     * Cloudflare's, nginx's {@code X-Real-IP}, RFC 7239 {@code Forwarded}…), in look-alike form.
     */
    static final Set<String> CLIENT_ADDRESS = Set.of("x-real-ip", "true-client-ip", "x-client-ip",
            "cf-connecting-ip", "client-ip", "x-cluster-client-ip", "forwarded");

    /** Names the proxy frames or handles itself: a look-alike spelling of one is never forwarded. */
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "host", "expect");

    private final List<Cidr> trustedProxies;
    private final List<Cidr> trustedTraceSources;

    /** Without trusted trace sources: no client's {@code traceparent} is continued. */
    public HeaderPolicy(IdentityHeadersConfig names, String assertionHeader, List<String> trustedProxies) {
        this(names, assertionHeader, trustedProxies, List.of());
    }

    public HeaderPolicy(IdentityHeadersConfig names, String assertionHeader, List<String> trustedProxies,
            List<String> trustedTraceSources) {
        this.names = names;
        Set<String> r = new HashSet<>();
        for (String n : List.of(names.subject(), names.groups(), names.email(), names.issuer(), names.scopes(),
                assertionHeader, "X-Request-Id")) {
            r.add(lookalike(n));
        }
        this.reserved = Set.copyOf(r);
        this.trustedProxies = trustedProxies.stream().map(Cidr::parse).toList();
        this.trustedTraceSources = trustedTraceSources.stream().map(Cidr::parse).toList();
    }

    public IdentityHeadersConfig names() {
        return names;
    }

    /**
     * The form under which two header names count as the same: lower case, with {@code _} and
     * {@code .} read as {@code -}. Many servers (CGI, WSGI, Rack, some Spring setups) map
     * {@code X_Auth_Subject} onto {@code X-Auth-Subject}, so a look-alike is an impersonation.
     */
    public static String lookalike(CharSequence name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' || c == '.') {
                sb.append('-');
            } else {
                sb.append(Character.toLowerCase(c));
            }
        }
        return sb.toString();
    }

    /** Whether a client-sent header name must be removed because it could pose as identity. */
    public boolean isReserved(CharSequence name) {
        return isReservedForm(lookalike(name));
    }

    /** {@link #isReserved} for a name already in {@link #lookalike} form (one conversion per header). */
    boolean isReservedForm(String lookalike) {
        return reserved.contains(lookalike);
    }

    public boolean isTrustedProxy(InetAddress client) {
        return anyContains(trustedProxies, client);
    }

    /** Whether this client may continue its own trace ({@code tracing.trusted_sources}). */
    public boolean isTrustedTraceSource(InetAddress client) {
        return anyContains(trustedTraceSources, client);
    }

    private static boolean anyContains(List<Cidr> blocks, InetAddress client) {
        for (Cidr c : blocks) {
            if (c.contains(client)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a name (in {@link #lookalike} form) carries the client's address. */
    static boolean isClientAddress(String lookalike) {
        return CLIENT_ADDRESS.contains(lookalike);
    }

    /**
     * Whether a name is a {@code _} or {@code .} spelling of a framing or hop-by-hop field
     * ({@code Content_Length}, {@code Transfer.Encoding}, {@code Keep_Alive}…). The proxy frames
     * the message by the real ones; a CGI, WSGI or Rack server may read the look-alike as one.
     */
    static boolean isFramingLookalike(String lowerName, String lookalike) {
        return !lowerName.equals(lookalike) && (FRAMING.contains(lookalike) || HOP_BY_HOP.contains(lookalike));
    }

    /**
     * Whether a name listed in {@code Connection} may be removed. Message framing may not: a
     * client (or upstream) that lists {@code Content-Length} would otherwise have its body
     * forwarded without a length, and the next hop would read the body as the next message.
     */
    static boolean removableByConnection(String lowerName) {
        return !lowerName.equals("content-length") && !lowerName.equals("host");
    }

    static boolean isHopByHop(String lowerName) {
        return HOP_BY_HOP.contains(lowerName);
    }

    static String lower(CharSequence s) {
        return s.toString().toLowerCase(Locale.ROOT);
    }
}
