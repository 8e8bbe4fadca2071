package dev.portcullis.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.portcullis.vocab.Reason;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BearerTokenTest {
    private static final int MAX = 64;
    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";

    static Stream<Arguments> tokens() {
        return Stream.of(
                arguments("Bearer " + JWT, JWT),
                arguments("bearer " + JWT, JWT),
                arguments("BEARER " + JWT, JWT),
                arguments("bEaReR " + JWT, JWT),
                arguments("Bearer    " + JWT + "   ", JWT),
                arguments("Bearer aZ09-._~+/==", "aZ09-._~+/=="),
                arguments("Bearer " + "a".repeat(MAX), "a".repeat(MAX)),
                arguments("Bearer " + "a".repeat(MAX) + "     ", "a".repeat(MAX)));
    }

    @ParameterizedTest
    @MethodSource("tokens")
    void extractsTheToken(String header, String token) {
        BearerToken.Extracted e = BearerToken.extract(List.of(header), MAX);

        assertThat(e.failure()).isNull();
        assertThat(e.token()).isEqualTo(token);
        // the request path's form: the same judgement, the token left in place
        assertThat(BearerToken.refusal(List.of(header), MAX)).isNull();
        assertThat(header.substring(BearerToken.start(header), BearerToken.end(header))).isEqualTo(token);
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                arguments("no header", List.of(), Reason.TOKEN_MISSING),
                arguments("empty header", List.of(""), Reason.TOKEN_MISSING),
                arguments("blank header", List.of("   "), Reason.TOKEN_MISSING),
                // RFC 6750 §3.1: another scheme is no bearer token at all, not a malformed one
                arguments("Basic scheme", List.of("Basic dXNlcjpwYXNz"), Reason.TOKEN_MISSING),
                arguments("Digest scheme", List.of("Digest username=\"a\""), Reason.TOKEN_MISSING),
                arguments("Token scheme", List.of("Token " + JWT), Reason.TOKEN_MISSING),
                arguments("bare token, no scheme", List.of(JWT), Reason.TOKEN_MISSING),

                arguments("two headers", List.of("Bearer " + JWT, "Bearer other"), Reason.AUTHORIZATION_DUPLICATED),
                arguments("the same header twice", List.of("Bearer " + JWT, "Bearer " + JWT),
                        Reason.AUTHORIZATION_DUPLICATED),
                arguments("a bearer and an empty header", List.of("Bearer " + JWT, ""),
                        Reason.AUTHORIZATION_DUPLICATED),
                arguments("a bearer and a basic header", List.of("Basic dXNlcjpwYXNz", "Bearer " + JWT),
                        Reason.AUTHORIZATION_DUPLICATED),

                arguments("scheme without token", List.of("Bearer"), Reason.TOKEN_MALFORMED),
                arguments("scheme and a space", List.of("Bearer "), Reason.TOKEN_MALFORMED),
                arguments("scheme and spaces", List.of("bearer     "), Reason.TOKEN_MALFORMED),
                arguments("space inside", List.of("Bearer abc def"), Reason.TOKEN_MALFORMED),
                arguments("tab inside", List.of("Bearer abc\tdef"), Reason.TOKEN_MALFORMED),
                arguments("comma", List.of("Bearer abc,def"), Reason.TOKEN_MALFORMED),
                arguments("quote", List.of("Bearer \"abc\""), Reason.TOKEN_MALFORMED),
                arguments("control byte", List.of("Bearer abc\u0000"), Reason.TOKEN_MALFORMED),
                arguments("non-ASCII", List.of("Bearer ab\u00e9"), Reason.TOKEN_MALFORMED),
                arguments("percent-encoding", List.of("Bearer ab%2E"), Reason.TOKEN_MALFORMED),

                arguments("one byte too large", List.of("Bearer " + "a".repeat(MAX + 1)), Reason.TOKEN_TOO_LARGE),
                arguments("far too large", List.of("Bearer " + "a".repeat(100 * MAX)), Reason.TOKEN_TOO_LARGE),
                arguments("too large is checked before the characters", List.of("Bearer " + "\u00e9".repeat(MAX + 1)),
                        Reason.TOKEN_TOO_LARGE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void refuses(String name, List<String> headers, Reason reason) {
        BearerToken.Extracted e = BearerToken.extract(headers, MAX);

        assertThat(e.token()).isNull();
        assertThat(e.failure()).isEqualTo(reason);
        assertThat(BearerToken.refusal(headers, MAX)).isEqualTo(reason); // the request path's form
    }
}
