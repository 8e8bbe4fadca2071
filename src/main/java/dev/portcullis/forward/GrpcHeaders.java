package dev.portcullis.forward;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/** The request fields that matter to a gRPC exchange over HTTP/2. */
public final class GrpcHeaders {
    private GrpcHeaders() {
    }

    /** Whether the client's {@code TE} lists {@code trailers} (the only TE value HTTP/2 allows). */
    public static boolean acceptsTrailers(HttpHeaders h) {
        for (String v : h.getAll(HttpHeaderNames.TE)) {
            for (String token : v.split(",")) {
                String t = token.trim();
                int semi = t.indexOf(';');
                if ((semi < 0 ? t : t.substring(0, semi).trim()).equalsIgnoreCase("trailers")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The response timeout of an exchange: {@code routeMillis}, or the request's {@code grpc-timeout}
     * when that is shorter (a gRPC client gives up then anyway, and its deadline bounds the upstream).
     */
    public static long responseTimeoutMillis(HttpHeaders h, long routeMillis) {
        long grpc = GrpcTimeout.millis(h.get("grpc-timeout"));
        return grpc < 0 ? routeMillis : Math.min(routeMillis, grpc);
    }
}
