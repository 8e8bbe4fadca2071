package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The request fields of a gRPC exchange: {@code TE: trailers}, and {@code grpc-timeout} against the route's timeout. */
class GrpcHeadersTest {

    @ParameterizedTest(name = "{0} with route {1} ms -> {2}")
    @CsvSource(nullValues = "NULL", value = {
        "NULL, 30000, 30000", "100m, 30000, 100", "1M, 30000, 30000", "5S, 5000, 5000", "bogus, 2000, 2000",
    })
    void boundsTheRoutesResponseTimeout(String value, long route, long expected) {
        HttpHeaders h = new DefaultHttpHeaders();
        if (value != null) {
            h.set("grpc-timeout", value);
        }
        assertThat(GrpcHeaders.responseTimeoutMillis(h, route)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "TE: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "trailers | true", "Trailers | true", "'gzip, trailers' | true", "'trailers;q=1' | true",
        "gzip | false", "trailersx | false", "'' | false", "'deflate;q=0.5, chunked' | false",
    })
    void teListsTrailers(String te, boolean expected) {
        HttpHeaders h = new DefaultHttpHeaders().set("te", te);
        assertThat(GrpcHeaders.acceptsTrailers(h)).isEqualTo(expected);
    }
}
