package dev.portcullis.forward;

import dev.portcullis.config.TlsConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.File;
import java.util.List;
import javax.net.ssl.SSLException;

/** Builds TLS contexts: TLS 1.3 and 1.2 only, forward-secret AEAD cipher suites only. */
public final class TlsContexts {
    /** TLS 1.2 suites (TLS 1.3's are all AEAD and always on). */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {
    }

    public static SslContext server(TlsConfig c) throws SSLException {
        KeyPairCheck.requireMatching(c.certFile(), c.keyFile());
        return SslContextBuilder.forServer(new File(c.certFile()), new File(c.keyFile()))
                .protocols(PROTOCOLS).ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE).build();
    }

    /** A client context for upstreams; null config means the JVM's trust store and no client certificate. */
    public static SslContext client(TlsConfig c) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forClient().protocols(PROTOCOLS)
                .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
        if (c != null && c.caFile() != null) {
            b.trustManager(new File(c.caFile()));
        }
        if (c != null && c.certFile() != null) {
            KeyPairCheck.requireMatching(c.certFile(), c.keyFile());
            b.keyManager(new File(c.certFile()), new File(c.keyFile()));
        }
        return b.build();
    }
}
