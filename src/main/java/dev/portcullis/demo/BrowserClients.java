package dev.portcullis.demo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link BrowserClient}s registered with one dev issuer, by {@code client_id}. */
final class BrowserClients {
    private final Map<String, BrowserClient> clients = new ConcurrentHashMap<>();

    void register(BrowserClient client) {
        clients.put(Objects.requireNonNull(client, "client").clientId(), client);
    }

    Optional<BrowserClient> find(String clientId) {
        return clientId == null ? Optional.empty() : Optional.ofNullable(clients.get(clientId));
    }

    /** The client, if the id is registered and the secret is its secret (compared in constant time). */
    Optional<BrowserClient> authenticate(String clientId, String secret) {
        return find(clientId).filter(c -> secret != null && MessageDigest.isEqual(
                c.secret().getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8)));
    }

    boolean isEmpty() {
        return clients.isEmpty();
    }
}
