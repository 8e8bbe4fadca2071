package dev.portcullis.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.it.AuditCapture;
import dev.portcullis.it.Harness;
import dev.portcullis.it.RawHttp;
import dev.portcullis.it.RecordingUpstream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /admin/users/7?_method=DELETE}: Laravel, Symfony and Spring's
 * {@code HiddenHttpMethodFilter} serve it as a DELETE, which the route denies. Every spelling of
 * the parameter those frameworks accept gets 400 {@code method_override_rejected} and nothing
 * reaches the upstream; names that only resemble it pass; a route with
 * {@code method_override: allow} forwards the query as it came.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MethodOverrideIT {
    private Harness h;
    private AuditCapture audit;
    private String admin;

    @BeforeAll
    void start() throws Exception {
        audit = new AuditCapture();
        h = new Harness().start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                upstream_defaults: { connect_timeout: 1s, response_timeout: 2s }
                issuers:
                  - { id: mock, issuer: %ISSUER%, audiences: [api://portcullis] }
                routes:
                  - id: users
                    match: { path: /admin/users/** }
                    upstream: %UPSTREAM%
                    deny: [ { methods: [DELETE] } ]
                    allow: [ { groups_any: [admins] } ]
                  - id: forms
                    match: { path: /forms/** }
                    upstream: %UPSTREAM%
                    method_override: allow
                    deny: [ { methods: [DELETE] } ]
                    allow: [ { groups_any: [admins] } ]
                  - id: public
                    match: { path: /public/** }
                    upstream: %UPSTREAM%
                    public: true
                """);
        admin = h.token("ada", List.of("admins"));
    }

    @AfterAll
    void stop() throws Exception {
        h.close();
        audit.close();
    }

    @BeforeEach
    void clear() {
        h.upstream.clear();
    }

    private RawHttp.Response post(String target, String token) throws Exception {
        try (RawHttp c = h.raw()) {
            return c.exchange("POST " + target + " HTTP/1.1\r\nHost: a\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "Content-Length: 0\r\n\r\n");
        }
    }

    @ParameterizedTest(name = "?{0}")
    @ValueSource(strings = {"_method=DELETE", "a=1&_method=DELETE", "_METHOD=delete", "%5Fmethod=DELETE",
        "%5fMeThOd=DELETE", "_method", "_method=", "_method[]=DELETE", "_method%5B%5D=DELETE", ".method=DELETE",
        "+_method=DELETE", "a=1;_method=DELETE", "a=1&_method=DELETE&_method=PUT", "_method%00=DELETE"})
    void anyMethodParameterIsRefusedAndNothingIsForwarded(String query) throws Exception {
        RawHttp.Response res = post("/admin/users/7?" + query, admin);
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.bodyText()).contains("\"reason\":\"method_override_rejected\"");
        assertThat(h.upstream.poll()).as("nothing reaches the upstream").isNull();
        String id = res.header("X-Request-Id");
        assertThat(audit.await(n -> id.equals(n.path("request_id").asText())).path("reason").asText())
                .isEqualTo("method_override_rejected");

        assertThat(post("/public/x?" + query, null).status()).as("on a public route too").isEqualTo(400);
        assertThat(h.upstream.poll()).isNull();
    }

    @ParameterizedTest(name = "?{0}")
    @ValueSource(strings = {"x_method=1", "foo=_method", "_methods=DELETE", "method=DELETE", "a=_method%3DDELETE",
        "%255Fmethod=DELETE", "q=a%26_method%3DDELETE"})
    void namesThatOnlyResembleItAreForwarded(String query) throws Exception {
        assertThat(post("/admin/users/7?" + query, admin).status()).isEqualTo(200);
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.requestLine()).isEqualTo("POST /admin/users/7?" + query + " HTTP/1.1");
    }

    @ParameterizedTest(name = "?{0}")
    @ValueSource(strings = {"_method=DELETE", "%5Fmethod=DELETE"})
    void aRouteThatAllowsOverridesForwardsThem(String query) throws Exception {
        assertThat(post("/forms/7?" + query, admin).status()).isEqualTo(200);
        assertThat(h.upstream.take().requestLine()).isEqualTo("POST /forms/7?" + query + " HTTP/1.1");
    }
}
