package dev.portcullis.reject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.vocab.Reason;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class GrpcAnswerTest {

    @ParameterizedTest(name = "{0} -> grpc-status {1}")
    @CsvSource({
            // 401 -> UNAUTHENTICATED
            "TOKEN_MISSING, 16", "TOKEN_EXPIRED, 16", "SIGNATURE_INVALID, 16", "SESSION_EXPIRED, 16",
            "SIGN_IN_REQUIRED, 16",
            // 403 -> PERMISSION_DENIED
            "GROUP_DENIED, 7", "DENY_RULE, 7", "MEMBERSHIP_REVOKED, 7", "SOURCE_FORBIDDEN, 7", "CSRF_REJECTED, 7",
            // 404 -> UNIMPLEMENTED
            "NO_ROUTE, 12", "METHOD_NOT_ALLOWED, 12",
            // 429 -> RESOURCE_EXHAUSTED
            "SOURCE_BLOCKED, 8",
            // the request's own fault -> INVALID_ARGUMENT
            "BAD_REQUEST, 3", "PATH_REJECTED, 3", "METHOD_OVERRIDE_REJECTED, 3", "BODY_TOO_LARGE, 3",
            "HEADERS_TOO_LARGE, 3", "URI_TOO_LONG, 3", "EXPECTATION_FAILED, 3",
            // too slow -> DEADLINE_EXCEEDED
            "BODY_TIMEOUT, 4", "UPSTREAM_TIMEOUT, 4",
            // ours or the upstream's -> UNAVAILABLE / INTERNAL
            "UPSTREAM_UNAVAILABLE, 14", "UPSTREAM_ERROR, 14", "UPSTREAM_BUSY, 14", "KEYS_UNAVAILABLE, 14",
            "DIRECTORY_UNAVAILABLE, 14", "SHUTDOWN, 14", "REFRESH_UNAVAILABLE, 14", "INTERNAL_ERROR, 13",
            // not the proxy's refusals: not shaped
            "ALLOWED, -1", "PUBLIC_ROUTE, -1", "CORS_PREFLIGHT, -1", "SIGNED_IN, -1", "SIGNED_OUT, -1",
    })
    void mapsEachReasonToItsGrpcStatus(Reason reason, int code) {
        assertEquals(code, GrpcAnswer.code(reason));
    }

    /** A reason added later with an error status gets a real code, never the catch-all UNKNOWN. */
    @ParameterizedTest
    @EnumSource(Reason.class)
    void everyErrorReasonHasADeliberateCode(Reason reason) {
        if (reason.status() >= 400 && reason != Reason.CLIENT_CLOSED) {
            assertTrue(GrpcAnswer.code(reason) > 0, reason.toString());
            assertNotEquals(GrpcAnswer.UNKNOWN, GrpcAnswer.code(reason), reason.toString());
            assertEquals(reason.code(), GrpcAnswer.message(reason));
        } else if (reason.status() < 300) {
            assertEquals(-1, GrpcAnswer.code(reason), reason.toString());
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "token_missing|token_missing",
            "100% sure|100%25 sure",
            "ünï|%C3%BCn%C3%AF",
            "~ !|~ !",
    })
    void percentEncodesAsTheGrpcSpecAsks(String text, String encoded) {
        assertEquals(encoded, GrpcAnswer.percentEncode(text));
    }

    @Test
    void percentEncodesControlCharacters() {
        assertEquals("a%09b%0Ac%0D%00%7F", GrpcAnswer.percentEncode("a\tb\nc\r\u0000\u007f"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "application/grpc|true", "application/grpc+proto|true", "APPLICATION/GRPC+json|true",
            "application/grpc; charset=utf-8|true", "application/grpc-web|false", "application/grpc-web+proto|false",
            "application/grpcx|false", "application/json|false", "text/application/grpc|false", "|false",
    })
    void knowsAGrpcRequestByItsContentType(String type, boolean grpc) {
        DefaultHttpHeaders h = new DefaultHttpHeaders();
        if (type != null) {
            h.set("content-type", type);
        }
        assertEquals(grpc, GrpcAnswer.isGrpc(h));
    }

    @Test
    void aRefusalIsTrailersOnly() {
        FullHttpResponse res = GrpcAnswer.response(Reason.TOKEN_EXPIRED, true, "req-1", false);
        assertEquals(200, res.status().code());
        assertEquals("application/grpc", res.headers().get("content-type"));
        assertEquals("16", res.headers().get("grpc-status"));
        assertEquals("token_expired", res.headers().get("grpc-message"));
        assertEquals("0", res.headers().get("content-length"));
        assertEquals("req-1", res.headers().get("x-request-id"));
        assertTrue(res.headers().get("www-authenticate").contains("error=\"invalid_token\""));
        assertFalse(res.content().isReadable());
        assertNull(GrpcAnswer.response(Reason.GROUP_DENIED, false, null, true).headers().get("content-length"));
    }

    /** Over HTTP/2, Netty's conversion sends the empty answer as one HEADERS frame with END_STREAM. */
    @Test
    void overHttp2ItIsOneHeadersFrameEndingTheStream() {
        EmbeddedChannel ch = new EmbeddedChannel(new Http2StreamFrameToHttpObjectCodec(true));
        ch.writeOutbound(GrpcAnswer.response(Reason.NO_ROUTE, true, "req-2", true));
        Object first = ch.readOutbound();
        Http2HeadersFrame head = assertInstanceOf(Http2HeadersFrame.class, first);
        assertTrue(head.isEndStream());
        assertEquals("200", head.headers().status().toString());
        assertEquals("12", head.headers().get("grpc-status").toString());
        assertEquals("no_route", head.headers().get("grpc-message").toString());
        assertNull(ch.readOutbound(), "nothing after the HEADERS frame");
        ch.finishAndReleaseAll();
    }

    @Test
    void anAnswerThatIsNotARefusalIsNotShaped() {
        assertThrowsIllegal(() -> GrpcAnswer.response(Reason.ALLOWED, true, null, true));
    }

    private static void assertThrowsIllegal(Runnable r) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run);
    }
}
