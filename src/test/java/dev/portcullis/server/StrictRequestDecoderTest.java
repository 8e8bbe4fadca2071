package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Obsolete line folding (a header line starting with a space or tab) is refused wherever TCP cuts
 * the bytes: each request is fed whole, byte by byte, and cut in two at every position.
 */
class StrictRequestDecoderTest {
    private static final String LONG = "x".repeat(5000);

    /** The request heads decoded from {@code pieces}, each marked failed or not. */
    private static List<Boolean> decode(List<byte[]> pieces) {
        EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder(new HttpDecoderConfig()
                .setMaxHeaderSize(65536)));
        List<Boolean> failed = new ArrayList<>();
        for (byte[] p : pieces) {
            ch.writeInbound(Unpooled.wrappedBuffer(p));
            for (Object o; (o = ch.readInbound()) != null; ) {
                if (o instanceof HttpRequest r) {
                    failed.add(r.decoderResult().isFailure());
                }
                ReferenceCountUtil.release(o);
            }
        }
        ch.finishAndReleaseAll();
        return failed;
    }

    private static List<List<byte[]>> cuts(String text) {
        byte[] all = text.getBytes(StandardCharsets.ISO_8859_1);
        List<List<byte[]>> out = new ArrayList<>();
        out.add(List.of(all));
        List<byte[]> single = new ArrayList<>();
        for (byte b : all) {
            single.add(new byte[] {b});
        }
        out.add(single);
        for (int at = 1; at < all.length; at += at < 64 ? 1 : 97) {
            out.add(List.of(java.util.Arrays.copyOfRange(all, 0, at), java.util.Arrays.copyOfRange(all, at, all.length)));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "\t"})
    void aFoldedHeaderLineIsRefusedWhereverTheBytesAreCut(String fold) {
        String request = "GET /orders/1 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + LONG + "\r\n"
                + fold + "X-Auth-Subject: admin\r\n\r\n";
        for (List<byte[]> pieces : cuts(request)) {
            assertThat(decode(pieces)).as("%d pieces", pieces.size()).containsExactly(true);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\r"})
    void aRequestWithLongLinesAndNoFoldingPassesWhereverTheBytesAreCut(String strayCr) {
        String one = "GET /orders/1 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + LONG + "\r\n"
                + "X-Note: tabs\tand spaces inside a line are fine" + "\r\n\r\n";
        String request = strayCr.isEmpty() ? one + one : one + one.replace("Bearer ", "Bearer " + strayCr + "z");
        for (List<byte[]> pieces : cuts(request)) {
            List<Boolean> failed = decode(pieces);
            if (strayCr.isEmpty()) {
                assertThat(failed).as("%d pieces", pieces.size()).containsExactly(false, false);
            } else {
                // a CR inside a value is Netty's to judge; folding logic must not be confused by it
                assertThat(failed).as("%d pieces", pieces.size()).hasSize(2).first().isEqualTo(false);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "\t"})
    void aFoldInTheSecondRequestOfAConnectionIsRefusedToo(String fold) {
        String first = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n";
        String second = "GET /b HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n" + fold + "folded\r\n\r\n";
        for (List<byte[]> pieces : cuts(first + second)) {
            assertThat(decode(pieces)).as("%d pieces", pieces.size()).containsExactly(false, true);
        }
    }
}
