package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SessionCookieFilterTest {

    static Stream<Arguments> cookies() {
        return Stream.of(
                arguments(List.of("a=1; portcullis=SECRET; b=2"), List.of("a=1; b=2")),
                arguments(List.of("portcullis=SECRET"), List.of()),
                arguments(List.of("portcullis=SECRET; portcullis=OTHER"), List.of()),
                arguments(List.of("portcullis = SECRET ;theme=dark"), List.of("theme=dark")),
                arguments(List.of("portcullisx=1; xportcullis=2; portcullis=SECRET"), List.of("portcullisx=1; xportcullis=2")),
                arguments(List.of("__Host-portcullis=kept; a=1"), List.of("__Host-portcullis=kept; a=1")),
                arguments(List.of("a=1", "portcullis=SECRET", "b=2"), List.of("a=1", "b=2")),
                arguments(List.of("a=1;;b=2"), List.of("a=1;;b=2")), // untouched: not ours
                arguments(List.of(), List.of()));
    }

    @ParameterizedTest
    @MethodSource
    void cookies(List<String> sent, List<String> forwarded) {
        HttpHeaders h = new DefaultHttpHeaders();
        sent.forEach(v -> h.add("Cookie", v));
        SessionCookieFilter.strip(h, "portcullis");
        assertThat(h.getAll("Cookie")).containsExactlyElementsOf(forwarded);
    }

    static Stream<Arguments> signInCookies() {
        return Stream.of(
                arguments(List.of("a=1; portcullis-sign-in-abc=JWE; portcullis=SECRET"), List.of("a=1")),
                arguments(List.of("portcullis-sign-in-x=1; portcullis-sign-in-y=2"), List.of()),
                arguments(List.of("my-portcullis-sign-in-x=1"), List.of("my-portcullis-sign-in-x=1")),
                arguments(List.of("portcullis-sign-i=1"), List.of("portcullis-sign-i=1")));
    }

    /** Sign-ins under way: their cookies (state, nonce, PKCE verifier) are the gate's alone too. */
    @ParameterizedTest
    @MethodSource
    void signInCookies(List<String> sent, List<String> forwarded) {
        HttpHeaders h = new DefaultHttpHeaders();
        sent.forEach(v -> h.add("Cookie", v));
        SessionCookieFilter.strip(h, "portcullis", "portcullis-sign-in-");
        assertThat(h.getAll("Cookie")).containsExactlyElementsOf(forwarded);
    }
}
