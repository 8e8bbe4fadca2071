package dev.portcullis.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder, configured strictly (CRLF only, RFC 9112 transfer codings, no
 * duplicate lengths, validated header names and values), plus the one check it lacks: it folds
 * obsolete line folding ({@code obs-fold}, a header line starting with a space or tab) into the
 * previous value, where RFC 9112 §5.2 lets a server reject it. A proxy must, because the server
 * behind it may read the folded line as a header of its own.
 *
 * <p>The check scans only header sections: it follows Netty's own message boundaries (a request
 * head starts after the previous {@link LastHttpContent}), so bodies are never inspected.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
    private boolean inHead = true;
    private boolean failed;
    private long consumed;
    private long scanned;
    private boolean lineStart = true;
    private boolean sawRequestLine;
    private boolean prevCr;

    StrictRequestDecoder(HttpDecoderConfig config) {
        super(config.clone().setStrictLineParsing(true).setUseRfc9112TransferEncoding(true)
                .setAllowDuplicateContentLengths(false).setValidateHeaders(true));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (failed) {
            buffer.skipBytes(buffer.readableBytes());
            return;
        }
        int start = buffer.readerIndex();
        if (inHead && foldedLine(buffer)) {
            failed = true;
            buffer.skipBytes(buffer.readableBytes());
            HttpRequest bad = new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request");
            bad.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("obsolete line folding")));
            out.add(bad);
            return;
        }
        int before = out.size();
        super.decode(ctx, buffer, out);
        consumed += buffer.readerIndex() - start;
        for (int i = before; i < out.size(); i++) {
            Object o = out.get(i);
            if (o instanceof HttpRequest) {
                inHead = false;
            }
            if (o instanceof LastHttpContent) {
                inHead = true;
                scanned = consumed;
                lineStart = true;
                sawRequestLine = false;
                prevCr = false;
            }
        }
    }

    /**
     * Feeds unscanned head bytes to a small line tracker; true on a continuation line. Inside a
     * line only its end matters, so the scan jumps from line feed to line feed ({@code indexOf}
     * compares eight bytes at a time) and looks at bytes one by one only where a line starts: a
     * 3.6 KB token header is one jump, not 3,600 steps.
     */
    private boolean foldedLine(ByteBuf buf) {
        int i = buf.readerIndex() + (int) Math.max(0, scanned - consumed);
        int to = buf.writerIndex();
        while (i < to) {
            if (!lineStart) {
                int lf = buf.indexOf(i, to, (byte) '\n');
                int next = lf < 0 ? to : lf + 1;
                scanned += next - i;
                i = next;
                if (lf >= 0) {
                    lineStart = true;
                    prevCr = false;
                }
                continue;
            }
            byte b = buf.getByte(i++);
            scanned++;
            if (b == '\r' || b == '\n') {
                if (sawRequestLine && b == '\n' && prevCr) {
                    return false; // empty line: end of the head, nothing more to scan now
                }
                prevCr = b == '\r';
                continue;
            }
            if (sawRequestLine && (b == ' ' || b == '\t')) {
                return true;
            }
            lineStart = false;
            sawRequestLine = true;
        }
        return false;
    }
}
