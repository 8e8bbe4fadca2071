package dev.portcullis.demo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code {issuer}/v1/authorize}: the authorization code flow's front door, for browsers.
 *
 * <p>{@code GET} checks the request: a registered {@code client_id} and one of its registered
 * {@code redirect_uri}s (else an HTML error page here: a code or an error is never sent to a URI
 * nobody registered), then {@code response_type=code}, {@code scope} with {@code openid}, and PKCE
 * ({@code code_challenge_method=S256} and a 43-character challenge; required, as OAuth 2.1 wants),
 * whose failures go back to the redirect URI as {@code error=…&state=…}. A request that passes is
 * kept for ten minutes under a random handle, and the sign-in page (a user picker) is shown.
 *
 * <p>{@code POST} is the picker's form: {@code request} (the handle, usable once) and either
 * {@code user} (an active user: a one-time code bound to the client, redirect URI, user, nonce and
 * code challenge, valid one minute, goes back as {@code ?code=…&state=…}) or {@code cancel}
 * ({@code error=access_denied}).
 */
final class AuthorizeEndpoint {
    static final String FORM = "application/x-www-form-urlencoded";
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private final String action;
    private final BrowserClients clients;
    private final Directory directory;
    private final List<String> supportedScopes;
    private final OneTimeStore<SignInRequest> pending;
    private final OneTimeStore<SignInRequest.Code> codes;

    AuthorizeEndpoint(String action, BrowserClients clients, Directory directory, List<String> supportedScopes,
            OneTimeStore<SignInRequest> pending, OneTimeStore<SignInRequest.Code> codes) {
        this.action = action;
        this.clients = clients;
        this.directory = directory;
        this.supportedScopes = List.copyOf(supportedScopes);
        this.pending = pending;
        this.codes = codes;
    }

    Reply handle(String method, String rawQuery, String contentType, byte[] body) {
        return switch (method) {
            case "GET", "HEAD" -> show(rawQuery);
            case "POST" -> contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(FORM)
                    ? SignInPage.error(400, "invalid_request", "the sign-in form is " + FORM)
                    : pick(new String(body, StandardCharsets.UTF_8));
            default -> SignInPage.error(405, "invalid_request", "GET or POST only").withHeader("Allow", "GET, POST");
        };
    }

    private Reply show(String rawQuery) {
        Map<String, String> p;
        try {
            p = Exchanges.parseForm(rawQuery);
        } catch (IllegalArgumentException e) {
            return SignInPage.error(400, "invalid_request", e.getMessage());
        }
        Optional<BrowserClient> client = clients.find(p.get("client_id"));
        if (client.isEmpty()) {
            return SignInPage.error(400, "invalid_client", "unknown client_id '" + p.get("client_id") + "'");
        }
        String redirect = p.get("redirect_uri");
        // Before the redirect URI is known to be registered, nothing may be sent to it: an open
        // redirector would hand codes or errors to whoever wrote the link.
        if (!client.get().allowsRedirect(redirect)) {
            return SignInPage.error(400, "invalid_request", "redirect_uri '" + redirect
                    + "' is not registered for client '" + client.get().clientId() + "'");
        }
        String state = p.get("state");
        if (!"code".equals(p.get("response_type"))) {
            return back(redirect, "unsupported_response_type", "response_type must be code", state);
        }
        List<String> scopes = p.get("scope") == null ? List.of()
                : Arrays.stream(p.get("scope").trim().split(" +")).filter(s -> !s.isEmpty()).distinct().toList();
        if (!scopes.contains("openid")) {
            return back(redirect, "invalid_scope", "scope must include openid", state);
        }
        if (!supportedScopes.containsAll(scopes)) {
            return back(redirect, "invalid_scope", "supported scopes: " + String.join(" ", supportedScopes), state);
        }
        // PKCE is required: a code without a verifier would be redeemable by whoever intercepts it.
        if (!"S256".equals(p.get("code_challenge_method"))) {
            return back(redirect, "invalid_request", "PKCE is required: code_challenge_method must be S256", state);
        }
        String challenge = p.get("code_challenge");
        if (challenge == null || !CHALLENGE.matcher(challenge).matches()) {
            return back(redirect, "invalid_request", "code_challenge must be a base64url SHA-256 (43 characters)",
                    state);
        }
        String handle;
        try {
            handle = pending.put(new SignInRequest(client.get(), redirect, state, p.get("nonce"), challenge, scopes));
        } catch (IllegalStateException e) {
            return back(redirect, "temporarily_unavailable", "too many sign-ins in progress", state);
        }
        List<DemoUser> users = directory.entries().stream().filter(e -> e.status() == Directory.Status.ACTIVE)
                .map(Directory.Entry::user).toList();
        return SignInPage.picker(action, handle, client.get().clientId(), users);
    }

    private Reply pick(String form) {
        Map<String, String> p;
        try {
            p = Exchanges.parseForm(form);
        } catch (IllegalArgumentException e) {
            return SignInPage.error(400, "invalid_request", e.getMessage());
        }
        Optional<SignInRequest> request = pending.take(p.get("request"));
        if (request.isEmpty()) {
            return SignInPage.error(400, "invalid_request",
                    "this sign-in expired or was already used; go back to the application and start again");
        }
        SignInRequest r = request.get();
        if (p.containsKey("cancel")) {
            return back(r.redirectUri(), "access_denied", "the user cancelled the sign-in", r.state());
        }
        Optional<Directory.Entry> user = directory.login(p.get("user"))
                .filter(e -> e.status() == Directory.Status.ACTIVE);
        if (user.isEmpty()) {
            return back(r.redirectUri(), "access_denied", "no such active user", r.state());
        }
        String code;
        try {
            code = codes.put(new SignInRequest.Code(r, user.get().id()));
        } catch (IllegalStateException e) {
            return back(r.redirectUri(), "temporarily_unavailable", "too many codes outstanding", r.state());
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("code", code);
        params.put("state", r.state());
        return redirect(r.redirectUri(), params);
    }

    /** An RFC 6749 §4.1.2.1 error sent back to the (registered) redirect URI. */
    private static Reply back(String redirectUri, String error, String description, String state) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("error", error);
        params.put("error_description", description);
        params.put("state", state);
        return redirect(redirectUri, params);
    }

    /** A 302 to {@code uri} with the non-null {@code params} added to its query, form-encoded. */
    static Reply redirect(String uri, Map<String, String> params) {
        StringBuilder location = new StringBuilder(uri);
        char sep = uri.indexOf('?') < 0 ? '?' : '&';
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getValue() != null) {
                location.append(sep).append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
                sep = '&';
            }
        }
        return new Reply(302, "text/plain; charset=utf-8", new byte[0], Map.of("Location", location.toString(),
                "Cache-Control", "no-store", "Referrer-Policy", "no-referrer"));
    }
}
