package dev.portcullis.server;

import dev.portcullis.vocab.Reason;
import dev.portcullis.vocab.Blocked;

/**
 * How an exchange ends, as {@link FrontendHandler#end} carries it out: the reason and status its
 * audit line records, whether the proxy answers the client itself, and whether the connection
 * closes.
 *
 * @param reason  what the audit line and metrics record
 * @param status  the status the audit line records
 * @param answer  the proxy writes its own answer for {@code reason} (a refusal or a failure)
 * @param close   the connection closes; when false and nothing is answered, the response was relayed
 *                and keep-alive decides
 * @param blocked the block behind a {@code source_blocked}/{@code source_forbidden} answer, or null
 */
record Outcome(Reason reason, int status, boolean answer, boolean close, Blocked blocked) {

    /** The proxy answers with {@code reason}; the connection closes when asked or when a body may follow. */
    static Outcome refused(Reason reason, boolean close) {
        return new Outcome(reason, reason.status(), true, close, null);
    }

    /** A blocked source is answered with 429 (or 403) and Retry-After, and its connection closes. */
    static Outcome blocked(Blocked b) {
        Reason reason = b.status() == 429 ? Reason.SOURCE_BLOCKED : Reason.SOURCE_FORBIDDEN;
        return new Outcome(reason, reason.status(), true, true, b);
    }

    /** The upstream's response went out whole; the connection stays open if both sides keep it alive. */
    static Outcome finished(Reason decision, int status) {
        return new Outcome(decision, status, false, false, null);
    }

    /**
     * Nothing more can be told to the client but the close itself (a response cut short, a client
     * that stopped reading or left).
     */
    static Outcome cut(Reason reason, int status) {
        return new Outcome(reason, status, false, true, null);
    }

    /** The upstream's response went out whole: its connection may go back to the pool. */
    boolean relayed() {
        return !answer && !close;
    }

    /** The client closed its connection, or is cut off in a way that leaves it {@code client_closed}. */
    static Outcome clientClosed() {
        return cut(Reason.CLIENT_CLOSED, Reason.CLIENT_CLOSED.status());
    }
}
