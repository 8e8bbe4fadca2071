package dev.portcullis.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Return URLs after sign-in: same-origin paths only, read as a browser (WHATWG URL) would. */
class ReturnPathTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "//evil.example", "//evil.example/path", "/\\evil.example", "\\/evil.example", "\\\\evil.example",
        "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example", " /evil", "/ /evil",
        "https:evil.example", "https://evil.example", "http://evil.example/", "HTTPS://evil.example",
        "///evil.example", "////evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>", "vbscript:msgbox", "/%2F%2Fevil.example", "/%2f%2fevil.example",
        "/%5Cevil.example", "/%5cevil.example", "%2F%2Fevil.example", "%2f/evil.example", "/%252F%252Fevil.example",
        "/%25252F%25252Fevil", "/%09/evil.example", "/%0A/evil.example", "/%00", "/app%0d%0aSet-Cookie:x=1",
        "/a/../..//evil.example", "/..//evil.example", "/./", "/app/%2e%2e/%2e%2e//evil", "/.portcullis/sign_in",
        "/.portcullis/callback?state=x", "/.PORTCULLIS/sign_out", "/%2Eportcullis/callback", "", "app", "app/page",
        "./app", "../app", "?x=1", "#frag", "/app\u0000", "/app\u007f", "/caf\u00e9", "/%", "/%zz",
        "/app/\\..\\evil", "evil.example", "/app%5C..%5C..%5Cevil"
    })
    void refusedFallsBackToRoot(String payload) {
        assertThat(ReturnPath.safe(payload)).as("%s", payload).isFalse();
        assertThat(ReturnPath.orRoot(payload)).isEqualTo("/");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/", "/app", "/app/", "/app/orders/42", "/app?tab=1&x=%2F", "/app#section", "/app/caf%C3%A9",
        "/app/a%20b", "/app/.well-known", "/app/..a", "/app/a.b/c", "/app?next=//evil"
    })
    void sameOriginPathsAreKept(String path) {
        assertThat(ReturnPath.safe(path)).as("%s", path).isTrue();
        assertThat(ReturnPath.orRoot(path)).isEqualTo(path);
    }

    @org.junit.jupiter.api.Test
    void nullAndOverlongAreRefused() {
        assertThat(ReturnPath.orRoot(null)).isEqualTo("/");
        assertThat(ReturnPath.safe("/" + "a".repeat(ReturnPath.MAX_LENGTH))).isFalse();
    }
}
