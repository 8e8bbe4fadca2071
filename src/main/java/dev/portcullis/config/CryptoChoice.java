package dev.portcullis.config;

/**
 * {@code server.crypto_provider}: which JCA provider checks token signatures and signs identity
 * assertions. {@code auto} takes Amazon Corretto Crypto Provider (native AWS-LC) when its library
 * loads and passes its self-test on this machine, else the Java providers; {@code java} never loads
 * native code: the JDK's provider checks tokens and Bouncy Castle's signs assertions, as before.
 * Neither is installed as a global JCA provider, so TLS and everything else are unchanged.
 */
public enum CryptoChoice {
    AUTO("auto"), JAVA("java");

    private final String word;

    CryptoChoice(String word) {
        this.word = word;
    }

    /** The word the config file uses. */
    public String word() {
        return word;
    }

    /** {@code server.crypto_provider} of {@code server}, {@code fallback} when absent or (with a located error) unknown. */
    static CryptoChoice read(ConfigNode server, CryptoChoice fallback) {
        String value = server.text("crypto_provider", null);
        if (value == null) {
            return fallback;
        }
        for (CryptoChoice c : values()) {
            if (c.word.equals(value)) {
                return c;
            }
        }
        server.get("crypto_provider").error("expected 'auto' or 'java', was '" + value + "'");
        return fallback;
    }
}
