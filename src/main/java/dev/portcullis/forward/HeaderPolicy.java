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
 * client), and which client addresses may set {@code X-Forwarded-*}.
 */
public final class HeaderPolicy {
    /** RFC 9110 §7.6.1 hop-by-hop fields, plus the non-standard ones proxies still see. */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate");

    private final IdentityHeadersConfig names;
    private final Set<String> reserved;
    private final List<Cidr> trustedProxies;

    public HeaderPolicy(IdentityHeadersConfig names, String assertionHeader, List<String> trustedProxies) {
        this.names = names;
        Set<String> r = new HashSet<>();
        for (String n : List.of(names.subject(), names.groups(), names.email(), names.issuer(), names.scopes(),
                assertionHeader, "X-Request-Id")) {
            r.add(lookalike(n));
        }
        this.reserved = Set.copyOf(r);
        this.trustedProxies = trustedProxies.stream().map(Cidr::parse).toList();
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
        for (Cidr c : trustedProxies) {
            if (c.contains(client)) {
                return true;
            }
        }
        return false;
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
