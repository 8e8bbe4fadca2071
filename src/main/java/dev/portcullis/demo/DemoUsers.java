package dev.portcullis.demo;

import java.util.List;
import java.util.Optional;

/**
 * The fixed users and clients the {@link DevIssuer} knows unless it is given its own users
 * ({@link DevUsers}), so that the demo and tests can print and use them. Each user's password is
 * its login; each client's secret is {@code <id>-secret}.
 */
public final class DemoUsers {

    /** The scopes a user token may carry; a user token carries all of them unless fewer are asked for. */
    public static final List<String> USER_SCOPES = DemoUser.DEFAULT_SCOPES;

    /** The demo users, in display order. */
    public static final List<DemoUser> USERS = List.of(
            new DemoUser("alice", "alice@example.com", "00ualicedemo00000001",
                    List.of("Everyone", "orders-readers")),
            new DemoUser("bob", "bob@example.com", "00ubobdemo0000000002",
                    List.of("Everyone", "orders-readers", "orders-admins")),
            new DemoUser("mallory", "mallory@example.com", "00umallorydemo000003",
                    List.of("Everyone", "orders-admins", "suspended")),
            new DemoUser("carol", "carol@example.com", "00ucaroldemo00000004",
                    List.of("Everyone", "engineering")));

    /** The demo client-credentials clients. */
    public static final List<DemoClient> CLIENTS = List.of(
            new DemoClient("reporting-service", "reporting-service-secret", List.of("orders.read")));

    private DemoUsers() {
    }

    /** Finds a demo user by login ({@code alice}) or login e-mail ({@code alice@example.com}), ignoring case. */
    public static Optional<DemoUser> user(String loginOrEmail) {
        return DevUsers.demo().find(loginOrEmail);
    }

    /** Finds a client by its exact id. */
    public static Optional<DemoClient> client(String clientId) {
        return CLIENTS.stream().filter(c -> c.clientId().equals(clientId)).findFirst();
    }
}
