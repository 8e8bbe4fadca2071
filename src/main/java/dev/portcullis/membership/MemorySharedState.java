package dev.portcullis.membership;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link SharedState} in this process: concurrent maps. Lookups take no lock; a write replaces
 * one map entry ({@link ConcurrentHashMap#merge}); {@link #sweep} walks the maps from a scheduled
 * thread, never from the request path.
 */
public final class MemorySharedState implements SharedState, OverlayStore {
    private final Map<Space, ConcurrentHashMap<String, Mark>> spaces = new EnumMap<>(Space.class);
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Instant>> sets = new ConcurrentHashMap<>();

    public MemorySharedState() {
        for (Space s : Space.values()) {
            spaces.put(s, new ConcurrentHashMap<>());
        }
    }

    private final dev.portcullis.session.SessionStore sessions = new dev.portcullis.session.MemorySessionStore();

    @Override
    public OverlayStore overlay() {
        return this;
    }

    @Override
    public dev.portcullis.session.SessionStore sessions() {
        return sessions;
    }

    @Override
    public Mark get(Space space, String key) {
        return spaces.get(space).get(key);
    }

    @Override
    public void putLatest(Space space, String key, Mark mark) {
        spaces.get(space).merge(key, mark, (old, neu) -> old.olderThan(neu) ? neu : old);
    }

    @Override
    public boolean isEmpty(Space space) {
        return spaces.get(space).isEmpty();
    }

    @Override
    public void addMember(String set, String member, Instant expires) {
        // compute, not computeIfAbsent and then merge: a sweep dropping the emptied set meanwhile
        // would take the new member with it
        sets.compute(set, (k, v) -> {
            ConcurrentHashMap<String, Instant> m = v == null ? new ConcurrentHashMap<>() : v;
            m.merge(member, expires, (a, b) -> a.isAfter(b) ? a : b);
            return m;
        });
    }

    @Override
    public Set<String> members(String set) {
        ConcurrentHashMap<String, Instant> m = sets.get(set);
        return m == null ? Set.of() : Set.copyOf(m.keySet());
    }

    @Override
    public int sweep(Instant now) {
        int gone = 0;
        for (ConcurrentHashMap<String, Mark> marks : spaces.values()) {
            for (Map.Entry<String, Mark> e : marks.entrySet()) {
                // remove(key, value): a mark replaced meanwhile by a later one stays
                if (!e.getValue().expires().isAfter(now) && marks.remove(e.getKey(), e.getValue())) {
                    gone++;
                }
            }
        }
        for (Map.Entry<String, ConcurrentHashMap<String, Instant>> s : sets.entrySet()) {
            for (Map.Entry<String, Instant> m : s.getValue().entrySet()) {
                if (!m.getValue().isAfter(now) && s.getValue().remove(m.getKey(), m.getValue())) {
                    gone++;
                }
            }
            sets.computeIfPresent(s.getKey(), (k, v) -> v.isEmpty() ? null : v);
        }
        return gone;
    }

    @Override
    public int size() {
        int n = 0;
        for (ConcurrentHashMap<String, Mark> marks : spaces.values()) {
            n += marks.size();
        }
        for (ConcurrentHashMap<String, Instant> s : sets.values()) {
            n += s.size();
        }
        return n;
    }

    @Override
    public Map<String, Mark> marks(Space space) {
        return new TreeMap<>(spaces.get(space));
    }
}
