package dev.portcullis.server;

import io.netty.handler.codec.http.FullHttpResponse;

/**
 * Starts a browser's sign-in: the answer that sends it to its issuer's
 * {@code authorization_endpoint} (authorization code flow with PKCE S256), with the {@code state},
 * {@code nonce} and verifier bound to the browser in a short-lived cookie. Runs on the event loop;
 * never blocks.
 */
interface SignIn {

    /**
     * @param issuerId  the issuer to sign in with (the route's {@code RoutePolicy#loginIssuer})
     * @param scheme    the client listener's scheme, {@code http} or {@code https}
     * @param host      the request's Host header value, as sent
     * @param returnTo  the same-origin path (and query) to come back to after sign-in
     * @param requestId the exchange's request id
     * @param keepAlive whether the connection stays open after the answer
     */
    FullHttpResponse start(String issuerId, String scheme, String host, String returnTo, String requestId,
            boolean keepAlive);

    /**
     * The same, seeing the request's {@code Cookie} header (null when none), so that a browser piling
     * up abandoned sign-ins has them cleared.
     */
    default FullHttpResponse start(String issuerId, String scheme, String host, String returnTo, String requestId,
            boolean keepAlive, String cookieHeader) {
        return start(issuerId, scheme, host, returnTo, requestId, keepAlive);
    }
}
