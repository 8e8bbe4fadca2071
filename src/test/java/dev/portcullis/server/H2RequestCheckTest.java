package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of {@link H2RequestCheck#problem}: one malformed head per row, and the well-formed ones. */
class H2RequestCheckTest {
    /** A head from name, value pairs, in order (no validation: the point is to build malformed ones). */
    private static Http2Headers head(String... pairs) {
        Http2Headers h = new DefaultHttp2Headers(false);
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            h.add(pairs[i], pairs[i + 1]);
        }
        return h;
    }

    /** A well-formed GET with {@code extra} pairs added after the pseudo-headers. */
    private static Http2Headers get(String... extra) {
        Http2Headers h = head(":method", "GET", ":scheme", "https", ":authority", "api.example.com", ":path", "/a");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            h.add(extra[i], extra[i + 1]);
        }
        return h;
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(head(":scheme", "https", ":authority", "a", ":path", "/"), "no :method"),
                Arguments.of(head(":method", "", ":scheme", "https", ":authority", "a", ":path", "/"), "no :method"),
                Arguments.of(head(":method", "GET", ":authority", "a", ":path", "/"), "no :scheme http or https"),
                Arguments.of(head(":method", "GET", ":scheme", "ftp", ":authority", "a", ":path", "/"),
                        "no :scheme http or https"),
                Arguments.of(head(":method", "GET", ":scheme", "HTTPS", ":authority", "a", ":path", "/"),
                        "no :scheme http or https"),
                Arguments.of(head(":method", "GET", ":scheme", "https", ":authority", "a"), "no :path"),
                Arguments.of(head(":method", "GET", ":scheme", "https", ":authority", "a", ":path", ""), "no :path"),
                Arguments.of(head(":method", "GET", ":scheme", "https", ":authority", "a", ":path", "a/b"),
                        ":path is not origin-form"),
                Arguments.of(head(":method", "GET", ":scheme", "https", ":authority", "a", ":path", "http://b/c"),
                        ":path is not origin-form"),
                Arguments.of(head(":method", "GET", ":scheme", "https", ":authority", "a", ":path", "*"),
                        ":path is not origin-form"),
                Arguments.of(head(":method", "CONNECT", ":authority", "internal:22"), "CONNECT is not served"),
                Arguments.of(head(":method", "CONNECT", ":scheme", "https", ":authority", "a", ":path", "/",
                        ":protocol", "websocket"), "CONNECT is not served"),
                Arguments.of(get(":status", "200"), "pseudo-header :status is not a request's"),
                Arguments.of(get(":protocol", "websocket"), "pseudo-header :protocol is not a request's"),
                Arguments.of(get(":foo", "x"), "pseudo-header :foo is not a request's"),
                Arguments.of(head(":method", "GET", ":method", "POST", ":scheme", "https", ":authority", "a",
                        ":path", "/"), "pseudo-header :method twice"),
                Arguments.of(head(":method", "GET", ":scheme", "https", ":scheme", "http", ":authority", "a",
                        ":path", "/"), "pseudo-header :scheme twice"),
                Arguments.of(head(":method", "GET", ":scheme", "https", ":authority", "a", ":authority", "b",
                        ":path", "/"), "pseudo-header :authority twice"),
                Arguments.of(head(":method", "GET", ":scheme", "https", ":authority", "a", ":path", "/",
                        ":path", "/admin"), "pseudo-header :path twice"),
                Arguments.of(get("X-Auth-Subject", "mallory"), "upper-case header name"),
                Arguments.of(get("accept", "*/*", "Accept", "*/*"), "upper-case header name"),
                Arguments.of(get("connection", "close"), "connection-specific header connection"),
                Arguments.of(get("keep-alive", "timeout=5"), "connection-specific header keep-alive"),
                Arguments.of(get("proxy-connection", "keep-alive"), "connection-specific header proxy-connection"),
                Arguments.of(get("transfer-encoding", "chunked"), "connection-specific header transfer-encoding"),
                Arguments.of(get("upgrade", "websocket"), "connection-specific header upgrade"),
                Arguments.of(get("te", "gzip"), "te other than trailers"),
                Arguments.of(get("te", "trailers, gzip"), "te other than trailers"),
                Arguments.of(get("x-a", "one\rtwo"), "CR, LF or NUL in x-a"),
                Arguments.of(get("x-a", "one\ntwo"), "CR, LF or NUL in x-a"),
                Arguments.of(get("x-a", "one\0two"), "CR, LF or NUL in x-a"),
                Arguments.of(head(":method", "GET", ":scheme", "https", ":authority", "a", ":path", "/a\r\nx: y"),
                        "CR, LF or NUL in :path"),
                Arguments.of(get("content-length", "-1"), "content-length other than one decimal number"),
                Arguments.of(get("content-length", "+5"), "content-length other than one decimal number"),
                Arguments.of(get("content-length", "5 5"), "content-length other than one decimal number"),
                Arguments.of(get("content-length", "5, 5"), "content-length other than one decimal number"),
                Arguments.of(get("content-length", ""), "content-length other than one decimal number"),
                Arguments.of(get("content-length", "0x5"), "content-length other than one decimal number"),
                Arguments.of(get("content-length", "9999999999999999999"), "content-length other than one decimal number"),
                Arguments.of(get("content-length", "5", "content-length", "5"),
                        "content-length other than one decimal number"),
                Arguments.of(get("host", "api.example.com", "host", "evil.example"), "host twice"),
                Arguments.of(head(":method", "GET", ":scheme", "https", ":path", "/"), "neither :authority nor host"),
                Arguments.of(get("host", "evil.example"), ":authority and host disagree"),
                Arguments.of(get("host", "api.example.com:8443"), ":authority and host disagree"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("malformed")
    void malformedHeadsAreNamed(Http2Headers h, String problem) {
        assertThat(H2RequestCheck.problem(h)).isEqualTo(problem);
    }

    static Stream<Http2Headers> wellFormed() {
        return Stream.of(
                get(),
                get("host", "api.example.com"),
                get("host", "API.Example.com"),
                get("te", "trailers"),
                get("te", "Trailers"),
                get("authorization", "Bearer x", "accept", "*/*", "cookie", "a=1", "cookie", "b=2"),
                head(":method", "GET", ":scheme", "http", ":path", "/a", "host", "api.example.com"),
                head(":method", "OPTIONS", ":scheme", "https", ":authority", "a", ":path", "*"),
                head(":method", "POST", ":scheme", "https", ":authority", "a", ":path", "/pkg.Service/Method",
                        "content-type", "application/grpc", "te", "trailers"),
                get("x-empty", ""),
                get("content-length", "0"),
                get("content-length", "1048576"),
                get("x-tab", "a\tb"));
    }

    @ParameterizedTest
    @MethodSource("wellFormed")
    void wellFormedHeadsPass(Http2Headers h) {
        assertThat(H2RequestCheck.problem(h)).isNull();
    }
}
