package dev.portcullis.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The sign-in cookie opens only as sealed, with the same key, before it expires. */
class SignInCookiesTest {
    private static final long NOW = 1_800_000_000_000L;
    private final byte[] key = SignInCookies.randomKey();
    private final SignInCookies cookies = new SignInCookies(key, true, Duration.ofMinutes(10));
    private final SignInState state = new SignInState(Pkce.random(), Pkce.random(), Pkce.random(), "/app?x=1",
            "okta", NOW + 600_000);

    private String value(String setCookie) {
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    @Test
    void roundTrips() {
        String set = cookies.set(state);
        assertThat(set).startsWith("__Host-portcullis-sign-in-" + state.state().substring(0, 12) + "=")
                .contains("; Path=/; Max-Age=600; HttpOnly; SameSite=Lax; Secure");
        assertThat(cookies.open(value(set), NOW)).isEqualTo(state);
    }

    @Test
    void holdsNoSecretInTheClear() {
        String v = value(cookies.set(state));
        assertThat(v).doesNotContain(state.verifier()).doesNotContain(state.nonce()).doesNotContain("/app");
    }

    @Test
    void tamperedDoesNotOpen() {
        String v = value(cookies.set(state));
        String[] parts = v.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isEmpty()) {
                continue;
            }
            char c = parts[i].charAt(parts[i].length() / 2);
            String[] changed = parts.clone();
            changed[i] = parts[i].substring(0, parts[i].length() / 2) + (c == 'A' ? 'B' : 'A')
                    + parts[i].substring(parts[i].length() / 2 + 1);
            assertThat(cookies.open(String.join(".", changed), NOW)).as("part %d changed", i).isNull();
        }
        assertThat(cookies.open("not a jwe", NOW)).isNull();
        assertThat(cookies.open("", NOW)).isNull();
    }

    @Test
    void anotherKeyDoesNotOpen() {
        SignInCookies other = new SignInCookies(SignInCookies.randomKey(), true, Duration.ofMinutes(10));
        assertThat(other.open(value(cookies.set(state)), NOW)).isNull();
    }

    @Test
    void expiredDoesNotOpen() {
        String v = value(cookies.set(state));
        assertThat(cookies.open(v, state.expiresAtMillis() - 1)).isNotNull();
        assertThat(cookies.open(v, state.expiresAtMillis())).isNull();
    }

    @Test
    void loopbackCookiesAreNotSecureNorHostPrefixed() {
        SignInCookies plain = new SignInCookies(key, false, Duration.ofMinutes(10));
        assertThat(plain.set(state)).startsWith("portcullis-sign-in-").doesNotContain("Secure");
        assertThat(plain.clear("portcullis-sign-in-x")).isEqualTo(
                "portcullis-sign-in-x=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    }

    @Test
    void shortKeysAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SignInCookies(new byte[31], true,
                Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
