package dev.portcullis.detect;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key a client address is counted under. IPv4: the address. IPv6: its /64, because one
 * host is routinely given a whole /64 and could otherwise spread its denials over 2^64 addresses
 * (and fill the tracker with them). Compute it once per connection, not per request.
 */
public final class ClientKeys {
    private ClientKeys() {
    }

    public static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return compact(InetAddress.getByAddress(prefix).getHostAddress()) + "/64";
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an IPv6 address", e);
        }
    }

    /**
     * The key of the client behind trusted proxies: walks {@code X-Forwarded-For} from the right
     * (the entry the nearest proxy appended) past the addresses of trusted proxies, and returns the
     * key of the first one that is not trusted: the client as the outermost trusted proxy saw it.
     * What lies left of it was written by the client and is not believed. Null when there is no
     * such header or its deciding entry is not an IP literal (the caller keeps the connection's key).
     * Only literals are read: nothing is ever looked up in DNS.
     *
     * @param forwardedFor the request's {@code X-Forwarded-For} headers, in order
     * @param trusted      whether an address is a trusted proxy ({@code trusted_proxies})
     */
    public static String forwarded(List<String> forwardedFor, Predicate<InetAddress> trusted) {
        InetAddress last = null;
        for (int h = forwardedFor.size() - 1, seen = 0; h >= 0; h--) {
            String[] entries = forwardedFor.get(h).split(",");
            for (int i = entries.length - 1; i >= 0; i--) {
                if (++seen > MAX_HOPS) {
                    return last == null ? null : of(last);
                }
                InetAddress a = literal(entries[i].strip());
                if (a == null) {
                    return null;
                }
                if (!trusted.test(a)) {
                    return of(a);
                }
                last = a;
            }
        }
        return last == null ? null : of(last); // every hop trusted: the first one is the client
    }

    /** Proxies walked at most: a chain longer than any real one is the client's invention. */
    static final int MAX_HOPS = 32;

    private static final Pattern V4 = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
    private static final Pattern V6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    /** An IPv4 or IPv6 literal (IPv6 optionally in brackets), or null. Never a DNS lookup. */
    static InetAddress literal(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        try {
            if (t.indexOf(':') >= 0) {
                // With a colon the JDK parses an IPv6 literal or fails; it never resolves it.
                return V6.matcher(t).matches() ? InetAddress.getByName(t) : null;
            }
            Matcher m = V4.matcher(t);
            if (!m.matches()) {
                return null;
            }
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(m.group(i + 1));
                if (octet > 255) {
                    return null;
                }
                b[i] = (byte) octet;
            }
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** {@code 2001:db8:0:1:0:0:0:0} → {@code 2001:db8:0:1::}: the last four groups are zero. */
    private static String compact(String full) {
        return full.endsWith(":0:0:0:0") ? full.substring(0, full.length() - 7) + ":" : full;
    }
}
