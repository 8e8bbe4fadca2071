package dev.portcullis.session;

import java.util.Objects;

/**
 * A rotated-away session id that still works for {@code sessions.rotation_grace}: requests
 * already in flight with the old cookie are served by the new session and answered with the new
 * cookie.
 *
 * @param newKey      the store key of the session it leads to
 * @param sealedNewId the new id, sealed with the old one ({@link SessionIds#seal}): only a browser
 *                    that presents the old id can learn the new one; whoever reads the store cannot
 * @param untilMillis when the alias stops working
 */
public record SessionAlias(String newKey, String sealedNewId, long untilMillis) {
    public SessionAlias {
        Objects.requireNonNull(newKey, "newKey");
        Objects.requireNonNull(sealedNewId, "sealedNewId");
    }
}
