package dev.portcullis.authn;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.authn.AuthResult.Authenticated;
import dev.portcullis.authn.AuthResult.AwaitKeys;
import dev.portcullis.authn.AuthResult.Refused;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.IssuerConfig;
import dev.portcullis.config.ServerConfig;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Verifies bearer tokens: parse, pick the issuer by {@code iss}, check the algorithm, find the
 * key, verify the signature with that issuer's keys only, then validate the claims.
 *
 * <p>Blame is split: a bad token is a 401; keys we cannot get are a 503, never a 401.
 */
public final class Authenticator implements TokenAuthenticator {
    private static final Refused MALFORMED = new Refused(Reason.TOKEN_MALFORMED);

    /** One configured issuer: its key source, accepted algorithms and claim checks. */
    private record TrustedIssuer(IssuerConfig config, IssuerKeys keys, Set<JWSAlgorithm> algorithms,
            ClaimsValidator claims) {
    }

    private final Map<String, TrustedIssuer> byIss;

    private final TokenCache cache;
    private final CacheCounter counter;
    private final Clock clock;
    /** Which groups a verified caller has; outside the token cache, so a cached token sees fresh groups. */
    private final GroupsResolver groups;

    /** Without a verified-token cache, keeping every claim. */
    public Authenticator(List<IssuerConfig> issuers, Map<String, IssuerKeys> keysById, Clock clock) {
        this(issuers, keysById, clock, 0, null);
    }

    /**
     * @param cacheSize  verified tokens kept (0: no cache), each at its first verification
     * @param keptClaims claims an {@link Identity} keeps for {@code claims} conditions (null: all)
     */
    public Authenticator(List<IssuerConfig> issuers, Map<String, IssuerKeys> keysById, Clock clock, long cacheSize,
            Set<String> keptClaims) {
        this(issuers, keysById, clock, cacheSize, ServerConfig.defaults().tokenCacheMaxBytes(), keptClaims,
                CacheCounter.NONE, GroupsResolver.TOKEN, false);
    }

    /**
     * @param cacheMaxBytes heap the cache may hold, by {@link TokenCache#weight}
     * @param counter       told of every cache hit and miss
     * @param groups        which groups a verified caller has ({@code groups_source})
     * @param secondUse     a verified token is kept only at its second verification
     *                      ({@code server.token_cache_admission: second_use}; see {@link TokenCache#admit})
     */
    public Authenticator(List<IssuerConfig> issuers, Map<String, IssuerKeys> keysById, Clock clock, long cacheSize,
            long cacheMaxBytes, Set<String> keptClaims, CacheCounter counter, GroupsResolver groups,
            boolean secondUse) {
        this.groups = java.util.Objects.requireNonNull(groups, "groups");
        this.counter = counter;
        Map<String, TrustedIssuer> map = new HashMap<>();
        for (IssuerConfig c : issuers) {
            Set<JWSAlgorithm> algs = new HashSet<>();
            c.algorithms().forEach(a -> algs.add(JWSAlgorithm.parse(a)));
            map.put(c.issuer(), new TrustedIssuer(c, keysById.get(c.id()), Set.copyOf(algs),
                    new ClaimsValidator(c, clock, keptClaims)));
        }
        this.byIss = Map.copyOf(map);
        this.cache = cacheSize > 0 ? new TokenCache(cacheSize, cacheMaxBytes, secondUse) : null;
        this.clock = clock;
    }

    /**
     * @param token    the bearer token (length already bounded)
     * @param accepted issuer ids the route accepts, or null for all
     * @param mayWait  whether a key fetch may be awaited; false on the retry after waiting
     */
    public AuthResult authenticate(String token, Set<String> accepted, boolean mayWait) {
        return authenticate(token, 0, token.length(), accepted, mayWait);
    }

    /** A cached token is hashed from {@code value} in place: only a miss cuts the token out, to verify it. */
    @Override
    public AuthResult authenticate(String value, int start, int end, Set<String> accepted, boolean mayWait) {
        AuthResult result = verified(value, start, end, accepted, mayWait);
        return result instanceof Authenticated a ? groups.resolve(a, mayWait) : result;
    }

    private AuthResult verified(String value, int start, int end, Set<String> accepted, boolean mayWait) {
        TokenCache.TokenHash hash = null;
        if (cache != null) {
            TokenCache.Probe probe = TokenCache.probe(value, start, end); // no allocation on a hit
            TokenCache.Entry hit = cache.get(probe, clock.millis());
            if (hit == null) {
                counter.miss();
            } else {
                counter.hit();
                if (accepted != null && !accepted.contains(hit.identity().issuerId())) {
                    return new Refused(Reason.ISSUER_NOT_ACCEPTED);
                }
                return hit.result();
            }
            hash = probe.hash();
        }
        return verify(value.substring(start, end), accepted, mayWait, hash);
    }

    private AuthResult verify(String token, Set<String> accepted, boolean mayWait, TokenCache.TokenHash hash) {
        TokenDecoding decoding = TokenDecoding.decode(token);
        if (!(decoding instanceof TokenDecoding.Decoded decoded)) {
            Reason reason = ((TokenDecoding.Undecodable) decoding).reason();
            return reason == Reason.TOKEN_MALFORMED ? MALFORMED : new Refused(reason);
        }
        SignedJWT signed = decoded.jwt();
        String iss = decoded.iss();
        // The issuer named by an unverified token only chooses which keys to verify with; a
        // forged iss just means the signature will not verify with that issuer's keys.
        TrustedIssuer issuer = iss == null ? null : byIss.get(iss);
        if (issuer == null) {
            return new Refused(Reason.ISSUER_UNKNOWN);
        }
        if (accepted != null && !accepted.contains(issuer.config().id())) {
            return new Refused(Reason.ISSUER_NOT_ACCEPTED);
        }
        JWSHeader header = decoded.header();
        if (!issuer.algorithms().contains(header.getAlgorithm())) {
            return new Refused(Reason.ALGORITHM_REJECTED);
        }
        if (decoded.hasCriticalParams()) {
            return MALFORMED;
        }
        IssuerKeys keys = issuer.keys();
        IssuerKeys.VerificationKey key = keys.find(header.getKeyID());
        if (key == null) {
            return missingKey(keys, mayWait);
        }
        if (key.jwk().getAlgorithm() != null && !key.jwk().getAlgorithm().equals(header.getAlgorithm())) {
            return new Refused(Reason.ALGORITHM_REJECTED);
        }
        try {
            if (!signed.verify(key.verifier())) {
                return new Refused(Reason.SIGNATURE_INVALID);
            }
        } catch (JOSEException | IllegalStateException e) {
            return new Refused(Reason.SIGNATURE_INVALID);
        }
        ClaimsResult result = issuer.claims().validate(decoded.claims());
        if (!(result instanceof ClaimsResult.Valid valid)) {
            return new Refused(((ClaimsResult.Invalid) result).reason());
        }
        Identity id = valid.identity();
        Authenticated ok = new Authenticated(id);
        if (hash != null && cache.admit(hash)) {
            cache.put(hash, new TokenCache.Entry(ok, keys, key, header.getKeyID(), id.expiresAt() * 1000));
        }
        return ok;
    }

    /**
     * The key source of the issuer with this id, or null: the ID tokens of browser sign-ins are
     * verified with the same keys as its access tokens.
     */
    public IssuerKeys keys(String issuerId) {
        for (TrustedIssuer t : byIss.values()) {
            if (t.config().id().equals(issuerId)) {
                return t.keys();
            }
        }
        return null;
    }

    private static AuthResult missingKey(IssuerKeys keys, boolean mayWait) {
        if (!keys.isLoaded()) {
            return mayWait ? new AwaitKeys(keys.firstLoad()) : new Refused(Reason.KEYS_UNAVAILABLE);
        }
        if (!mayWait) {
            // A kid we could not look up because the keys endpoint fails may be a new, genuine
            // key: that is our outage (503), not the caller's bad token (401).
            return new Refused(keys.lastFetchFailed() ? Reason.KEYS_UNAVAILABLE : Reason.KEY_UNKNOWN);
        }
        CompletableFuture<Void> refetch = keys.refetchForUnknownKid();
        return refetch == null ? new Refused(Reason.KEY_UNKNOWN) : new AwaitKeys(refetch);
    }
}
