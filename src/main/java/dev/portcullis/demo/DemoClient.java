package dev.portcullis.demo;

import java.util.List;
import java.util.Objects;

/**
 * A fixed demo OAuth client of the {@link DevIssuer}, for the client-credentials grant.
 *
 * @param clientId the client id, which is also the token's {@code sub} and {@code cid}
 * @param secret   the client secret ({@code <clientId>-secret}, development only)
 * @param scopes   the scopes the client may request
 */
public record DemoClient(String clientId, String secret, List<String> scopes) {

    public DemoClient {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(secret, "secret");
        scopes = List.copyOf(scopes);
    }
}
