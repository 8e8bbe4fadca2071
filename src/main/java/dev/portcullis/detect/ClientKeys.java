package dev.portcullis.detect;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

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

    /** {@code 2001:db8:0:1:0:0:0:0} → {@code 2001:db8:0:1::}: the last four groups are zero. */
    private static String compact(String full) {
        return full.endsWith(":0:0:0:0") ? full.substring(0, full.length() - 7) + ":" : full;
    }
}
