package dev.portcullis.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks browser sign-in: each issuer's {@code client}, and that every route with
 * {@code login: browser} is protected and has exactly one accepted issuer to sign browsers in with.
 */
final class LoginChecks {
    private final Problems problems;
    private final EndpointChecks endpoints;

    LoginChecks(Problems problems, EndpointChecks endpoints) {
        this.problems = problems;
        this.endpoints = endpoints;
    }

    void validate(ProxyConfig config) {
        for (int i = 0; i < config.issuers().size(); i++) {
            ClientConfig c = config.issuers().get(i).client();
            if (c != null) {
                validateClient("/issuers/" + i + "/client", c);
            }
        }
        for (int i = 0; i < config.routes().size(); i++) {
            RouteConfig r = config.routes().get(i);
            if (!r.browserLogin()) {
                continue;
            }
            String at = "/routes/" + i + "/login";
            if (r.isPublic()) {
                problems.add(at, "a public route signs no one in: remove 'login: browser' or 'public: true'");
                continue;
            }
            List<String> clients = new ArrayList<>();
            for (IssuerConfig issuer : config.issuers()) {
                if (issuer.client() != null && (r.issuers().isEmpty() || r.issuers().contains(issuer.id()))) {
                    clients.add(issuer.id());
                }
            }
            if (clients.isEmpty()) {
                problems.add(at, "'login: browser' needs an accepted issuer with a 'client' (client_id and a secret "
                        + "or key file) to sign browsers in with");
            } else if (clients.size() > 1) {
                problems.add(at, "more than one accepted issuer has a 'client' (" + String.join(", ", clients)
                        + "); name the one to sign in with in the route's 'issuers'");
            }
        }
    }

    private void validateClient(String at, ClientConfig c) {
        if (c.redirectUri() != null) {
            endpoints.checkUrl(at + "/redirect_uri", c.redirectUri(), false);
            if (!ClientConfig.CALLBACK_PATH.equals(path(c.redirectUri()))) {
                problems.add(at + "/redirect_uri", "the callback is served at " + ClientConfig.CALLBACK_PATH
                        + "; the redirect URI's path must be exactly that");
            }
        }
        if (c.postLogoutRedirectUri() != null) {
            endpoints.checkUrl(at + "/post_logout_redirect_uri", c.postLogoutRedirectUri(), true);
        }
        if (c.sessionIdleTimeout().compareTo(c.sessionMaxAge()) > 0) {
            problems.add(at + "/session_idle_timeout", "longer than 'session_max_age', so it would never apply");
        }
    }

    private static String path(String url) {
        try {
            return new URI(url).getPath();
        } catch (URISyntaxException e) {
            return null; // reported by checkUrl
        }
    }
}
