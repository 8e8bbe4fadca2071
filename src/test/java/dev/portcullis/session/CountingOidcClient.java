package dev.portcullis.session;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A test double of the token endpoint: counts refresh calls and completes them when the test says. */
final class CountingOidcClient implements OidcClient {
    final AtomicInteger calls = new AtomicInteger();
    final CopyOnWriteArrayList<String> refreshTokens = new CopyOnWriteArrayList<>();
    final CopyOnWriteArrayList<CompletableFuture<TokenSet>> pending = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<TokenSet> refresh(String issuerId, String refreshToken) {
        calls.incrementAndGet();
        refreshTokens.add(refreshToken);
        CompletableFuture<TokenSet> f = new CompletableFuture<>();
        pending.add(f);
        return f;
    }

    /** Completes the latest call. */
    void answer(TokenSet tokens) {
        pending.get(pending.size() - 1).complete(tokens);
    }

    void fail(Throwable t) {
        pending.get(pending.size() - 1).completeExceptionally(t);
    }
}
