package dev.portcullis.authn;

import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** Where an issuer's keys come from. Implementations never block the caller. */
public interface KeyFetcher {

    /** A fetched key set, with the freshness the server asked for (Cache-Control max-age). */
    record FetchedKeys(JWKSet keys, OptionalLong maxAgeSeconds) {
    }

    /** Finds the issuer's {@code jwks_uri} through discovery. */
    CompletableFuture<URI> discover(String issuer);

    CompletableFuture<FetchedKeys> fetchKeys(URI jwksUri);
}
