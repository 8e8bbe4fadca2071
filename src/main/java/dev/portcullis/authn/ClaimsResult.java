package dev.portcullis.authn;

import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import java.util.Objects;

/** What {@link ClaimsValidator} makes of a token's claims: who sent it, or why it is refused. */
public sealed interface ClaimsResult {

    /** The claims hold; this is the caller. */
    record Valid(Identity identity) implements ClaimsResult {
        public Valid {
            Objects.requireNonNull(identity, "identity");
        }
    }

    /**
     * The claims are refused.
     *
     * @param reason  the reason code the proxy answers with
     * @param problem what is wrong, in a few words, for the policy tools (a constant: nothing is
     *                formatted on the request path)
     */
    record Invalid(Reason reason, String problem) implements ClaimsResult {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(problem, "problem");
        }
    }
}
