package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The explicit {@code claims} matchers end to end over real sockets: {@code suffix} admits an
 * e-mail domain and nothing that merely contains or resembles it, a boolean condition wants a JSON
 * boolean, {@code one_of} is the list form; a plain {@code "*@example.com"} stays literal. What is
 * asserted is what the upstream received, or that it received nothing.
 */
class ClaimMatchersIT {
    private static final String CONFIG = """
            listen: 127.0.0.1:0
            admin: { listen: 127.0.0.1:0 }
            server: { key_wait_timeout: 2s }
            upstream_defaults: { connect_timeout: 1s, response_timeout: 1s }
            issuers:
              - { id: mock, issuer: %ISSUER%, audiences: [api://portcullis], max_token_lifetime: 1h }
            routes:
              - id: staff
                match: { path: /staff/** }
                upstream: %UPSTREAM%
                allow: [ { claims: { email: { suffix: "@example.com" }, email_verified: true } } ]
              - id: teams
                match: { path: /teams/** }
                upstream: %UPSTREAM%
                allow: [ { claims: { department: { one_of: [eng, ops] } } } ]
              - id: literal
                match: { path: /literal/** }
                upstream: %UPSTREAM%
                allow: [ { claims: { email: "*@example.com" } } ]
            """;

    static Harness h;

    @BeforeAll
    static void start() throws Exception {
        h = new Harness().start(CONFIG);
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        h.upstream.clear();
    }

    private static Map<String, Object> claims(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], pairs[i + 1]);
        }
        return out;
    }

    static Stream<Arguments> callers() {
        return Stream.of(
                arguments("/staff/1", "domain and verified", claims("email", "ann@example.com", "email_verified", true),
                        200),
                arguments("/staff/1", "domain, not verified", claims("email", "ann@example.com", "email_verified", false),
                        403),
                arguments("/staff/1", "domain, verified as the string \"true\"",
                        claims("email", "ann@example.com", "email_verified", "true"), 403),
                arguments("/staff/1", "domain, no email_verified", claims("email", "ann@example.com"), 403),
                arguments("/staff/1", "the domain followed by more",
                        claims("email", "ann@example.com.evil.io", "email_verified", true), 403),
                arguments("/staff/1", "a domain that ends like it",
                        claims("email", "ann@evilexample.com", "email_verified", true), 403),
                arguments("/staff/1", "a subdomain", claims("email", "ann@eu.example.com", "email_verified", true),
                        403),
                arguments("/staff/1", "the domain in capitals",
                        claims("email", "ann@EXAMPLE.COM", "email_verified", true), 403),
                arguments("/staff/1", "no email", claims("email_verified", true), 403),
                arguments("/teams/1", "one_of: one of them", claims("department", "ops"), 200),
                arguments("/teams/1", "one_of: in a list", claims("department", List.of("sales", "eng")), 200),
                arguments("/teams/1", "one_of: none of them", claims("department", "sales"), 403),
                arguments("/literal/1", "plain '*': a real address is not a match",
                        claims("email", "ann@example.com"), 403),
                arguments("/literal/1", "plain '*': only the literal text is", claims("email", "*@example.com"),
                        200));
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @MethodSource("callers")
    void theUpstreamSeesOnlyCallersWhoseClaimsSatisfyTheMatcher(String path, String who, Map<String, Object> claims,
            int status) throws Exception {
        HttpResponse<String> res = h.get(path, h.token("ann", claims));

        assertThat(res.statusCode()).isEqualTo(status);
        if (status == 200) {
            RecordingUpstream.Received r = h.upstream.take();
            assertThat(r).isNotNull();
            assertThat(r.requestLine()).isEqualTo("GET " + path + " HTTP/1.1");
            assertThat(r.header("X-Auth-Subject")).isEqualTo("ann");
        } else {
            assertThat(res.body()).contains("group_denied");
            assertThat(h.upstream.poll()).as("the upstream must receive nothing").isNull();
        }
    }
}
