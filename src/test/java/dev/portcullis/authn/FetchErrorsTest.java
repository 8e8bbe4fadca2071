package dev.portcullis.authn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The JDK client's failures in words, as the key-fetch log line shows them. */
class FetchErrorsTest {
    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(wrap(connect(new ClosedChannelException())), "connection refused"),
                Arguments.of(wrap(connect(new UnresolvedAddressException())), "unknown host"),
                Arguments.of(new HttpConnectTimeoutException("HTTP connect timed out"), "connect timed out"),
                Arguments.of(wrap(new HttpTimeoutException("request timed out")), "no answer in time"),
                Arguments.of(new ConnectException("No route to host"), "No route to host"),
                Arguments.of(wrap(new IOException("GET https://x/keys answered 404")), "GET https://x/keys answered 404"),
                Arguments.of(new IOException(), "IOException"));
    }

    private static ConnectException connect(Throwable cause) {
        ConnectException e = new ConnectException();
        e.initCause(cause);
        return e;
    }

    private static CompletionException wrap(Throwable e) {
        return new CompletionException(e);
    }

    @ParameterizedTest
    @MethodSource("failures")
    void describesTheFailureWithoutTheExceptionsName(Throwable failure, String expected) {
        assertThat(FetchErrors.describe(failure)).isEqualTo(expected);
    }
}
