package dev.portcullis.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.portcullis.it.Harness;
import dev.portcullis.it.RawHttp;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A route with {@code cors} lets a preflight through without a token; nothing else that looks
 * like one may pass. Every method with a preflight's headers, an {@code OPTIONS} that lacks one of
 * them, repeats one, carries a body, or carries a method override (a header in any spelling, or
 * {@code ?_method=} on a route that allows it) is gated like any request: 401 without a token, and
 * the upstream receives nothing. On both kinds of route: answered by the proxy, and passthrough.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreflightNeverUnlocksIT {
    private static final String PREFLIGHT = "Origin: https://app.example.com\r\nAccess-Control-Request-Method: PUT\r\n"
            + "Access-Control-Request-Headers: authorization\r\n";

    private Harness h;

    @BeforeAll
    void start() throws Exception {
        h = new Harness().start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                upstream_defaults: { connect_timeout: 1s, response_timeout: 2s }
                issuers:
                  - { id: mock, issuer: %ISSUER%, audiences: [api://portcullis] }
                routes:
                  - id: spa
                    match: { path: /api/** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [admins] } ]
                    cors: { allowed_origins: [https://app.example.com], allowed_methods: [GET, PUT, DELETE],
                            allowed_headers: [Authorization] }
                  - id: hooks
                    match: { path: /hooks/** }
                    upstream: %UPSTREAM%
                    method_override: allow
                    allow: [ { groups_any: [admins] } ]
                    cors: passthrough
                """);
    }

    @AfterAll
    void stop() throws Exception {
        h.close();
    }

    @BeforeEach
    void forget() {
        h.upstream.clear();
    }

    static Stream<Arguments> lookalikes() {
        Stream.Builder<Arguments> out = Stream.builder();
        for (String path : new String[] {"/api/users/7", "/hooks/users/7"}) {
            for (String method : new String[] {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}) {
                out.add(arguments(method + " with a preflight's headers", method, path, PREFLIGHT, "", 401));
            }
            out.add(arguments("OPTIONS without Access-Control-Request-Method", "OPTIONS", path,
                    "Origin: https://app.example.com\r\n", "", 401));
            out.add(arguments("OPTIONS without Origin", "OPTIONS", path, "Access-Control-Request-Method: PUT\r\n", "",
                    401));
            out.add(arguments("OPTIONS with two Origins", "OPTIONS", path,
                    PREFLIGHT + "Origin: https://other.example\r\n", "", 401));
            out.add(arguments("OPTIONS with two request methods", "OPTIONS", path,
                    PREFLIGHT + "Access-Control-Request-Method: DELETE\r\n", "", 401));
            out.add(arguments("OPTIONS + X-HTTP-Method-Override: DELETE", "OPTIONS", path,
                    PREFLIGHT + "X-HTTP-Method-Override: DELETE\r\n", "", 401));
            out.add(arguments("OPTIONS + x_http_method_override: DELETE", "OPTIONS", path,
                    PREFLIGHT + "x_http_method_override: DELETE\r\n", "", 401));
            out.add(arguments("OPTIONS + X-HTTP-Method: DELETE", "OPTIONS", path,
                    PREFLIGHT + "X-HTTP-Method: DELETE\r\n", "", 401));
            out.add(arguments("OPTIONS + X-Method-Override: DELETE", "OPTIONS", path,
                    PREFLIGHT + "X-Method-Override: DELETE\r\n", "", 401));
            out.add(arguments("OPTIONS + X-Original-URL", "OPTIONS", path,
                    PREFLIGHT + "X-Original-URL: /admin\r\n", "", 401));
            out.add(arguments("OPTIONS with a body", "OPTIONS", path, PREFLIGHT + "Content-Length: 5\r\n", "hello",
                    401));
            out.add(arguments("OPTIONS with a chunked body", "OPTIONS", path,
                    PREFLIGHT + "Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n", 401));
        }
        // a _method parameter: refused outright where overrides are (400), gated where they are allowed
        out.add(arguments("OPTIONS ?_method=DELETE", "OPTIONS", "/api/users/7?_method=DELETE", PREFLIGHT, "", 400));
        out.add(arguments("OPTIONS ?_method=DELETE", "OPTIONS", "/hooks/users/7?_method=DELETE", PREFLIGHT, "",
                401));
        out.add(arguments("OPTIONS ?_METHOD=DELETE", "OPTIONS", "/hooks/users/7?a=1&_METHOD=DELETE", PREFLIGHT, "",
                401));
        return out.build();
    }

    @ParameterizedTest(name = "{2}: {0} -> {5}")
    @MethodSource("lookalikes")
    void onlyARealPreflightPassesWithoutAToken(String name, String method, String target, String headers, String body,
            int status) throws Exception {
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + headers
                    + "\r\n" + body);

            assertThat(res.status()).isEqualTo(status);
            assertThat(res.header("Access-Control-Allow-Methods")).isNull();
        }
        assertThat(h.upstream.poll()).as("the upstream must receive nothing").isNull();
    }
}
