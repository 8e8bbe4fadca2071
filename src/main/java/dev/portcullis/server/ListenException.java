package dev.portcullis.server;

import java.util.Locale;
import java.util.Objects;

/**
 * A listener that could not bind its address. The message names the config key and the address,
 * and says whether it is in use: {@code listen: 127.0.0.1:8080 is in use}, so that start-up can
 * fail with one line instead of the socket layer's stack trace.
 */
public final class ListenException extends RuntimeException {
    private final String key;
    private final String address;
    private final boolean inUse;

    public ListenException(String key, String host, int port, Throwable cause) {
        super(key + ": " + describe(host + ":" + port, cause), cause);
        this.key = Objects.requireNonNull(key, "key");
        this.address = host + ":" + port;
        this.inUse = isInUse(cause);
    }

    /** The config key of the listener: {@code listen} or {@code admin.listen}. */
    public String key() {
        return key;
    }

    /** {@code host:port} as configured. */
    public String address() {
        return address;
    }

    public boolean inUse() {
        return inUse;
    }

    /**
     * {@code 127.0.0.1:8080 is in use}, or {@code … cannot be bound (Permission denied)}: the
     * operating system's reason without the exception's name. Netty's native transports and the
     * JDK both end the message with the C library's text (EADDRINUSE: "Address already in use").
     */
    public static String describe(String address, Throwable cause) {
        return isInUse(cause) ? address + " is in use" : address + " cannot be bound (" + reason(cause) + ")";
    }

    private static boolean isInUse(Throwable cause) {
        return reason(cause).toLowerCase(Locale.ROOT).contains("in use");
    }

    private static String reason(Throwable cause) {
        String m = cause == null ? null : cause.getMessage();
        if (m == null || m.isBlank()) {
            return cause == null ? "unknown reason" : cause.getClass().getSimpleName();
        }
        int colon = m.lastIndexOf(": ");
        return colon >= 0 ? m.substring(colon + 2) : m;
    }
}
