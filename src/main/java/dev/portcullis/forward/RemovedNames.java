package dev.portcullis.forward;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The client headers {@link RequestHeaders#rewrite} removes, found without building a string per
 * header: an ASCII name is matched in look-alike form character by character against
 * {@link FoldedNames} tables (the names are those of {@link RequestHeaders#removed}, which states
 * the rules), and the names found are kept in a per-thread buffer until they are removed. A name or
 * a {@code Connection} value with another character than ASCII takes the string path, exactly as
 * before. One per thread, reused by each rewrite on it (rewrites on one thread never overlap).
 */
final class RemovedNames {
    private static final FastThreadLocal<RemovedNames> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected RemovedNames initialValue() {
            return new RemovedNames();
        }
    };

    private static final int HOP_BY_HOP = 1;
    private static final int FRAMING = 2;
    private static final int CLIENT_ADDRESS = 4;
    private static final int FORWARDING = 8;
    private static final int HOST = 16;
    private static final int EXPECT = 32;
    private static final int AUTHORIZATION = 64;
    private static final int CONTENT_LENGTH = 128;
    private static final FoldedNames KNOWN = known();

    private static FoldedNames known() {
        Map<String, Integer> m = new java.util.HashMap<>();
        HeaderPolicy.HOP_BY_HOP.forEach(n -> m.merge(n, HOP_BY_HOP, (a, b) -> a | b));
        for (String n : new String[] {"content-length", "transfer-encoding", "host", "expect"}) {
            m.merge(n, FRAMING, (a, b) -> a | b);
        }
        HeaderPolicy.CLIENT_ADDRESS.forEach(n -> m.merge(n, CLIENT_ADDRESS, (a, b) -> a | b));
        RequestHeaders.OVERRIDES.forEach(n -> m.merge(n, FORWARDING, (a, b) -> a | b));
        m.merge("forwarded", FORWARDING, (a, b) -> a | b);
        m.merge("host", HOST, (a, b) -> a | b);
        m.merge("expect", EXPECT, (a, b) -> a | b);
        m.merge("authorization", AUTHORIZATION, (a, b) -> a | b);
        m.merge("content-length", CONTENT_LENGTH, (a, b) -> a | b);
        return new FoldedNames(m);
    }

    private CharSequence[] names = new CharSequence[16];
    private int count;
    private CharSequence[] connection = new CharSequence[4];
    private int connections;
    /** The last client address asked for and its text: a connection's requests all ask for the same one. */
    private InetAddress lastClient;
    private String lastClientText;

    private RemovedNames() {
    }

    /** The names of {@code headers} to remove (this thread's instance, filled). */
    static RemovedNames of(HttpHeaders headers, HeaderPolicy policy, boolean trusted, boolean keepAuthorization) {
        RemovedNames r = PER_THREAD.get();
        r.find(headers, policy, trusted, keepAuthorization);
        return r;
    }

    private void find(HttpHeaders headers, HeaderPolicy policy, boolean trusted, boolean keepAuthorization) {
        count = 0;
        connections = 0;
        boolean asciiConnection = true;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            if (FoldedNames.equalsIgnoreCase(e.getKey(), 0, e.getKey().length(), HttpHeaderNames.CONNECTION)) {
                connection = add(connection, connections++, e.getValue());
                asciiConnection &= FoldedNames.ascii(e.getValue());
            }
        }
        Set<String> listed = asciiConnection ? null : listed(headers);
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            boolean remove;
            if (listed == null && FoldedNames.ascii(name)) {
                remove = removedAscii(name, policy, trusted, keepAuthorization);
            } else {
                listed = listed != null ? listed : listed(headers); // from here on, every name the string way
                remove = RequestHeaders.removed(HeaderPolicy.lower(name), HeaderPolicy.lookalike(name), listed, policy,
                        trusted, keepAuthorization);
            }
            if (remove) {
                names = add(names, count++, name);
            }
        }
    }

    /** {@link RequestHeaders#removed} for an ASCII name, with only ASCII {@code Connection} values. */
    private boolean removedAscii(CharSequence name, HeaderPolicy policy, boolean trusted, boolean keepAuthorization) {
        int known = KNOWN.get(name);
        boolean plain = FoldedNames.plain(name); // its lower-case form is its look-alike form
        int lowerIs = plain ? known : 0; // the sets its lower-case form is in
        return (lowerIs & (HOP_BY_HOP | HOST | EXPECT)) != 0 || listedByConnection(name, lowerIs)
                || policy.isReservedAscii(name) || (known & FORWARDING) != 0
                || FoldedNames.startsWithFolded(name, "x-forwarded-") || FoldedNames.startsWithFolded(name, "x-http2-")
                || (!keepAuthorization && (lowerIs & AUTHORIZATION) != 0)
                || (!plain && (known & (FRAMING | HOP_BY_HOP)) != 0)
                || ((known & CLIENT_ADDRESS) != 0 && !(trusted && plain));
    }

    /** Whether a {@code Connection} value lists the name (never {@code Content-Length} or {@code Host}). */
    private boolean listedByConnection(CharSequence name, int lowerIs) {
        if (connections == 0 || (lowerIs & (CONTENT_LENGTH | HOST)) != 0) {
            return false;
        }
        for (int c = 0; c < connections; c++) {
            CharSequence v = connection[c];
            for (int from = 0; from <= v.length(); ) {
                int to = from;
                while (to < v.length() && v.charAt(to) != ',') {
                    to++;
                }
                int a = from;
                int b = to;
                while (a < b && v.charAt(a) <= ' ') { // String.trim
                    a++;
                }
                while (b > a && v.charAt(b - 1) <= ' ') {
                    b--;
                }
                if (b > a && FoldedNames.equalsIgnoreCase(v, a, b, name)) {
                    return true;
                }
                from = to + 1;
            }
        }
        return false;
    }

    /** The lower-case names the {@code Connection} values list, as strings (a value that is not ASCII). */
    private static Set<String> listed(HttpHeaders headers) {
        Set<String> out = new HashSet<>();
        for (String v : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : v.split(",")) {
                String t = token.trim();
                if (!t.isEmpty() && HeaderPolicy.removableByConnection(HeaderPolicy.lower(t))) {
                    out.add(HeaderPolicy.lower(t));
                }
            }
        }
        return out;
    }

    private static CharSequence[] add(CharSequence[] a, int i, CharSequence v) {
        CharSequence[] out = i < a.length ? a : java.util.Arrays.copyOf(a, a.length * 2);
        out[i] = v;
        return out;
    }

    /** Removes every name found, and lets go of them. */
    void removeFrom(HttpHeaders headers) {
        for (int i = 0; i < count; i++) {
            headers.remove(names[i]);
            names[i] = null;
        }
        for (int i = 0; i < connections; i++) {
            connection[i] = null;
        }
        count = 0;
        connections = 0;
    }

    /** {@link InetAddress#getHostAddress}, kept for the last address asked for on this thread. */
    String hostAddress(InetAddress client) {
        if (client != lastClient) {
            lastClientText = client.getHostAddress();
            lastClient = client;
        }
        return lastClientText;
    }
}
