package dev.portcullis.observe;

/**
 * How a WebSocket tunnel ended, on the audit line written when it does.
 *
 * @param reason          {@code client_closed}, {@code upstream_closed}, {@code idle}, {@code lifetime},
 *                        {@code token_expired} or {@code revoked}
 * @param bytesFromClient bytes relayed from the client to the upstream
 * @param bytesToClient   bytes relayed from the upstream to the client
 * @param durationMillis  from the 101 to the end
 */
public record TunnelEnd(String reason, long bytesFromClient, long bytesToClient, long durationMillis) {
}
