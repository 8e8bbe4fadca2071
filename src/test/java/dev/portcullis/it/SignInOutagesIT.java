package dev.portcullis.it;

import static dev.portcullis.it.SignInIT.assertErrorPage;
import static dev.portcullis.it.SignInIT.authorize;
import static dev.portcullis.it.SignInIT.callbackPath;
import static dev.portcullis.it.SignInIT.startSignIn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.oidc.Pkce;
import dev.portcullis.oidc.SignInCookies;
import dev.portcullis.oidc.SignInState;
import java.net.ServerSocket;
import java.time.Duration;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Sign-in when time runs out or the issuer is not there: error pages, never a session. */
class SignInOutagesIT {

    /**
     * With {@code sessions.key_file} the test holds the key, so it can seal sign-in cookies as the
     * proxy would: one past its expiry and one sealed with another key are refused; the same cookie
     * still in time gets past the state check (to the code exchange, where the made-up code's ID token
     * lacks the nonce).
     */
    @Test
    void anExpiredOrForeignSignInCookieIsAnErrorPage() throws Exception {
        java.nio.file.Path keyFile = java.nio.file.Files.createTempFile("session-key", "");
        byte[] key = SignInCookies.randomKey();
        java.nio.file.Files.write(keyFile, key);
        String yaml = SignInIT.CONFIG + "sessions: { key_file: " + keyFile + " }\n";
        try (Harness h = new Harness().start(SignInIT.config(yaml))) {
            SignInCookies ours = new SignInCookies(key, false, Duration.ofMinutes(10));
            SignInCookies foreign = new SignInCookies(SignInCookies.randomKey(), false, Duration.ofMinutes(10));
            long now = System.currentTimeMillis();
            assertThat(callback(h, ours, now - 1000).body()).contains("sign_in_state_invalid");
            assertThat(callback(h, foreign, now + 600_000).body()).contains("sign_in_state_invalid");
            HttpResponse<String> inTime = callback(h, ours, now + 600_000);
            assertThat(inTime.body()).doesNotContain("sign_in_state_invalid");
            // mock-oauth2-server issues tokens for any code, without this sign-in's nonce: refused there.
            assertErrorPage(inTime, 401, "id_token_invalid");
            assertThat(h.proxy().gate().sessions().store().size()).isZero();
        }
    }

    private static HttpResponse<String> callback(Harness h, SignInCookies sealer, long expiresAt) throws Exception {
        String state = Pkce.random();
        String set = sealer.set(new SignInState(state, Pkce.random(), Pkce.random(), "/app/", "mock", expiresAt));
        Browser b = new Browser(h.port());
        b.cookies.put(set.substring(0, set.indexOf('=')), set.substring(set.indexOf('=') + 1, set.indexOf(';')));
        HttpResponse<String> r = b.get("/.portcullis/callback?code=made-up&state=" + state);
        if (r.body().contains("sign_in_state_invalid")) {
            assertErrorPage(r, 400, "sign_in_state_invalid");
        }
        return r;
    }

    @Test
    void anUnreachableTokenEndpointIsAnErrorPage() throws Exception {
        try (Harness h = new Harness().start(SignInIT.config(SignInIT.CONFIG))) {
            Browser b = new Browser(h.port());
            String callback = authorize(b, startSignIn(b, "/app/"));
            h.issuer.shutdown();
            HttpResponse<String> r = b.get(callbackPath(callback));
            assertErrorPage(r, 502, "sign_in_failed");
            assertThat(h.proxy().gate().sessions().store().size()).isZero();
        }
    }

    @Test
    void beforeDiscoverySignInIsUnavailable() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        String yaml = SignInIT.CONFIG.replace("%ISSUER%", "http://127.0.0.1:" + dead + "/default");
        try (Harness h = new Harness().startWithoutWaiting(SignInIT.config(yaml))) {
            Browser b = new Browser(h.port());
            HttpResponse<String> r = b.get("/.portcullis/sign_in?rd=/app/");
            assertErrorPage(r, 503, "sign_in_unavailable");
            assertThat(b.cookies).isEmpty();
        }
    }

    @Test
    void withoutBrowserLoginTheEndpointsAreNoRoutes() throws Exception {
        try (Harness h = new Harness().start()) {
            Browser b = new Browser(h.port());
            for (String path : new String[] {"/.portcullis/sign_in", "/.portcullis/callback?code=x&state=y",
                "/.portcullis/sign_out"}) {
                HttpResponse<String> r = b.get(path);
                assertThat(r.statusCode()).as(path).isEqualTo(404);
                assertThat(r.body()).contains("no_route");
            }
        }
    }
}
