package dev.portcullis.directory;

import java.util.concurrent.CompletableFuture;

/** How calls to the org's API are authorized: the {@code Authorization} header's value. */
interface Credentials {

    /** The header value to send now; fails with a {@link DirectoryException} when none can be had. */
    CompletableFuture<String> authorization();

    /**
     * The org answered 401 to {@code used}: forget it. Returns whether a new value may be worth one
     * more try (an access token can be renewed; a static API token cannot).
     */
    boolean rejected(String used);

    /** A static SSWS API token ({@code Authorization: SSWS …}), read once at start. */
    static Credentials ssws(String token) {
        CompletableFuture<String> value = CompletableFuture.completedFuture("SSWS " + token);
        return new Credentials() {
            @Override
            public CompletableFuture<String> authorization() {
                return value;
            }

            @Override
            public boolean rejected(String used) {
                return false;
            }
        };
    }
}
