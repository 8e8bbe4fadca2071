package dev.portcullis.forward;

/**
 * Parses a gRPC {@code grpc-timeout} value: {@code TimeoutValue TimeoutUnit}, at most 8 ASCII
 * digits and one of {@code H M S m u n} (hours, minutes, seconds, milliseconds, microseconds,
 * nanoseconds). Anything else is malformed and ignored, so the route's timeout applies.
 */
public final class GrpcTimeout {
    private GrpcTimeout() {
    }

    /** The timeout in milliseconds (rounded up, so a tiny deadline is not 0), or -1 when absent or malformed. */
    public static long millis(String value) {
        if (value == null || value.length() < 2 || value.length() > 9) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return switch (value.charAt(value.length() - 1)) {
            case 'H' -> n * 3_600_000L;
            case 'M' -> n * 60_000L;
            case 'S' -> n * 1000L;
            case 'm' -> n;
            case 'u' -> ceilDiv(n, 1000);
            case 'n' -> ceilDiv(n, 1_000_000);
            default -> -1;
        };
    }

    private static long ceilDiv(long n, long d) {
        return (n + d - 1) / d;
    }
}
