package dev.portcullis.server;

import dev.portcullis.config.ProxyConfig;
import dev.portcullis.directory.Directory;
import dev.portcullis.membership.DirectoryEvent;
import dev.portcullis.membership.EventApplier;
import dev.portcullis.observe.Metrics;
import java.time.Clock;

/** How the proxy starts its Okta directory client and ties it to the membership events. */
final class DirectorySetup {
    private DirectorySetup() {
    }

    /**
     * The Okta directory client when the config can call the Users API; its credentials are read
     * now, once (a change to them, or to {@code okta}, takes a restart). Null otherwise.
     */
    static Directory start(ProxyConfig config, Metrics metrics, Clock clock) {
        if (!config.okta().directoryApi()) {
            return null;
        }
        try {
            return Directory.start(config.okta(), metrics.directory(), clock);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("okta: " + e.getMessage(), e);
        }
    }

    /**
     * The overlay's applier, and with the Users API on, a membership event also makes the user's
     * next lookup read the directory again: an addition applies at once, not after the groups
     * cache's ttl (a removal is applied by the overlay either way).
     */
    static EventApplier applier(EventApplier overlay, Directory directory) {
        if (directory == null) {
            return overlay;
        }
        return event -> {
            overlay.apply(event);
            if (event.userId() != null && (event.type() == DirectoryEvent.Type.MEMBERSHIP_ADD
                    || event.type() == DirectoryEvent.Type.MEMBERSHIP_REMOVE)) {
                directory.groups().forget(event.userId());
            }
        };
    }
}
