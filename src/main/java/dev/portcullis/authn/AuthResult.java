package dev.portcullis.authn;

import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import java.util.concurrent.CompletableFuture;

/** The outcome of authenticating one bearer token. */
public sealed interface AuthResult {

    /** The token is valid; here is who sent it. */
    record Authenticated(Identity identity) implements AuthResult {
    }

    /** The token is refused (401), or its issuer's keys cannot be had (503). */
    record Refused(Reason reason) implements AuthResult {
    }

    /**
     * The token needs keys that are being fetched. Try once more when {@code ready} completes
     * (on the request's own event loop), this time without waiting.
     */
    record AwaitKeys(CompletableFuture<Void> ready) implements AuthResult {
    }
}
