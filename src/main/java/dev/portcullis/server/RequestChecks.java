package dev.portcullis.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/** Request properties that servers disagree on, and that the gate therefore refuses (400). */
final class RequestChecks {
    private RequestChecks() {
    }

    /**
     * Methods are case-sensitive (RFC 9110 §9.1), but many servers upper-case them: {@code delete}
     * would slip past a deny rule on {@code DELETE} and then be served as one. Only upper-case
     * letters (and {@code -}, {@code _}) are accepted.
     */
    static boolean plainMethod(String method) {
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && c != '-' && c != '_') {
                return false;
            }
        }
        return !method.isEmpty();
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
