package dev.portcullis.authn;

/**
 * The step after a token is verified that decides which groups its caller has: those of the token
 * (the default), or those a directory knows ({@code groups_source}). Runs on every authenticated
 * request, cached tokens included, so it must not block: a directory that is still being read is
 * an {@link AuthResult.AwaitKeys}, and on the retry ({@code mayWait} false) an answer.
 */
@FunctionalInterface
public interface GroupsResolver {
    /** Every caller keeps the groups of its token. */
    GroupsResolver TOKEN = (who, mayWait) -> who;

    /**
     * @param who     the verified caller, with the token's groups
     * @param mayWait whether a wait may be answered (false on the retry after one)
     * @return {@code who}, the caller with other groups, a refusal (503) or a wait
     */
    AuthResult resolve(AuthResult.Authenticated who, boolean mayWait);
}
