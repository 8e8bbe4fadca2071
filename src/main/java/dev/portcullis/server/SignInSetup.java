package dev.portcullis.server;

import dev.portcullis.config.ClientConfig;
import dev.portcullis.config.IssuerConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.RouteConfig;
import dev.portcullis.config.SessionsConfig;
import dev.portcullis.oidc.ClientAuthentication;
import dev.portcullis.oidc.HttpOidcClient;
import dev.portcullis.oidc.IdTokenVerifier;
import dev.portcullis.oidc.OidcDiscovery;
import dev.portcullis.oidc.SignInCookies;
import dev.portcullis.session.MemorySessionStore;
import dev.portcullis.session.SessionCookie;
import dev.portcullis.session.Sessions;
import dev.portcullis.vocab.HostName;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the proxy starts browser sign-in, when some route has {@code login: browser}: per issuer with
 * a {@code client}, its discovery (read now and refreshed in the background), client authentication
 * (its secret or key file read now: an unreadable one stops start-up) and ID token checks; the
 * sign-in cookie's key ({@code sessions.key_file}, else random per process); then
 * {@code gate.signIn(..)}. Its HTTP runs on the key fetcher's threads, never on an event loop. A
 * change to {@code client} or {@code sessions} takes a restart.
 */
final class SignInSetup {
    private static final Logger log = LoggerFactory.getLogger(SignInSetup.class);
    /** How long a token endpoint or discovery call may take. */
    static final Duration TIMEOUT = ClientConfig.CALL_TIMEOUT;
    /** How often the discovery document is read again. */
    static final Duration DISCOVERY_REFRESH = Duration.ofHours(1);

    private SignInSetup() {
    }

    /** The sign-in flow, set on the gate; null (and nothing set) when no route has {@code login: browser}. */
    static SignInFlow start(ProxyConfig config, Gate gate, ScheduledExecutorService scheduler, Executor io,
            Clock clock) {
        if (config.routes().stream().noneMatch(RouteConfig::browserLogin)) {
            return null;
        }
        SessionsConfig sc = config.sessions();
        // the session cookie's choice (SessionSetup, which says so at start-up) holds for the sign-in cookies too
        boolean secure = gate.sessionCookie() != null ? gate.sessionCookie().secure()
                : config.tls() != null || !HostName.isLoopback(config.listen().host());
        HttpClient http = HttpClient.newBuilder().executor(io).connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        Map<String, SignInFlow.Client> clients = new HashMap<>();
        Map<String, HttpOidcClient.Issuer> endpoints = new HashMap<>();
        for (IssuerConfig issuer : config.issuers()) {
            if (issuer.client() == null) {
                continue;
            }
            ClientAuthentication auth;
            try {
                auth = ClientAuthentication.load(issuer.client(), clock);
            } catch (IOException e) {
                throw new IllegalArgumentException("issuers." + issuer.id() + ".client: " + e.getMessage(), e);
            }
            OidcDiscovery discovery = new OidcDiscovery(issuer.id(), issuer.issuer(), http, TIMEOUT, scheduler,
                    DISCOVERY_REFRESH);
            clients.put(issuer.id(), new SignInFlow.Client(issuer, discovery,
                    new IdTokenVerifier(issuer, issuer.client().clientId(), clock)));
            endpoints.put(issuer.id(), new HttpOidcClient.Issuer(discovery, auth));
        }
        byte[] key;
        try {
            key = sc.keyFile() == null ? SignInCookies.randomKey() : SignInCookies.keyFrom(Path.of(sc.keyFile()));
        } catch (IOException e) {
            throw new IllegalArgumentException("sessions.key_file: " + e.getMessage(), e);
        }
        SignInFlow flow = new SignInFlow(clients, new HttpOidcClient(endpoints, http, TIMEOUT, clock),
                new SignInCookies(key, secure, sc.signInTimeout()), new SessionCookie(secure), sc.signInTimeout(),
                clock, gate);
        if (gate.sessions() == null) {
            gate.sessions(new Sessions(new MemorySessionStore()));
        }
        gate.sessions().useClient(flow.tokenEndpoints()); // sessions refresh through the same token endpoints
        gate.signIn(flow);
        gate.signInFlow(flow);
        clients.values().forEach(c -> c.discovery().start());
        return flow;
    }
}
