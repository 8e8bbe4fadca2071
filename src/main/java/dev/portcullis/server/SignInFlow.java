package dev.portcullis.server;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.config.ClientConfig;
import dev.portcullis.config.IssuerConfig;
import dev.portcullis.oidc.HttpOidcClient;
import dev.portcullis.oidc.IdTokenVerifier;
import dev.portcullis.oidc.OidcDiscovery;
import dev.portcullis.oidc.OidcEndpoints;
import dev.portcullis.oidc.Pkce;
import dev.portcullis.oidc.ReturnPath;
import dev.portcullis.oidc.SignInCookies;
import dev.portcullis.oidc.SignInState;
import dev.portcullis.session.SessionCookie;
import dev.portcullis.session.TokenSet;
import dev.portcullis.vocab.Reason;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Browser sign-in with the issuers that have a {@code client}: the start (a 302 to the issuer's
 * {@code authorization_endpoint}, authorization code flow with PKCE S256, {@code state} and
 * {@code nonce} bound to the browser in a sealed sign-in cookie) and the work of the callback (the
 * code exchange and the ID token's verification, off the event loop). The callback's and sign-out's
 * HTTP side is {@link SignInExchange}'s. Shared by every connection; immutable but for the
 * discovered endpoints, which refresh themselves.
 */
final class SignInFlow implements SignIn {

    /** An issuer browsers sign in with: its config, its endpoints, its ID token checks. */
    record Client(IssuerConfig issuer, OidcDiscovery discovery, IdTokenVerifier idTokens) {
        ClientConfig config() {
            return issuer.client();
        }
    }

    /** A sign-in the callback completed: who, and the tokens. */
    record Completed(String subject, TokenSet tokens) {
    }

    private final Map<String, Client> clients;
    private final HttpOidcClient tokenEndpoints;
    private final SignInCookies cookies;
    private final SessionCookie sessionCookie;
    private final Duration signInTimeout;
    private final Clock clock;
    private final Gate gate;
    /**
     * The states of callbacks already taken, until their sign-in would have expired anyway: a
     * callback replayed with the same state and cookie (a copied URL, a kept cookie) goes no further,
     * whatever the issuer makes of a code it has seen. Bounded; in this process only.
     */
    private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> usedStates;

    SignInFlow(Map<String, Client> clients, HttpOidcClient tokenEndpoints, SignInCookies cookies,
            SessionCookie sessionCookie, Duration signInTimeout, Clock clock, Gate gate) {
        this.clients = Map.copyOf(clients);
        this.tokenEndpoints = tokenEndpoints;
        this.cookies = cookies;
        this.sessionCookie = sessionCookie;
        this.signInTimeout = signInTimeout;
        this.clock = clock;
        this.gate = gate;
        this.usedStates = com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(USED_STATES)
                .expireAfterWrite(signInTimeout).executor(Runnable::run).build();
    }

    /** How many taken states are remembered. */
    static final int USED_STATES = 100_000;

    /** True the first time a (verified) state comes back to the callback, false ever after. */
    boolean firstUse(String state) {
        return usedStates.asMap().putIfAbsent(state, Boolean.TRUE) == null;
    }

    @Override
    public FullHttpResponse start(String issuerId, String scheme, String host, String returnTo, String requestId,
            boolean keepAlive) {
        return start(issuerId, scheme, host, returnTo, requestId, keepAlive, null);
    }

    /**
     * The same, seeing the request's {@code Cookie} header: a browser that already holds
     * {@link SignInCookies#MAX_PENDING} sign-in cookies (abandoned tabs) has them cleared.
     */
    @Override
    public FullHttpResponse start(String issuerId, String scheme, String host, String returnTo, String requestId,
            boolean keepAlive, String cookieHeader) {
        Client c = clients.get(issuerId);
        OidcEndpoints endpoints = c == null ? null : c.discovery().endpoints();
        if (endpoints == null) {
            // Not discovered yet (or the issuer is unreachable since start-up): our outage, a 503 page.
            return SignInPages.error(Reason.SIGN_IN_UNAVAILABLE, requestId, List.of(), keepAlive);
        }
        String verifier = Pkce.random();
        SignInState st = new SignInState(Pkce.random(), Pkce.random(), verifier, ReturnPath.orRoot(returnTo),
                issuerId, clock.millis() + signInTimeout.toMillis());
        String uri = endpoints.authorization().toString();
        StringBuilder location = new StringBuilder(uri).append(uri.indexOf('?') < 0 ? '?' : '&')
                .append("response_type=code")
                .append("&client_id=").append(enc(c.config().clientId()))
                .append("&redirect_uri=").append(enc(redirectUri(c, scheme, host)))
                .append("&scope=").append(enc(String.join(" ", scopes(c.config()))))
                .append("&state=").append(st.state())
                .append("&nonce=").append(st.nonce())
                .append("&code_challenge=").append(Pkce.challenge(verifier))
                .append("&code_challenge_method=S256");
        List<String> set = new ArrayList<>();
        List<String> pending = pending(cookieHeader);
        if (pending.size() >= SignInCookies.MAX_PENDING) {
            pending.forEach(name -> set.add(cookies.clear(name)));
        }
        set.add(cookies.set(st));
        return SignInPages.redirect(302, location.toString(), set, requestId, keepAlive);
    }

    /** The names of the sign-in cookies a {@code Cookie} header carries. */
    private List<String> pending(String cookieHeader) {
        List<String> names = new ArrayList<>();
        for (Cookie k : cookies(cookieHeader)) {
            if (k.name().startsWith(cookies.prefix())) {
                names.add(k.name());
            }
        }
        return names;
    }

    /** The cookies of a {@code Cookie} header (Netty's strict decoder: malformed ones are left out). */
    static Set<Cookie> cookies(String cookieHeader) {
        return cookieHeader == null ? Set.of() : ServerCookieDecoder.STRICT.decode(cookieHeader);
    }

    /** {@code openid} and {@code offline_access} always, then the configured scopes. */
    private static Set<String> scopes(ClientConfig c) {
        Set<String> s = new LinkedHashSet<>(List.of("openid"));
        s.addAll(c.scopes());
        s.add("offline_access");
        return s;
    }

    /** The configured {@code redirect_uri}, else the request's scheme and Host with the callback's path. */
    static String redirectUri(Client c, String scheme, String host) {
        String configured = c.config().redirectUri();
        return configured != null ? configured : scheme + "://" + host + ClientConfig.CALLBACK_PATH;
    }

    /**
     * Exchanges the code and verifies the ID token, off the event loop: completes with who signed
     * in, or exceptionally ({@code TokenEndpointError}, {@code IdTokenVerifier.Invalid}, an
     * {@link IOException}).
     */
    CompletableFuture<Completed> complete(Client c, SignInState st, String code, String redirectUri) {
        IssuerKeys keys = gate.snapshot().authenticator().keys(c.issuer().id());
        if (keys == null) {
            return CompletableFuture.failedFuture(new IOException("issuer " + c.issuer().id() + " has no key source"));
        }
        return tokenEndpoints.exchange(c.issuer().id(), code, st.verifier(), redirectUri).thenCompose(tokens -> {
            if (tokens.idToken() == null) {
                return CompletableFuture.failedFuture(new IdTokenVerifier.Invalid("no id_token in the answer"));
            }
            return c.idTokens().verify(tokens.idToken(), st.nonce(), keys)
                    .thenApply((JWTClaimsSet claims) -> new Completed(claims.getSubject(), tokens));
        });
    }

    /**
     * Where sign-out goes on to: the issuer's {@code end_session_endpoint} with {@code id_token_hint}
     * (when the session had an ID token), {@code post_logout_redirect_uri} and {@code client_id};
     * null when {@code post_logout_redirect_uri} is not set or the issuer has no such endpoint.
     */
    String endSessionUrl(Client c, String idToken) {
        OidcEndpoints e = c.discovery().endpoints();
        String after = c.config().postLogoutRedirectUri();
        if (after == null || e == null || e.endSession() == null) {
            return null;
        }
        String uri = e.endSession().toString();
        return uri + (uri.indexOf('?') < 0 ? '?' : '&') + (idToken == null ? "" : "id_token_hint=" + enc(idToken) + "&")
                + "post_logout_redirect_uri=" + enc(after) + "&client_id=" + enc(c.config().clientId());
    }

    /** The issuer a sign-in without {@code issuer=} is for: the only one with a client, else null. */
    String defaultIssuer() {
        return clients.size() == 1 ? clients.keySet().iterator().next() : null;
    }

    Client client(String issuerId) {
        return issuerId == null ? null : clients.get(issuerId);
    }

    /** The token endpoints, for sessions' refreshes ({@code OidcClient}). */
    HttpOidcClient tokenEndpoints() {
        return tokenEndpoints;
    }

    SignInCookies cookies() {
        return cookies;
    }

    SessionCookie sessionCookie() {
        return sessionCookie;
    }

    Clock clock() {
        return clock;
    }

    /** Stops the discovery refreshes. */
    void close() {
        clients.values().forEach(c -> c.discovery().close());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
