package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The request fields of a gRPC exchange: {@code TE: trailers}. */
class GrpcHeadersTest {

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
