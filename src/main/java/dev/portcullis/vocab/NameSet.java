package dev.portcullis.vocab;

import com.github.benmanes.caffeine.cache.Interner;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;

/**
 * An immutable set of names (groups, scopes) that keeps the token's order and is small: one
 * array of interned strings, plus a hash index above {@value #LINEAR} names. Identities live in the
 * verified-token cache by the ten thousand, and most of their bytes were group names repeated in
 * every entry and the {@code LinkedHashSet}s holding them; here a group name is stored once
 * however many callers carry it (a weak interner, so names nobody holds any more are collected).
 * A set also keeps one value derived from it (see {@link #derive}), such as its header form.
 */
final class NameSet extends AbstractSet<String> {
    private static final Interner<String> NAMES = Interner.newWeakInterner();
    private static final int LINEAR = 8;
    private static final NameSet EMPTY = new NameSet(new String[0]);

    private final String[] names;
    private final int[] index; // null at LINEAR names or fewer; otherwise slot → position + 1
    private volatile Derived derived; // the last value derive() computed, with the function that did
    private int hash; // 0 until hashCode() is first asked (a set's hash is a sum: recomputing it is harmless)

    private record Derived(Function<?, ?> how, Object value) {
    }

    private NameSet(String[] names) {
        this.names = names;
        this.index = names.length <= LINEAR ? null : buildIndex(names);
    }

    /** The distinct names of {@code source} in iteration order, interned. */
    static NameSet of(Collection<String> source) {
        if (source instanceof NameSet n) {
            return n;
        }
        if (source.isEmpty()) {
            return EMPTY;
        }
        String[] out = new String[source.size()];
        int n = 0;
        for (String s : source) {
            String name = NAMES.intern(s);
            if (!containsLinear(out, n, name)) {
                out[n++] = name;
            }
        }
        return new NameSet(n == out.length ? out : Arrays.copyOf(out, n));
    }

    private static boolean containsLinear(String[] a, int n, Object o) {
        for (int i = 0; i < n; i++) {
            if (a[i].equals(o)) {
                return true;
            }
        }
        return false;
    }

    private static int[] buildIndex(String[] names) {
        int[] slots = new int[Integer.highestOneBit(names.length * 2 - 1) << 1];
        for (int i = 0; i < names.length; i++) {
            int s = slot(names[i].hashCode(), slots.length);
            while (slots[s] != 0) {
                s = (s + 1) & (slots.length - 1);
            }
            slots[s] = i + 1;
        }
        return slots;
    }

    private static int slot(int hash, int length) {
        return (hash ^ (hash >>> 16)) & (length - 1);
    }

    /**
     * {@code how} applied to this set, computed on the first call and kept: a cached identity
     * serves many requests, and its groups' header form need not be rebuilt for each. {@code how}
     * must be a pure function and one instance (a constant); one value is kept, that of the last
     * function asked, so two functions on one set recompute in turn but never mix their results.
     * Calls from several threads may each compute the value once; they get equal values.
     */
    @SuppressWarnings("unchecked")
    <T> T derive(Function<? super Set<String>, T> how) {
        Derived d = derived;
        if (d == null || d.how() != how) {
            d = new Derived(how, how.apply(this));
            derived = d;
        }
        return (T) d.value();
    }

    @Override
    public boolean contains(Object o) {
        if (!(o instanceof String)) {
            return false;
        }
        if (index == null) {
            return containsLinear(names, names.length, o);
        }
        for (int s = slot(o.hashCode(), index.length); index[s] != 0; s = (s + 1) & (index.length - 1)) {
            if (names[index[s] - 1].equals(o)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The set's hash, computed once: sets are cache keys (the identity assertion's) on every
     * request, and a 100-group caller's set would otherwise be walked each time.
     */
    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0 && names.length > 0) {
            h = super.hashCode();
            hash = h;
        }
        return h;
    }

    @Override
    public int size() {
        return names.length;
    }

    @Override
    public Iterator<String> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < names.length;
            }

            @Override
            public String next() {
                if (next >= names.length) {
                    throw new NoSuchElementException();
                }
                return names[next++];
            }
        };
    }
}
