package dev.portcullis.route;

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
        private Node<T> one;
        private T exact;
        private T subtree;

        void insert(PathPattern p, T route) {
            Node<T> n = this;
            for (String seg : p.segments()) {
                if (seg.equals(PathPattern.ONE)) {
                    if (n.one == null) {
                        n.one = new Node<>();
                    }
                    n = n.one;
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
            if (!literal.isEmpty()) {
                Node<T> child = literal.get(path.substring(pos + 1, end));
                if (child != null) {
                    T found = child.find(path, end);
                    if (found != null) {
                        return found;
                    }
                }
            }
            if (one != null && end > pos + 1) {
                T found = one.find(path, end);
                if (found != null) {
                    return found;
                }
            }
            return subtree;
        }
    }
}
