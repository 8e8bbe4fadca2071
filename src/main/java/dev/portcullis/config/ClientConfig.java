package dev.portcullis.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code issuers[].client}: the OIDC client Portcullis signs browsers in as, with this issuer
 * (routes with {@code login: browser}). A secret is never written in the config text: it is read
 * from {@code client_secret_file}, or the client authenticates with {@code private_key_jwt}
 * signed by {@code private_key_file}.
 *
 * @param clientId              {@code client_id}
 * @param clientSecretFile      file holding the client secret ({@code client_secret_basic}), or null
 * @param privateKeyFile        PEM or JWK file of the key for {@code private_key_jwt}, or null
 * @param refreshBefore         a session's access token is refreshed this long before it expires (60 s)
 * @param sessionMaxAge         a session's absolute lifetime from sign-in (12 h)
 * @param sessionIdleTimeout    a session unused for this long ends (1 h)
 * @param redirectUri           the callback URL registered with the issuer, or null: built from the
 *                              request's scheme and Host, path {@code /.portcullis/callback}
 * @param scopes                scopes asked for at sign-in ({@code openid} and {@code offline_access} always among them)
 * @param postLogoutRedirectUri where the issuer sends the browser after sign-out; when set, sign-out
 *                              goes on to the issuer's {@code end_session_endpoint}, else it ends here
 */
public record ClientConfig(String clientId, String clientSecretFile, String privateKeyFile, Duration refreshBefore,
        Duration sessionMaxAge, Duration sessionIdleTimeout, String redirectUri, List<String> scopes,
        String postLogoutRedirectUri) {

    public static final Duration DEFAULT_REFRESH_BEFORE = Duration.ofSeconds(60);
    public static final Duration DEFAULT_SESSION_MAX_AGE = Duration.ofHours(12);
    public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofHours(1);
    public static final List<String> DEFAULT_SCOPES = List.of("openid", "profile", "email", "offline_access");
    /** The callback's path on the client listener. */
    public static final String CALLBACK_PATH = "/.portcullis/callback";
    /** How long a token endpoint or discovery call may take. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    public ClientConfig {
        scopes = List.copyOf(scopes);
    }
}
