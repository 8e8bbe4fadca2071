package dev.portcullis.forward;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The one rule for which client headers {@link RequestHeaders#rewrite} removes before the proxy
 * adds its own. What depends on the name's characters alone is decided by {@link #of}, once per
 * distinct name and kept ({@link #NAMES}, outside the snapshot: it holds no configuration and
 * outlives reloads); what depends on the configuration (the identity header names,
 * {@link HeaderPolicy#isReservedForm}) and on the request (the names its {@code Connection} lists,
 * whether it comes from a trusted proxy, whether its {@code Authorization} goes on) is applied per
 * request by {@link Name#removed}, with no string built. Names are compared in two forms, both of
 * {@link HeaderPolicy}: lower case ({@link HeaderPolicy#lower}) and look-alike
 * ({@link HeaderPolicy#lookalike}: also {@code _} and {@code .} read as {@code -}).
 */
final class RemovalRule {
    private RemovalRule() {
    }

    private static final int ALWAYS = 1;
    private static final int UNLESS_AUTHORIZATION_KEPT = 2;
    private static final int UNLESS_TRUSTED = 4;

    /** {@link #of} each header name seen: 512 names of at most 128 characters, any other decided on each call. */
    static final ContentCache<Name> NAMES = new ContentCache<>(512, 128, RemovalRule::of);

    /** {@link #of}, kept. */
    static Name name(CharSequence name) {
        return NAMES.get(name);
    }

    /**
     * What the rule says of one name from its characters alone: its lower-case form (which a
     * {@code Connection} token's lower-case form must equal to list it), its look-alike form (which
     * an identity header's must equal for it to pose as one), and the flags of {@link #of}.
     */
    record Name(String lower, String lookalike, int flags) {
        /**
         * Whether a header of this name is removed from a request.
         *
         * @param policy the snapshot's header rules (its identity header names)
         * @param listed whether the request's {@code Connection} lists the name ({@link #listedBy})
         * @param trusted whether the request comes from a trusted proxy
         * @param keepAuthorization whether the client's {@code Authorization} goes to the upstream
         */
        boolean removed(HeaderPolicy policy, boolean listed, boolean trusted, boolean keepAuthorization) {
            return (flags & ALWAYS) != 0 || listed || policy.isReservedForm(lookalike)
                    || ((flags & UNLESS_AUTHORIZATION_KEPT) != 0 && !keepAuthorization)
                    || ((flags & UNLESS_TRUSTED) != 0 && !trusted);
        }

        /** Whether one of the first {@code count} token lists of {@link #connectionTokens} names this name. */
        boolean listedBy(String[][] tokenLists, int count) {
            for (int c = 0; c < count; c++) {
                for (String t : tokenLists[c]) {
                    if (t.equals(lower)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /**
     * The rule on one client header name, but for the identity header names of the configuration
     * ({@link Name#removed}). Removed always: hop-by-hop fields; forwarding and override headers
     * ({@link #isForwarding}); {@code Host} and {@code Expect}, which the proxy handles itself; a
     * {@code _} or {@code .} spelling of a framing or hop-by-hop field; and a look-alike spelling of a
     * client-address header. Removed unless the request's facts keep it: {@code Authorization}
     * (kept with {@code forward_token} and a verified token) and a client-address header in its own
     * spelling (kept from a trusted proxy).
     */
    static Name of(String name) {
        String lower = HeaderPolicy.lower(name);
        String lookalike = HeaderPolicy.lookalike(name);
        boolean clientAddress = HeaderPolicy.isClientAddress(lookalike);
        boolean always = HeaderPolicy.isHopByHop(lower) || isForwarding(lookalike) || lower.equals("host")
                || lower.equals("expect") || HeaderPolicy.isFramingLookalike(lower, lookalike)
                || (clientAddress && !lower.equals(lookalike));
        int flags = (always ? ALWAYS : 0) | (lower.equals("authorization") ? UNLESS_AUTHORIZATION_KEPT : 0)
                | (clientAddress ? UNLESS_TRUSTED : 0);
        return new Name(lower, lookalike, flags);
    }

    /**
     * The lower-case names one {@code Connection} value lists, without {@code Content-Length} and
     * {@code Host} ({@link HeaderPolicy#removableByConnection}): the tokens between commas, trimmed.
     */
    static String[] connectionTokens(String value) {
        List<String> out = new ArrayList<>();
        for (String token : value.split(",")) {
            String t = token.trim();
            if (!t.isEmpty() && HeaderPolicy.removableByConnection(HeaderPolicy.lower(t))) {
                out.add(HeaderPolicy.lower(t));
            }
        }
        return out.toArray(String[]::new);
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
    static boolean isForwarding(String lookalike) {
        return lookalike.startsWith("x-forwarded-") || lookalike.equals("forwarded") || OVERRIDES.contains(lookalike)
                || lookalike.startsWith("x-http2-"); // Netty's HTTP/1-to-2 conversion reads :scheme, :path here
    }

    /**
     * Method and URL overrides honoured by some frameworks (Symfony, Rails, IIS URL Rewrite…), and
     * {@code Proxy}: CGI hands it to the service as {@code HTTP_PROXY}, which many HTTP clients
     * read as their outbound proxy (httpoxy, CVE-2016-5385), and no client has a reason to send it.
     */
    static final Set<String> OVERRIDES = Set.of("x-http-method-override", "x-http-method",
            "x-method-override", "x-original-url", "x-rewrite-url", "x-original-method", "proxy");
}
