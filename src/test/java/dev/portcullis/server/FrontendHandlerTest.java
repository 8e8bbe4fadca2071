package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.vocab.Reason;
import dev.portcullis.it.AuditCapture;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The handler's state machine on an {@link EmbeddedChannel}, no sockets: messages go in as the
 * request decoder would hand them over, upstream connections are {@link StubUpstreams}.
 */
class FrontendHandlerTest {
    private HandlerFixture f;
    private AuditCapture audit;
    /** Each test's paths are its own, so its audit lines are found among any other test's. */
    private final String tag = UUID.randomUUID().toString();

    @BeforeEach
    void start() throws Exception {
        f = new HandlerFixture();
        audit = new AuditCapture();
    }

    @AfterEach
    void stop() {
        audit.close();
        f.close();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderTheSecondOnlyAfterTheFirstsResponse() {
        EmbeddedChannel client = f.client();
        client.writeInbound(get("/open/" + tag + "/1"), get("/open/" + tag + "/2")); // one read, two requests

        EmbeddedChannel upstream = f.upstreams.only();
        assertThat(uriOf(upstream.readOutbound())).isEqualTo("/open/" + tag + "/1");
        assertThat((Object) upstream.readOutbound()).as("the second waits for the first's response").isNull();
        assertThat((Object) client.readOutbound()).isNull();

        upstream.writeInbound(response("one"));
        assertThat(bodyOf(client.readOutbound())).isEqualTo("one");
        assertThat(f.upstreams.released).as("the connection went back to the pool").containsExactly(upstream);
        assertThat(uriOf(upstream.readOutbound())).as("the second, on the same connection")
                .isEqualTo("/open/" + tag + "/2");
        assertThat((Object) client.readOutbound()).isNull();

        upstream.writeInbound(response("two"));
        assertThat(bodyOf(client.readOutbound())).isEqualTo("two");
        assertThat(f.upstreams.opened).hasSize(1);
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void clientAbortingMidBodyDiscardsTheUpstreamReleasesTheSlotAndIsAuditedClientClosed() throws Exception {
        EmbeddedChannel client = f.client();
        String path = "/open/" + tag + "/upload";
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path);
        head.headers().set(HttpHeaderNames.HOST, "api.example.com").set(HttpHeaderNames.CONTENT_LENGTH, 10);
        client.writeInbound(head, new DefaultHttpContent(Unpooled.copiedBuffer("12345", StandardCharsets.US_ASCII)));

        EmbeddedChannel upstream = f.upstreams.only();
        assertThat(uriOf(upstream.readOutbound())).isEqualTo(path);
        HttpContent part = upstream.readOutbound();
        assertThat(part.content().toString(StandardCharsets.US_ASCII)).isEqualTo("12345");
        part.release();
        assertThat(f.route("open").tryAcquire()).as("the one slot is taken while forwarding").isFalse();

        client.close();

        assertThat(f.upstreams.discarded).containsExactly(upstream);
        assertThat(f.upstreams.released).isEmpty();
        assertThat(upstream.isOpen()).isFalse();
        assertThat(f.route("open").tryAcquire()).as("the slot is free again").isTrue();
        f.route("open").release();
        JsonNode line = audit.await(l -> path.equals(l.path("path").asText()));
        assertThat(line.path("reason").asText()).isEqualTo("client_closed");
        assertThat(line.path("route").asText()).isEqualTo("open");
        assertThat(line.path("client").asText()).as("the connection's address, formatted once for it").isEqualTo("127.0.0.1");
    }

    @Test
    void upstreamClosingMidResponseClosesTheClientAndIsAudited() throws Exception {
        EmbeddedChannel client = f.client();
        String path = "/open/" + tag + "/stream";
        client.writeInbound(get(path));
        EmbeddedChannel upstream = f.upstreams.only();
        ReferenceCountUtil.release(upstream.readOutbound());

        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        upstream.writeInbound(head, new DefaultHttpContent(Unpooled.copiedBuffer("part", StandardCharsets.US_ASCII)));
        HttpResponse relayed = client.readOutbound();
        assertThat(relayed.status().code()).isEqualTo(200);
        HttpContent part = client.readOutbound();
        assertThat(part.content().toString(StandardCharsets.US_ASCII)).isEqualTo("part");
        part.release();
        assertThat(client.isOpen()).isTrue();

        upstream.close();

        assertThat(client.isOpen()).as("only closing tells the client its response was cut").isFalse();
        assertThat(f.upstreams.released).isEmpty();
        assertThat(f.route("open").tryAcquire()).as("the slot is free again").isTrue();
        f.route("open").release();
        JsonNode line = audit.await(l -> path.equals(l.path("path").asText()));
        assertThat(line.path("reason").asText()).isEqualTo("client_closed");
        assertThat(line.path("status").asInt()).isEqualTo(Reason.CLIENT_CLOSED.status());
    }

    @Test
    void clientLeavingWhileKeysAreAwaitedLeaksNothingAndTheLateKeysDoNothing() throws Exception {
        EmbeddedChannel client = f.client();
        String path = "/orders/" + tag;
        FullHttpRequest request = get(path);
        request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + f.token());
        client.writeInbound(request);
        assertThat((Object) client.readOutbound()).as("waiting for the issuer's keys").isNull();
        assertThat(f.upstreams.opened).isEmpty();
        assertThat(request.refCnt()).as("the request is held while its keys are awaited").isEqualTo(1);

        client.close();
        assertThat(request.refCnt()).as("the held request was released").isZero();
        JsonNode line = audit.await(l -> path.equals(l.path("path").asText()));
        assertThat(line.path("reason").asText()).isEqualTo("client_closed");
        assertThat(line.path("route").asText()).isEqualTo("orders");

        Logger faults = (Logger) LoggerFactory.getLogger(Faults.class);
        ListAppender<ILoggingEvent> faultLog = new ListAppender<>();
        faultLog.start();
        faults.addAppender(faultLog);
        try {
            f.keysArrive();
            client.runPendingTasks();
        } finally {
            faults.detachAppender(faultLog);
        }
        assertThat((Object) client.readOutbound()).as("nothing is answered to a client that left").isNull();
        assertThat(f.upstreams.opened).as("nothing is forwarded for it").isEmpty();
        assertThat(faultLog.list).as("the late retry does not run at all").isEmpty();
    }

    private static FullHttpRequest get(String path) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        r.headers().set(HttpHeaderNames.HOST, "api.example.com");
        return r;
    }

    private static DefaultFullHttpResponse response(String body) {
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII));
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length());
        return r;
    }

    private static String uriOf(Object sent) {
        assertThat(sent).isInstanceOf(HttpRequest.class);
        String uri = ((HttpRequest) sent).uri();
        ReferenceCountUtil.release(sent);
        return uri;
    }

    private static String bodyOf(Object answered) {
        assertThat(answered).isInstanceOf(DefaultFullHttpResponse.class);
        DefaultFullHttpResponse r = (DefaultFullHttpResponse) answered;
        assertThat(r.status().code()).isEqualTo(200);
        assertThat(r.headers().get("X-Request-Id")).isNotBlank();
        String body = r.content().toString(StandardCharsets.US_ASCII);
        r.release();
        return body;
    }
}
