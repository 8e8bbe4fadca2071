package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No piece of a request or a response waits for a flush that never comes, on each native
 * transport: the proxy flushes what one client read sends upstream once, at the read's end, so a
 * lost flush would leave a body piece (or a whole small request or response) sitting in the
 * proxy. The upstream here is a bare socket that sees bytes as they arrive, and every wait is
 * bounded by a socket timeout far below the proxy's own timeouts.
 */
class FlushIT {
    private static final int WAIT_MILLIS = 3000;
    private static final String CONFIG = """
            listen: 127.0.0.1:0
            admin: { listen: 127.0.0.1:0 }
            server: { io_threads: 1, transport: %TRANSPORT% }
            upstream_defaults: { connect_timeout: 2s, response_timeout: 20s }
            routes:
              - { id: raw, match: { path: /raw/** }, upstream: "http://127.0.0.1:%PORT%", public: true }
            """;

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void aBodySentPieceByPieceReachesTheUpstreamPieceByPieceAndTheAnswerComesAtOnce(String transport)
            throws Exception {
        assumeAvailable(transport);
        try (ServerSocket up = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Harness h = start(transport, up)) {
            try (RawHttp client = new RawHttp(h.port(), WAIT_MILLIS)) {
                client.send("POST /raw/upload HTTP/1.1\r\nHost: api.example.com\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");
                try (Socket s = accept(up)) {
                    InputStream in = s.getInputStream();
                    assertThat(readUntil(in, "first")).as("the head and the first piece, with nothing more sent")
                            .startsWith("POST /raw/upload HTTP/1.1");
                    client.send("6\r\nsecond\r\n");
                    assertThat(readUntil(in, "second")).as("the second piece, on its own").endsWith("second");
                    client.send("0\r\n\r\n");
                    assertThat(readUntil(in, "0\r\n\r\n")).as("the body's end").endsWith("0\r\n\r\n");

                    s.getOutputStream().write("HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone"
                            .getBytes(StandardCharsets.US_ASCII));
                    RawHttp.Response res = client.read();
                    assertThat(res.status()).isEqualTo(201);
                    assertThat(res.bodyText()).isEqualTo("done");

                    // The next request on both kept-alive connections: a small one, sent and answered whole.
                    client.send("POST /raw/small HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: 2\r\n\r\nhi");
                    assertThat(readUntil(in, "\r\n\r\nhi")).as("the small request, head and body")
                            .startsWith("POST /raw/small HTTP/1.1");
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                            .getBytes(StandardCharsets.US_ASCII));
                    RawHttp.Response small = client.read();
                    assertThat(small.status()).isEqualTo(200);
                    assertThat(small.bodyText()).isEqualTo("ok");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void aResponseStreamedPieceByPieceReachesTheClientPieceByPiece(String transport) throws Exception {
        assumeAvailable(transport);
        try (ServerSocket up = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Harness h = start(transport, up);
                Socket c = new Socket(InetAddress.getLoopbackAddress(), h.port())) {
            c.setSoTimeout(WAIT_MILLIS);
            c.getOutputStream().write("GET /raw/stream HTTP/1.1\r\nHost: api.example.com\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            try (Socket s = accept(up)) {
                readUntil(s.getInputStream(), "\r\n\r\n");
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nfirs\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(readUntil(c.getInputStream(), "firs")).as("the head and the first piece")
                        .startsWith("HTTP/1.1 200 OK");
                s.getOutputStream().write("3\r\nsec\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readUntil(c.getInputStream(), "0\r\n\r\n")).as("the rest and the end").contains("sec");
            }
        }
    }

    private static Harness start(String transport, ServerSocket up) throws Exception {
        Harness h = new Harness();
        h.start(CONFIG.replace("%TRANSPORT%", transport).replace("%PORT%", String.valueOf(up.getLocalPort())));
        assertThat(h.proxy().gate().transport().name()).isEqualTo(transport);
        return h;
    }

    private static Socket accept(ServerSocket up) throws IOException {
        up.setSoTimeout(WAIT_MILLIS);
        Socket s = up.accept();
        s.setSoTimeout(WAIT_MILLIS);
        return s;
    }

    /** Bytes as they come until {@code end} was seen; a timeout (a piece that never came) fails the test. */
    private static String readUntil(InputStream in, String end) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (!got.toString(StandardCharsets.ISO_8859_1).endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before " + end.strip() + "; got: " + got);
            }
            got.write(b);
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    private static void assumeAvailable(String transport) {
        if (transport.equals("io_uring")) {
            assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available here: " + IoUring.unavailabilityCause());
        } else {
            assumeTrue(Epoll.isAvailable(), () -> "epoll is not available here: " + Epoll.unavailabilityCause());
        }
    }
}
