package dev.portcullis.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/** Request properties that servers disagree on, and that the gate therefore refuses (400). */
final class RequestChecks {
    private RequestChecks() {
    }

    /**
     * The only transfer coding accepted is plain {@code chunked}: Portcullis decodes the
     * chunking and re-chunks towards the upstream, so any other coding (gzip, compress…) would be
     * either lost or left for the upstream to guess about.
     */
    static boolean plainTransferCoding(HttpHeaders headers) {
        List<String> te = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (te.isEmpty()) {
            return true;
        }
        return te.size() == 1 && te.get(0).trim().equalsIgnoreCase("chunked");
    }
}
