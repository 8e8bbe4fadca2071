package dev.portcullis.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code sessions.max_sessions}: the least recently used sessions make room. A scan of the store,
 * so it runs only when a sign-in finds the store full (sign-ins are rare: each is a round trip
 * through the issuer) and in the sweep; never per request.
 */
final class SessionBound {
    private SessionBound() {
    }

    /** Ends the least recently used session; false when there is none. */
    static boolean evictLeastRecentlyUsed(SessionStore store) {
        String[] oldestKey = {null};
        Session[] oldest = {null};
        store.forEachSession((k, s) -> {
            if (oldest[0] == null || s.lastSeenMillis() < oldest[0].lastSeenMillis()) {
                oldest[0] = s;
                oldestKey[0] = k;
            }
        });
        return oldest[0] != null && store.evict(oldestKey[0], oldest[0]);
    }

    /** Ends the least recently used sessions beyond {@code max}; returns how many. */
    static int trim(SessionStore store, long max) {
        long over = store.size() - max;
        if (over <= 0) {
            return 0;
        }
        List<Map.Entry<String, Session>> all = new ArrayList<>();
        store.forEachSession((k, s) -> all.add(Map.entry(k, s)));
        all.sort(Comparator.comparingLong(e -> e.getValue().lastSeenMillis()));
        int n = 0;
        for (int i = 0; i < all.size() && n < over; i++) {
            if (store.evict(all.get(i).getKey(), all.get(i).getValue())) {
                n++;
            }
        }
        return n;
    }
}
