package dev.portcullis.authz;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Set;

/**
 * A rule's {@code groups_any} or {@code scopes_any}: an immutable set, the same as
 * {@link Set#copyOf} of its names (same members, order, equality), that also keeps its names as an
 * array, so that {@link #anyIn} checks a caller without an iterator per request.
 */
final class AnyOf extends AbstractSet<String> {
    private final Set<String> names;
    private final String[] array;

    private AnyOf(Set<String> names) {
        this.names = names;
        this.array = names.toArray(new String[0]);
    }

    /** {@code names} as an {@link AnyOf} (a copy), or null for null. */
    static AnyOf of(Set<String> names) {
        return names == null ? null : names instanceof AnyOf a ? a : new AnyOf(Set.copyOf(names));
    }

    /** Whether {@code held} has at least one of these names. */
    boolean anyIn(Set<String> held) {
        for (String w : array) {
            if (held.contains(w)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean contains(Object o) {
        return names.contains(o);
    }

    @Override
    public Iterator<String> iterator() {
        return names.iterator();
    }

    @Override
    public int size() {
        return array.length;
    }
}
