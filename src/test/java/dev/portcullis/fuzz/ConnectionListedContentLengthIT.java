package dev.portcullis.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.it.Harness;
import dev.portcullis.it.RawHttp;
import dev.portcullis.it.RecordingUpstream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The header-filter invariant of {@link HeaderInvariants} over real sockets: a client that lists
 * {@code Content-Length} in {@code Connection} must not be able to smuggle its body past the
 * gate as a second request. The fuzzer found this (fixed since: {@code Connection} can no longer
 * remove framing headers); the test stays next to the fuzz tests as the finding's regression test.
 */
class ConnectionListedContentLengthIT {
    static Harness h;

    @BeforeAll
    static void start() throws Exception {
        h = new Harness().start();
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    @Test
    void aBodyWhoseLengthIsListedInConnectionNeverBecomesARequestOfItsOwn() throws Exception {
        String smuggled = "GET /orders/secret HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        String request = "POST /public/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive, Content-Length\r\n"
                + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled;
        try (RawHttp raw = h.raw()) {
            raw.send(request);
            raw.read();
        }

        RecordingUpstream.Received post = h.upstream.take();
        RecordingUpstream.Received next = h.upstream.poll();
        assertThat(post).isNotNull();
        assertThat(post.requestLine()).isEqualTo("POST /public/upload HTTP/1.1");
        assertThat(next).as("a request the proxy never judged reached the upstream: %s",
                next == null ? null : next.requestLine()).isNull();
        assertThat(new String(post.body(), StandardCharsets.ISO_8859_1)).isEqualTo(smuggled);
    }
}
