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
}
