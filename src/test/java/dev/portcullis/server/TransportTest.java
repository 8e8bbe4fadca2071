package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.TransportChoice;
import dev.portcullis.server.Transport.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code server.transport}: what start takes for each request on each kind of machine, and why it falls back. */
class TransportTest {

    @org.junit.jupiter.api.Test
    void nettysFlightRecorderEventsAreOffUnlessTheOperatorTurnsThemOn() throws ClassNotFoundException {
        Class.forName(Transport.class.getName()); // initialised, as before any Netty class the proxy uses
        assertThat(System.getProperty(Transport.NETTY_JFR)).isEqualTo("false");
    }

    @ParameterizedTest(name = "{0} with io_uring={1} epoll={2} nioForced={3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            AUTO     | true  | true  | false | IO_URING | -
            AUTO     | true  | false | false | IO_URING | -
            AUTO     | false | true  | false | EPOLL    | -
            AUTO     | false | false | false | NIO      | -
            AUTO     | true  | true  | true  | NIO      | -
            IO_URING | true  | true  | false | IO_URING | -
            IO_URING | true  | false | false | IO_URING | -
            IO_URING | false | true  | false | EPOLL    | io_uring is not available on this machine
            IO_URING | false | false | false | NIO      | neither io_uring nor epoll is available on this machine
            IO_URING | true  | true  | true  | NIO      | the system property portcullis.nio forces nio
            EPOLL    | true  | true  | false | EPOLL    | -
            EPOLL    | false | true  | false | EPOLL    | -
            EPOLL    | true  | false | false | NIO      | epoll is not available on this machine
            EPOLL    | true  | true  | true  | NIO      | the system property portcullis.nio forces nio
            NIO      | true  | true  | false | NIO      | -
            NIO      | false | false | false | NIO      | -
            NIO      | true  | true  | true  | NIO      | -
            """)
    void choosesAndSaysWhyItFellBack(TransportChoice requested, boolean ioUring, boolean epoll, boolean nioForced,
            Kind expected, String reason) {
        Transport.Choice c = Transport.choose(requested, ioUring, epoll, nioForced);

        assertThat(c.kind()).isEqualTo(expected);
        assertThat(c.fallback()).isEqualTo(reason);
    }
}
