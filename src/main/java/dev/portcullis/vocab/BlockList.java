package dev.portcullis.vocab;

/**
 * The blocked-source steps of the decision core: whether a client address or a token subject is
 * blocked right now. The proxy's is {@link Detection}; the policy tools block nobody.
 */
public interface BlockList {
    /** Blocks nobody: for tools that judge a request without a history. */
    BlockList NONE = (client, issuerId, subject, nowMillis) -> null;

    /**
     * @param client    the client key, or null to ask only about the subject
     * @param issuerId  the verified token's issuer id, or null
     * @param subject   the verified token's subject, or null
     * @return the block in force, or null
     */
    Blocked isBlocked(String client, String issuerId, String subject, long nowMillis);
}
