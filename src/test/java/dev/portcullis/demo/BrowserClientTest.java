package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BrowserClientTest {
    private final BrowserClient demo = BrowserClient.demo("s");

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:8080/.portcullis/callback,    true",
        "http://127.0.0.1/.portcullis/callback,         true",
        "http://localhost:9999/.portcullis/callback,    true",
        "http://LOCALHOST:9999/.portcullis/callback,    true",
        "https://127.0.0.1:8443/.portcullis/callback,   false",
        "http://127.0.0.1:8080/.portcullis/callback/,   false",
        "http://127.0.0.1:8080/.portcullis/callback?x=1, false",
        "http://127.0.0.1:8080/.portcullis/%63allback,  false",
        "http://127.0.0.1:8080/a/../.portcullis/callback, false",
        "http://127.0.0.1:8080/.portcullis/callback#f,  false",
        "http://a@127.0.0.1:8080/.portcullis/callback,  false",
        "http://127.0.0.2:8080/.portcullis/callback,    false",
        "http://127.0.0.1.nip.io/.portcullis/callback,  false",
        "//127.0.0.1:8080/.portcullis/callback,         false",
        "/.portcullis/callback,                         false",
        "javascript:alert(1),                           false",
        "http://[::1]:80/.portcullis/callback,          false",
    })
    void redirectUrisMatchExactlyButForALoopbackPort(String requested, boolean allowed) {
        assertThat(demo.allowsRedirect(requested)).isEqualTo(allowed);
    }

    @Test
    void aRegisteredPortIsExact() {
        BrowserClient c = new BrowserClient("c", "s", List.of(URI.create("http://127.0.0.1:7000/cb")), List.of());

        assertThat(c.allowsRedirect("http://127.0.0.1:7000/cb")).isTrue();
        assertThat(c.allowsRedirect("http://127.0.0.1:7001/cb")).isFalse();
        assertThat(c.allowsPostLogoutRedirect("http://127.0.0.1:7000/cb")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://example.com/cb", "http://127.0.0.1/cb#x", "http://u@localhost/cb", "/cb",
        "ftp://127.0.0.1/cb"})
    void onlyLoopbackUrisCanBeRegistered(String uri) {
        assertThatThrownBy(() -> new BrowserClient("c", "s", List.of(URI.create(uri)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
    }

    @Test
    void htmlEscapesEverythingThatCouldLeaveText() {
        assertThat(Html.escape("<a href=\"x\" onclick='y'>&</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    }
}
