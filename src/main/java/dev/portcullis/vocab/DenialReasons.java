package dev.portcullis.vocab;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which answers count as denials for intrusion detection.
 *
 * <p>Counted: every 401 (a missing, forged, expired or foreign token, and {@code okta_hook_unauthorized}:
 * guessing the Event Hook's secret is probing), the 403s of the policy
 * ({@code deny_rule}, {@code group_denied}), 404 {@code no_route} (probing for routes is
 * probing), and 400 {@code path_rejected} / {@code bad_request} / {@code method_override_rejected}
 * (path confusion, smuggling and method-override attempts), and {@code http2_abuse} (an HTTP/2
 * connection closed for a flood or a protocol error: no browser or gRPC library does either). Not counted: the proxy's own limits
 * (408, 413, 414, 417, 431: a misconfigured client is not an attacker), among them the slow-client timeouts ({@code header_timeout},
 * {@code body_timeout}, {@code response_write_timeout}: each already bounds what its client costs,
 * and a flaky mobile network or a carrier NAT would cross a threshold as readily as a slowloris),
 * server-side failures (5xx), {@code client_closed}, {@code okta_event_malformed} and
 * {@code method_not_allowed} (the Event Hook receiver's: a malformed delivery already carried the secret),
 * {@code cors_rejected} (a refused preflight lets
 * nothing through, and a page whose origin is missing would get its own users blocked), the membership
 * overlay's refusals ({@code membership_revoked}, {@code user_deactivated}, {@code user_suspended},
 * {@code session_ended}, {@code operator_revoked}: the token is genuine and the directory already took access
 * away, so retrying gains nothing, while blocking the address would lock out colleagues behind one NAT),
 * {@code websocket_malformed} (an outdated WebSocket client, already authenticated and allowed),
 * browser sessions' {@code sign_in_required} (302: how every browser starts) and {@code csrf_rejected}
 * (another site's page makes the victim's browser send it: counting it would let an attacker get its
 * victims blocked; a 401 {@code session_expired} does count, as every 401: a forged cookie is probing), and any
 * 403 not listed here — so a future "source blocked" answer can never count towards its own block.
 * Of browser sign-in's answers only {@code id_token_invalid} counts (a 401: an ID token that does not
 * match this browser's sign-in is a tampered authorization request or an injected code); not
 * {@code sign_in_denied}, {@code sign_in_state_invalid}, {@code sign_in_code_rejected} (a user's
 * declined consent, back button, or sign-in left open too long), nor the issuer's failures.
 */
public final class DenialReasons {
    private static final Set<Reason> COUNTED_NON_401 = EnumSet.of(Reason.DENY_RULE, Reason.GROUP_DENIED,
            Reason.NO_ROUTE, Reason.PATH_REJECTED, Reason.BAD_REQUEST, Reason.METHOD_OVERRIDE_REJECTED,
            Reason.HTTP2_ABUSE);
    private static final boolean[] COUNTED = new boolean[Reason.values().length];
    private static final Map<String, Reason> BY_CODE = new HashMap<>();

    static {
        for (Reason r : Reason.values()) {
            COUNTED[r.ordinal()] = r.status() == 401 || COUNTED_NON_401.contains(r);
            BY_CODE.putIfAbsent(r.code(), r);
        }
    }

    private DenialReasons() {
    }

    /** Whether an answer for this reason counts towards a source's denials. */
    public static boolean counts(Reason reason) {
        return COUNTED[reason.ordinal()];
    }

    /** The reason with this code, or null when there is none. */
    public static Reason byCode(String code) {
        return BY_CODE.get(code);
    }

    /** The codes of the counted reasons, for error messages and documentation. */
    public static Set<String> countedCodes() {
        Set<String> out = new java.util.TreeSet<>();
        for (Reason r : Reason.values()) {
            if (counts(r)) {
                out.add(r.code());
            }
        }
        return out;
    }
}
