package dev.portcullis.tools;

import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import java.util.List;
import java.util.Objects;

/**
 * Who is asking, for an explanation: nobody (no token), an identity stated by hand or read from
 * an unverified token, or a token the proxy would refuse before any rule is read.
 */
public sealed interface Caller {

    /** No bearer token: a protected route answers 401 {@code token_missing}. */
    record Anonymous() implements Caller {
    }

    /**
     * A caller with an identity.
     *
     * @param identity     groups, scopes and claims the rules are evaluated against
     * @param issuerStated whether {@code identity.issuerId()} names a configured issuer; when not,
     *                     a route's {@code issuers:} restriction cannot be checked and is reported
     * @param source       where the identity came from ({@code "token"}, {@code "options"}, a file)
     * @param notes        what was not checked or would differ at the proxy (never a decision)
     */
    record Claimed(Identity identity, boolean issuerStated, String source, List<String> notes) implements Caller {
        public Claimed {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(source, "source");
            notes = List.copyOf(notes);
        }
    }

    /**
     * A token the proxy would refuse with a 401 before authorization.
     *
     * @param issuerId the configured issuer it names, or null when it names none (checked first)
     * @param reason   the 401 reason
     * @param detail   what is wrong, in words
     */
    record Refused(String issuerId, Reason reason, String detail) implements Caller {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** No token at all. */
    static Caller anonymous() {
        return new Anonymous();
    }
}
