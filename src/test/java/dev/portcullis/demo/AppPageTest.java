package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo's browser app page: who is signed in, from the identity headers, escaped; the headers received; sign-out. */
class AppPageTest {
    private static SampleService app;

    @BeforeAll
    static void start() {
        app = SampleService.startPage("app", 0);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void showsTheIdentityHeadersEscapedAndASignOutForm() {
        HttpResponse<String> r = TestHttp.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/app/?q=1"))
                .header("X-Test", "<b>bold</b>")
                .header("X-Auth-Subject", "alice@example.com").header("X-Auth-Email", "alice@example.com")
                .header("X-Auth-Groups", "Everyone,<script>alert(1)</script>").GET());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(r.body()).contains("<strong id=\"who\">alice@example.com</strong>",
                "Everyone,&lt;script&gt;alert(1)&lt;/script&gt;", "<form method=\"post\" action=\"/.portcullis/sign_out\">",
                "id=\"sign-out\"", "Cookie header received: <em>none</em>", "x-auth-groups", "&lt;b&gt;bold&lt;/b&gt;")
                .doesNotContain("<script>", "<b>");
        assertThat(app.received()).hasSize(1);
    }

    @Test
    void withoutIdentityHeadersNobodyIsSignedInAndACookieIsShown() {
        HttpResponse<String> r = TestHttp.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/app/"))
                .header("Cookie", "portcullis=\"x\"").GET());

        assertThat(r.body()).contains("Nobody is signed in", "<code>portcullis=&quot;x&quot;</code>")
                .doesNotContain("id=\"sign-out\"");
    }
}
