package dev.portcullis.oidc;

import dev.portcullis.config.ClientConfig;
import dev.portcullis.directory.ClientAssertion;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;

/**
 * How the sign-in client authenticates at the token endpoint: {@code client_secret_basic} with the
 * secret read once from {@code client_secret_file}, or {@code private_key_jwt} (RFC 7523) signed with
 * the key in {@code private_key_file} ({@link ClientAssertion}, as the Okta service app does). The
 * secret is never logged: {@link #toString} names only the method.
 */
public final class ClientAuthentication {
    private static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private final String clientId;
    private final String basicHeader;
    private final PrivateKey key;
    private final Clock clock;
    /** The assertion signer for the token endpoint last seen (the audience is that endpoint). */
    private volatile Bound assertion;

    private record Bound(String audience, ClientAssertion signer) {
    }

    private ClientAuthentication(String clientId, String basicHeader, PrivateKey key, Clock clock) {
        this.clientId = clientId;
        this.basicHeader = basicHeader;
        this.key = key;
        this.clock = clock;
    }

    /** Reads the client's secret or key file; an unreadable or empty one stops start-up with an {@link IOException}. */
    public static ClientAuthentication load(ClientConfig c, Clock clock) throws IOException {
        if (c.clientSecretFile() != null) {
            String secret = Files.readString(Path.of(c.clientSecretFile()), StandardCharsets.UTF_8).strip();
            if (secret.isEmpty()) {
                throw new IOException(c.clientSecretFile() + ": the client secret file is empty");
            }
            return basic(c.clientId(), secret);
        }
        return new ClientAuthentication(c.clientId(), null, ClientAssertion.readKey(Path.of(c.privateKeyFile())),
                clock);
    }

    /** {@code client_secret_basic}: RFC 6749 §2.3.1, id and secret form-encoded, then Basic. */
    public static ClientAuthentication basic(String clientId, String secret) {
        String pair = form(clientId) + ":" + form(secret);
        return new ClientAuthentication(clientId, "Basic " + Base64.getEncoder()
                .encodeToString(pair.getBytes(StandardCharsets.UTF_8)), null, null);
    }

    /** {@code private_key_jwt} with this key. */
    public static ClientAuthentication privateKeyJwt(String clientId, PrivateKey key, Clock clock) {
        return new ClientAuthentication(clientId, null, key, clock);
    }

    public String clientId() {
        return clientId;
    }

    /** Authenticates a token request to {@code tokenEndpoint}: a header, or form fields added to {@code form}. */
    void apply(HttpRequest.Builder request, Map<String, String> form, URI tokenEndpoint) {
        if (basicHeader != null) {
            request.header("Authorization", basicHeader);
            return;
        }
        Bound a = assertion;
        String audience = tokenEndpoint.toString();
        if (a == null || !audience.equals(a.audience())) {
            a = new Bound(audience, new ClientAssertion(clientId, audience, key, clock));
            assertion = a;
        }
        form.put("client_id", clientId);
        form.put("client_assertion_type", ASSERTION_TYPE);
        form.put("client_assertion", a.signer().next());
    }

    static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ClientAuthentication[" + clientId + ", " + (basicHeader != null ? "client_secret_basic"
                : "private_key_jwt") + "]";
    }
}
