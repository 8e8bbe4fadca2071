package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Flushes on the request path: what one client read sends upstream goes in one flush (one socket
 * write), at the read's end; a write outside a client read goes at once; a response goes to the
 * client in one flush when its end came in one upstream read. A lost flush shows as a piece that
 * never reaches the other side. ({@link EmbeddedChannel#writeInbound} is one read: its messages,
 * then {@code channelReadComplete}.)
 */
class FlushBatchTest {
    private HandlerFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new HandlerFixture();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void aSmallPostReadAtOnceGoesUpstreamInOneFlush() {
        EmbeddedChannel client = f.client();
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/open/post");
        head.headers().set(HttpHeaderNames.HOST, "api.example.com").set(HttpHeaderNames.CONTENT_LENGTH, 5);
        client.writeInbound(head, content("12"), last("345"));

        EmbeddedChannel upstream = f.upstreams.only();
        assertThat(StubUpstreams.flushes(upstream)).as("head and both body parts in one write").containsExactly(3);
        assertThat(sent(upstream)).containsExactly("POST /open/post", "12", "345");
    }

    @Test
    void aBodyStreamedPieceByPieceGoesUpstreamPieceByPiece() {
        EmbeddedChannel client = f.client();
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/open/stream");
        head.headers().set(HttpHeaderNames.HOST, "api.example.com")
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        client.writeInbound(head, content("one"));
        EmbeddedChannel upstream = f.upstreams.only();
        assertThat(sent(upstream)).as("the first read's head and piece, before any more comes")
                .containsExactly("POST /open/stream", "one");

        client.writeInbound(content("two"));
        assertThat(sent(upstream)).as("the second read's piece, at its end").containsExactly("two");

        client.writeInbound(last("three"));
        assertThat(sent(upstream)).containsExactly("three");
        assertThat(StubUpstreams.flushes(upstream)).as("one write per read").containsExactly(2, 1, 1);
    }

    @Test
    void aRequestWhoseConnectionComesAfterItsReadGoesUpstreamAtOnce() {
        f.upstreams.connectLater = true;
        EmbeddedChannel client = f.client();
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/open/late");
        head.headers().set(HttpHeaderNames.HOST, "api.example.com").set(HttpHeaderNames.CONTENT_LENGTH, 2);
        client.writeInbound(head, last("ok"));
        EmbeddedChannel upstream = f.upstreams.only();
        assertThat(sent(upstream)).as("not connected yet").isEmpty();

        f.upstreams.connectNow(); // outside any client read: no read's end will flush

        assertThat(sent(upstream)).as("sent with no read to wait for").containsExactly("POST /open/late", "ok");
        assertThat(StubUpstreams.flushes(upstream)).containsExactly(2);
    }

    @Test
    void aResponseReadAtOnceGoesToTheClientInOneFlushAtOnce() {
        EmbeddedChannel client = f.client();
        StubUpstreams.Flushes toClient = new StubUpstreams.Flushes();
        client.pipeline().addFirst(toClient);
        FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/open/small");
        get.headers().set(HttpHeaderNames.HOST, "api.example.com");
        client.writeInbound(get);
        EmbeddedChannel upstream = f.upstreams.only();
        sent(upstream);

        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 4);
        upstream.writeInbound(res, content("ab"), last("cd"));

        assertThat(toClient.sent).as("head and body in one write").containsExactly(3);
        assertThat(sent(client)).containsExactly("200", "ab", "cd");
        assertThat(f.upstreams.released).as("the exchange ended: nothing waits").containsExactly(upstream);
    }

    private static HttpContent content(String s) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII));
    }

    private static LastHttpContent last(String s) {
        return new DefaultLastHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII));
    }

    /** What was flushed out of {@code ch} so far (a flushed message is all an embedded channel lets out). */
    private static List<String> sent(EmbeddedChannel ch) {
        List<String> out = new java.util.ArrayList<>();
        Object m;
        while ((m = ch.readOutbound()) != null) {
            if (m instanceof HttpRequest r) {
                out.add(r.method() + " " + r.uri());
            } else if (m instanceof HttpResponse r) {
                out.add(String.valueOf(r.status().code()));
            } else if (m instanceof HttpContent c && c.content().isReadable()) {
                out.add(c.content().toString(StandardCharsets.US_ASCII));
            }
            ReferenceCountUtil.release(m);
        }
        return out;
    }
}
