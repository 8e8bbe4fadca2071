package dev.portcullis.route;

import dev.portcullis.config.PathPattern;
import dev.portcullis.vocab.HostName;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Compiled host-and-path lookup. Built once at config load, immutable and lock-free after.
 *
 * <p>Hosts are looked up first: a request whose host has routes is matched against those; when
 * none of them matches its path, the routes without a host are tried. Within a host, paths are
 * matched through a trie of segments, literal segments before {@code *} before {@code /**}, so
 * the most specific pattern wins and the cost grows with the path's length, not the route count.
 *
 * <p>A case-insensitive pattern's literal segments sit in a second, folded map of each node
 * ({@link PathCase#fold}); at one segment the case-sensitive literal is tried first, then the
 * folded one. An exact or {@code *} pattern that is not {@code trailing_slash: strict} also
 * matches its path with one trailing slash ({@code /a/} for {@code /a}): a service routes
 * {@code /a/} to {@code /a}'s handler, so the gate must judge it by {@code /a}'s rules. An explicit
 * {@code /a/} pattern, when there is one, beats that; a {@code /a/**} at the same node does not.
 */
public final class RouteTable<T> {
    private final Map<String, Node<T>> byHost;
    private final Node<T> anyHost;

    private RouteTable(Map<String, Node<T>> byHost, Node<T> anyHost) {
        this.byHost = byHost;
        this.anyHost = anyHost;
    }

    /**
     * @param routes   the routes, in config order
     * @param host     a route's canonical host, or null for any host
     * @param pattern  a route's path pattern
     */
    public static <T> RouteTable<T> build(List<T> routes, Function<T, String> host, Function<T, PathPattern> pattern) {
        Map<String, Node<T>> byHost = new HashMap<>();
        Node<T> anyHost = new Node<>();
        for (T route : routes) {
            String h = host.apply(route);
            Node<T> root = h == null ? anyHost : byHost.computeIfAbsent(HostName.canonical(h), k -> new Node<>());
            root.insert(pattern.apply(route), route);
        }
        return new RouteTable<>(Map.copyOf(byHost), anyHost);
    }

    /** The route for a canonical host (may be null) and a normalized path, or null when none matches. */
    public T match(String host, String path) {
        if (host != null) {
            Node<T> root = byHost.get(host);
            if (root != null) {
                T found = root.find(path, 0);
                if (found != null) {
                    return found;
                }
            }
        }
        return anyHost.find(path, 0);
    }

    private static final class Node<T> {
        private final Map<String, Node<T>> literal = new HashMap<>(4);
        private final Map<String, Node<T>> folded = new HashMap<>(4);
        private Node<T> one;
        private T exact;
        private boolean exactTakesTrailingSlash;
        private T subtree;

        void insert(PathPattern p, T route) {
            Node<T> n = this;
            for (String seg : p.segments()) {
                if (seg.equals(PathPattern.ONE)) {
                    if (n.one == null) {
                        n.one = new Node<>();
                    }
                    n = n.one;
                } else if (p.caseInsensitive()) {
                    n = n.folded.computeIfAbsent(PathCase.fold(seg), k -> new Node<>());
                } else {
                    n = n.literal.computeIfAbsent(seg, k -> new Node<>());
                }
            }
            if (p.subtree()) {
                if (n.subtree == null) {
                    n.subtree = route;
                }
            } else if (n.exact == null) {
                n.exact = route;
                n.exactTakesTrailingSlash = !p.strictTrailingSlash();
            }
        }

        /** {@code pos} is the index of the '/' before the next segment, or the path's length at its end. */
        T find(String path, int pos) {
            if (pos >= path.length()) {
                return exact != null ? exact : subtree;
            }
            int end = path.indexOf('/', pos + 1);
            if (end < 0) {
                end = path.length();
            }
            if (!literal.isEmpty() || !folded.isEmpty()) {
                String segment = path.substring(pos + 1, end);
                T found = find(literal.get(segment), path, end);
                if (found == null && !folded.isEmpty()) {
                    found = find(folded.get(PathCase.fold(segment)), path, end);
                }
                if (found != null) {
                    return found;
                }
            }
            if (one != null && end > pos + 1) {
                T found = one.find(path, end);
                if (found != null) {
                    return found;
                }
            }
            // What is left is the one trailing slash (slashes are merged): the exact pattern
            // ending here covers it unless it is strict.
            if (exact != null && exactTakesTrailingSlash && end == pos + 1 && end == path.length()) {
                return exact;
            }
            return subtree;
        }

        private static <T> T find(Node<T> child, String path, int end) {
            return child == null ? null : child.find(path, end);
        }
    }
}
