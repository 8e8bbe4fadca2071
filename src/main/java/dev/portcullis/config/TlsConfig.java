package dev.portcullis.config;

import java.time.Duration;

/**
 * TLS material, for the listener or for one route's upstreams.
 *
 * @param certFile       PEM certificate chain (the listener's, or the client certificate for mTLS)
 * @param keyFile        PEM private key (PKCS#8) for {@code certFile}
 * @param caFile         PEM CA bundle to verify upstreams with (default: the JVM's trust store)
 * @param reloadInterval how often the listener's files are checked for a renewed certificate
 */
public record TlsConfig(String certFile, String keyFile, String caFile, Duration reloadInterval) {
}
