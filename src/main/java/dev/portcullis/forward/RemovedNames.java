package dev.portcullis.forward;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Iterator;
import java.util.Map;

/**
 * The client headers {@link RequestHeaders#rewrite} removes: {@link RemovalRule} applied to each
 * header of a request, with each name's forms and each {@code Connection} value's tokens taken from a
 * cache ({@link RemovalRule#NAMES}, {@link #CONNECTION_TOKENS}) so that a name seen before costs no
 * string. The names found are kept in a per-thread buffer until they are removed. One per
 * thread, reused by each rewrite on it (rewrites on one thread never overlap).
 */
final class RemovedNames {
    private static final FastThreadLocal<RemovedNames> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected RemovedNames initialValue() {
            return new RemovedNames();
        }
    };

    /** {@link RemovalRule#connectionTokens} of {@code Connection} values seen (256 of at most 256 characters). */
    static final ContentCache<String[]> CONNECTION_TOKENS = new ContentCache<>(256, 256,
            RemovalRule::connectionTokens);

    private CharSequence[] names = new CharSequence[16];
    private int count;
    private String[][] connection = new String[4][];
    private int connections;

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
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            if (AsciiString.contentEqualsIgnoreCase(e.getKey(), HttpHeaderNames.CONNECTION)) {
                if (connections == connection.length) {
                    connection = java.util.Arrays.copyOf(connection, connections * 2);
                }
                connection[connections++] = CONNECTION_TOKENS.get(e.getValue());
            }
        }
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            RemovalRule.Name n = RemovalRule.name(name);
            if (n.removed(policy, connections > 0 && n.listedBy(connection, connections), trusted, keepAuthorization)) {
                if (count == names.length) {
                    names = java.util.Arrays.copyOf(names, count * 2);
                }
                names[count++] = name;
            }
        }
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
}
