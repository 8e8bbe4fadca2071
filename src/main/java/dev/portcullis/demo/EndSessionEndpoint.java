package dev.portcullis.demo;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET {issuer}/v1/logout}, the RP-initiated logout (OIDC end-session) endpoint. The dev
 * issuer keeps no session of its own (its sign-in page asks every time), so there is nothing to end
 * here; what it checks is where the browser goes next. With {@code post_logout_redirect_uri} the
 * request must carry an {@code id_token_hint} this issuer signed (expired is fine) whose
 * {@code aud} is a registered client, and the URI must be one of that client's post-logout redirect
 * URIs: then a 302 there, with {@code state}. Anything else that names a URI gets an HTML error
 * page, never a redirect (an open redirector); without one, a "signed out" page.
 */
final class EndSessionEndpoint {
    private final String issuer;
    private final SigningKeys keys;
    private final BrowserClients clients;

    EndSessionEndpoint(String issuer, SigningKeys keys, BrowserClients clients) {
        this.issuer = issuer;
        this.keys = keys;
        this.clients = clients;
    }

    Reply handle(String method, String rawQuery) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return SignInPage.error(405, "invalid_request", "GET only").withHeader("Allow", "GET, HEAD");
        }
        Map<String, String> p;
        try {
            p = Exchanges.parseForm(rawQuery);
        } catch (IllegalArgumentException e) {
            return SignInPage.error(400, "invalid_request", e.getMessage());
        }
        String target = p.get("post_logout_redirect_uri");
        if (target == null) {
            return SignInPage.signedOut();
        }
        Optional<BrowserClient> client = hinted(p.get("id_token_hint"));
        if (client.isEmpty()) {
            return SignInPage.error(400, "invalid_request",
                    "post_logout_redirect_uri needs an id_token_hint this issuer signed for a registered client");
        }
        if (!client.get().allowsPostLogoutRedirect(target)) {
            return SignInPage.error(400, "invalid_request", "post_logout_redirect_uri '" + target
                    + "' is not registered for client '" + client.get().clientId() + "'");
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("state", p.get("state"));
        return AuthorizeEndpoint.redirect(target, params);
    }

    /** The client an ID token of ours names as its only audience. */
    private Optional<BrowserClient> hinted(String idToken) {
        JWTClaimsSet claims = idToken == null ? null : keys.verified(idToken);
        if (claims == null || !issuer.equals(claims.getIssuer())) {
            return Optional.empty();
        }
        List<String> aud = claims.getAudience();
        return aud == null || aud.size() != 1 ? Optional.empty() : clients.find(aud.get(0));
    }
}
