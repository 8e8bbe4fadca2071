package dev.portcullis.forward;

import dev.portcullis.config.TlsConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
        return server(c, false);
    }

    /** The listener's context; with {@code http2}, ALPN offers {@code h2} before {@code http/1.1}. */
    public static SslContext server(TlsConfig c, boolean http2) throws SSLException {
        KeyPairCheck.requireMatching(c.certFile(), c.keyFile());
        SslContextBuilder b = SslContextBuilder.forServer(new File(c.certFile()), new File(c.keyFile()))
                .protocols(PROTOCOLS).ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
        if (http2) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
        }
        return b.build();
    }

    /** A client context for upstreams; null config means the JVM's trust store and no client certificate. */
    public static SslContext client(TlsConfig c) throws SSLException {
        return clientTls(c).context();
    }

    /**
     * A client context and the identity of what it was built from.
     *
     * @param context the context
     * @param id      SHA-256 (hex) over the paths and the bytes of the CA bundle, certificate and key:
     *                a certificate renewed at the same path is another identity
     */
    public record ClientTls(SslContext context, String id) {
    }

    /**
     * A client context built from the files' bytes, read once, and named by them, so that
     * connections made with one identity are never pooled with another's. Null config: the JVM's
     * trust store and no client certificate.
     */
    public static ClientTls clientTls(TlsConfig c) throws SSLException {
        return clientTls(c, false);
    }

    /**
     * @param h2 offer only {@code h2} by ALPN ({@code upstream_protocol: h2}); an upstream that picks
     *           nothing or something else is refused by the connection ({@link Http2Connection})
     */
    public static ClientTls clientTls(TlsConfig c, boolean h2) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forClient().protocols(PROTOCOLS)
                .ciphers(h2 ? Http2SecurityUtil.CIPHERS : CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
        if (h2) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2));
        }
        byte[] ca = c == null ? null : read(c.caFile());
        byte[] cert = c == null ? null : read(c.certFile());
        byte[] key = c == null ? null : read(c.keyFile());
        if (ca != null) {
            b.trustManager(new ByteArrayInputStream(ca));
        }
        if (cert != null) {
            KeyPairCheck.requireMatching(cert, key, c.certFile(), c.keyFile());
            b.keyManager(new ByteArrayInputStream(cert), new ByteArrayInputStream(key));
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            String[] paths = c == null ? new String[3] : new String[] {c.caFile(), c.certFile(), c.keyFile()};
            byte[][] contents = {ca, cert, key};
            for (int i = 0; i < 3; i++) {
                md.update(String.valueOf(paths[i]).getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                if (contents[i] != null) {
                    md.update(contents[i]);
                }
                md.update((byte) 0);
            }
            return new ClientTls(b.build(), HexFormat.of().formatHex(md.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(String file) throws SSLException {
        if (file == null) {
            return null;
        }
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new SSLException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
