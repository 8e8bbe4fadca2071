package dev.portcullis.config;

/**
 * {@code identity_assertion.algorithm}: how Portcullis signs identity assertions. {@code ES256}
 * (ECDSA on P-256, the default) or {@code EdDSA} (Ed25519, RFC 8037), both verified by the usual
 * JOSE libraries; the JWKS publishes an {@code EC}/{@code P-256} or an {@code OKP}/{@code Ed25519}
 * key accordingly.
 */
public enum AssertionAlgorithm {
    ES256("ES256", "1.2.840.10045.2.1", "an EC P-256 key"),
    EDDSA("EdDSA", "1.3.101.112", "an Ed25519 key");

    private final String word;
    private final String keyOid;
    private final String keyNeeded;

    AssertionAlgorithm(String word, String keyOid, String keyNeeded) {
        this.word = word;
        this.keyOid = keyOid;
        this.keyNeeded = keyNeeded;
    }

    /** The JWS {@code alg} name, also the word the config file uses. */
    public String word() {
        return word;
    }

    /** The PKCS#8 algorithm OID of the keys this algorithm signs with. */
    String keyOid() {
        return keyOid;
    }

    /** The key this algorithm needs, for messages ("an EC P-256 key"). */
    public String keyNeeded() {
        return keyNeeded;
    }

    /** {@code algorithm} of {@code n}, {@code fallback} when absent or (with a located error) unknown. */
    static AssertionAlgorithm read(ConfigNode n, AssertionAlgorithm fallback) {
        String value = n.text("algorithm", null);
        if (value == null) {
            return fallback;
        }
        for (AssertionAlgorithm a : values()) {
            if (a.word.equals(value)) {
                return a;
            }
        }
        n.get("algorithm").error("expected 'ES256' or 'EdDSA', was '" + value + "'");
        return fallback;
    }
}
