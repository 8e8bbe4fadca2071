package dev.portcullis.forward;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Rewrites an upstream's response headers for the client: hop-by-hop fields are the proxy's own. */
public final class ResponseHeaders {
    private ResponseHeaders() {
    }

    /**
     * @param clientKeepAlive whether the client connection stays open after this response
     * @param clientVersion   the client's HTTP version
     * @param bodyless        HEAD request, or a 204/304 response
     * @return whether the client connection can stay open (a close-delimited body to an
     *         HTTP/1.0 client forces a close)
     */
    public static boolean rewrite(HttpResponse res, boolean clientKeepAlive, HttpVersion clientVersion,
            boolean bodyless) {
        HttpHeaders h = res.headers();
        boolean chunked = HttpUtil.isTransferEncodingChunked(res);
        boolean hasLength = h.contains(HttpHeaderNames.CONTENT_LENGTH);
        Set<String> listed = new HashSet<>();
        for (String v : h.getAll(HttpHeaderNames.CONNECTION)) {
            for (String t : v.split(",")) {
                if (!t.isBlank() && HeaderPolicy.removableByConnection(HeaderPolicy.lower(t.trim()))) {
                    listed.add(HeaderPolicy.lower(t.trim()));
                }
            }
        }
        List<String> remove = new ArrayList<>();
        for (String name : h.names()) {
            String lower = HeaderPolicy.lower(name);
            if (HeaderPolicy.isHopByHop(lower) || listed.contains(lower)) {
                remove.add(name);
            }
        }
        remove.forEach(h::remove);
        res.setProtocolVersion(HttpVersion.HTTP_1_1);
        boolean keepAlive = clientKeepAlive;
        if (!bodyless && (chunked || !hasLength)) {
            if (clientVersion.equals(HttpVersion.HTTP_1_1)) {
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                keepAlive = false; // HTTP/1.0 has no chunked coding: the body ends with the connection
            }
        }
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (!clientVersion.equals(HttpVersion.HTTP_1_1)) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return keepAlive;
    }
}
