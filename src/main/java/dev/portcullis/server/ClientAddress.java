package dev.portcullis.server;

import java.net.InetAddress;

/**
 * A client connection's address, and its text ({@link InetAddress#getHostAddress}) formatted once
 * for the connection: audit lines and the {@code X-Forwarded-For} the upstream receives both write
 * it, on every request of the connection.
 */
record ClientAddress(InetAddress address, String text) {
    static ClientAddress of(InetAddress address) {
        return new ClientAddress(address, address.getHostAddress());
    }
}
