package dev.portcullis.decide;

import dev.portcullis.authn.AuthResult;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import dev.portcullis.vocab.Blocked;
import dev.portcullis.route.RequestTarget;
import java.util.Objects;

/**
 * What the decision core answers for one request head. Each outcome carries what was learnt on
 * the way (route, normalized target, identity, would-be reason), which the audit line records
 * whatever the outcome.
 *
 * @param <R> the route type
 */
public sealed interface Verdict<R> {

    /** The step a verdict was reached at, in the order {@link Decider#decide} runs them. */
    enum Step {
        BLOCKED_CLIENT, CHECK_HEAD, NORMALIZE, ROUTE, METHOD_OVERRIDE, EXPECT, PREFLIGHT, EXTRACT_TOKEN,
        /** {@code login: browser}, no Authorization: the session cookie ({@link SessionStep}). */
        SESSION,
        /** A cookie-authenticated unsafe request from another origin ({@link SessionStep}). */
        CSRF,
        AUTHENTICATE, BLOCKED_SUBJECT, MEMBERSHIP, AUTHORIZE;

        /** Whether the head passed its checks: a Host was read and a trace may be continued. */
        public boolean headChecked() {
            return compareTo(NORMALIZE) >= 0;
        }
    }

    /** The route matched, or null when none was reached. */
    R route();

    /** The normalized target, or null when normalizing was not reached or failed. */
    RequestTarget target();

    /** How a session cookie took part ({@code login: browser} routes), or null: a bearer or no credential. */
    SessionUse session();

    /**
     * Send it upstream.
     *
     * @param reason      {@code allowed}, {@code public_route}, {@code audit_mode} or {@code cors_passthrough}
     * @param identity    the verified caller, or null (public route; audit mode over a 401)
     * @param wouldReason what enforcing {@code mode: audit} rules or routes would have answered, or null
     * @param directoryEvent the uuid of the directory event that took something from the caller's
     *                    token (membership overlay), or null
     * @param session     how a session cookie took part, or null
     */
    record Forward<R>(Reason reason, R route, RequestTarget target, Identity identity, Reason wouldReason,
            String directoryEvent, SessionUse session) implements Verdict<R> {
        public Forward {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(route, "route");
            Objects.requireNonNull(target, "target");
        }

        /** A forward without a session. */
        public Forward(Reason reason, R route, RequestTarget target, Identity identity, Reason wouldReason,
                String directoryEvent) {
            this(reason, route, target, identity, wouldReason, directoryEvent, null);
        }

        /** A forward no directory event touched. */
        public Forward(Reason reason, R route, RequestTarget target, Identity identity, Reason wouldReason) {
            this(reason, route, target, identity, wouldReason, null);
        }
    }

    /**
     * Answer it ourselves: a refusal, or a CORS preflight the proxy answers for its route (204
     * {@code cors_preflight}, or 403 {@code cors_rejected}, at {@link Step#PREFLIGHT}).
     *
     * @param reason      the refusal
     * @param close       whether the connection closes after the answer (a blocked source: always)
     * @param blocked     the block in force, for {@code Retry-After}, when a source is blocked; else null
     * @param step        the step that refused
     * @param identity    the verified caller, when one was verified
     * @param wouldReason what enforcing the {@code mode: audit} rules would have answered, or null
     * @param directoryEvent the uuid of the directory event that refused it or took away the group it
     *                    needed (membership overlay), or null
     * @param session     how a session cookie took part (a cleared cookie, its {@code session_event}), or null
     */
    record Refuse<R>(Reason reason, boolean close, Blocked blocked, Step step, R route, RequestTarget target,
            Identity identity, Reason wouldReason, String directoryEvent, SessionUse session) implements Verdict<R> {
        public Refuse {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(step, "step");
        }

        /** A refusal without a session. */
        public Refuse(Reason reason, boolean close, Blocked blocked, Step step, R route, RequestTarget target,
                Identity identity, Reason wouldReason, String directoryEvent) {
            this(reason, close, blocked, step, route, target, identity, wouldReason, directoryEvent, null);
        }

        /** A refusal no directory event had a part in. */
        public Refuse(Reason reason, boolean close, Blocked blocked, Step step, R route, RequestTarget target,
                Identity identity, Reason wouldReason) {
            this(reason, close, blocked, step, route, target, identity, wouldReason, null);
        }
    }

    /**
     * The token's issuer keys are being fetched: wait for {@code keys.ready()} (bounded), then call
     * {@link Decider#resume}, which continues from the authenticate step without waiting again.
     *
     * @param keys  the authenticator's wait
     * @param token the extracted bearer token, to authenticate again
     */
    record AwaitKeys<R>(AuthResult.AwaitKeys keys, String token, R route, RequestTarget target, SessionUse session)
            implements Verdict<R> {
        public AwaitKeys {
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(route, "route");
            Objects.requireNonNull(target, "target");
        }

        /** A bearer token's wait. */
        public AwaitKeys(AuthResult.AwaitKeys keys, String token, R route, RequestTarget target) {
            this(keys, token, route, target, null);
        }
    }

    /**
     * The session's access token is being refreshed (one refresh per session): wait for
     * {@code done} (bounded, off the loop), then call {@link Decider#resumeSession}, which looks
     * the session up again without waiting.
     *
     * @param done completes when the refresh is over, whichever way
     */
    record AwaitSession<R>(java.util.concurrent.CompletableFuture<?> done, R route, RequestTarget target)
            implements Verdict<R> {
        public AwaitSession {
            Objects.requireNonNull(done, "done");
            Objects.requireNonNull(route, "route");
            Objects.requireNonNull(target, "target");
        }

        @Override
        public SessionUse session() {
            return null;
        }
    }
}
