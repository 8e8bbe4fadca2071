package dev.portcullis.demo;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * An OIDC client of the {@link DevIssuer} that signs browsers in (the authorization code flow with
 * PKCE): a confidential client ({@code client_secret_basic} or {@code client_secret_post}) with its
 * registered redirect and post-logout redirect URIs, which must all be on loopback.
 *
 * <p>A requested URI matches a registered one when the two are equal, or, as RFC 8252 §7.3 allows
 * for native apps on loopback, when they differ only in the port: the demo's proxy may listen on any
 * port, so {@code http://127.0.0.1/.portcullis/callback} admits {@code http://127.0.0.1:8080/.portcullis/callback}.
 * Scheme, host, path and query must be equal; a fragment or user info is never accepted.
 *
 * @param clientId               the {@code client_id}
 * @param secret                 the client secret
 * @param redirectUris           where codes may be sent
 * @param postLogoutRedirectUris where the end-session endpoint may send the browser
 */
public record BrowserClient(String clientId, String secret, List<URI> redirectUris, List<URI> postLogoutRedirectUris) {
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]");

    public BrowserClient {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(secret, "secret");
        if (clientId.isBlank() || secret.isBlank()) {
            throw new IllegalArgumentException("a client needs a client_id and a secret");
        }
        redirectUris = List.copyOf(redirectUris);
        postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
        if (redirectUris.isEmpty()) {
            throw new IllegalArgumentException("client '" + clientId + "' needs at least one redirect URI");
        }
        for (URI u : redirectUris) {
            requireLoopback(u);
        }
        for (URI u : postLogoutRedirectUris) {
            requireLoopback(u);
        }
    }

    /**
     * The demo's client: {@code portcullis-demo} with this secret, codes sent to any loopback port's
     * {@code /.portcullis/callback}, and sign-out returning to a loopback port's {@code /} or {@code /app/}.
     */
    public static BrowserClient demo(String secret) {
        return new BrowserClient(DevIssuer.CLIENT_ID, secret,
                List.of(URI.create("http://127.0.0.1/.portcullis/callback"),
                        URI.create("http://localhost/.portcullis/callback")),
                List.of(URI.create("http://127.0.0.1/"), URI.create("http://127.0.0.1/app/"),
                        URI.create("http://localhost/"), URI.create("http://localhost/app/")));
    }

    /** Whether {@code requested} is one of the redirect URIs. */
    public boolean allowsRedirect(String requested) {
        return matches(redirectUris, requested);
    }

    /** Whether {@code requested} is one of the post-logout redirect URIs. */
    public boolean allowsPostLogoutRedirect(String requested) {
        return matches(postLogoutRedirectUris, requested);
    }

    /** A loopback http(s) URI with a host, no user info and no fragment, else an {@link IllegalArgumentException}. */
    static URI requireLoopback(URI u) {
        if (!loopback(u)) {
            throw new IllegalArgumentException("'" + u + "' is not an http(s) URI on loopback (127.0.0.1, localhost,"
                    + " [::1]) without user info or fragment");
        }
        return u;
    }

    private static boolean loopback(URI u) {
        return u != null && u.isAbsolute() && !u.isOpaque() && u.getHost() != null && u.getRawUserInfo() == null
                && u.getRawFragment() == null && ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                && LOOPBACK.contains(u.getHost().toLowerCase(Locale.ROOT));
    }

    private static boolean matches(List<URI> registered, String requested) {
        if (requested == null) {
            return false;
        }
        URI r;
        try {
            r = new URI(requested);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        if (!loopback(r)) {
            return false;
        }
        for (URI u : registered) {
            // Compared on the raw, undecoded parts: /%2e%2e/ is not the registered path.
            if (u.getScheme().equals(r.getScheme()) && u.getHost().equalsIgnoreCase(r.getHost())
                    && (u.getPort() == -1 || u.getPort() == r.getPort())
                    && u.getRawPath().equals(r.getRawPath()) && Objects.equals(u.getRawQuery(), r.getRawQuery())) {
                return true;
            }
        }
        return false;
    }
}
