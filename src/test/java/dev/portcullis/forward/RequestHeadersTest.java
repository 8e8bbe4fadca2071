package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.IdentityHeadersConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client address the upstream is told of ({@code X-Forwarded-For}, and {@code Forwarded} after
 * a trusted proxy's) is the text the connection formatted once ({@link RequestHeaders.Context#clientText});
 * the constructors without it format the address themselves.
 */
class RequestHeadersTest {
    private static final HeaderPolicy POLICY = new HeaderPolicy(IdentityHeadersConfig.defaults(), "X-Assertion",
            List.of("10.0.0.0/8", "2001:db8::/32"));

    private static HttpHeaders rewritten(RequestHeaders.Context ctx, boolean withPrior) {
        HttpHeaders h = new DefaultHttpHeaders();
        h.add("Host", "api.example.com");
        if (withPrior) {
            h.add("X-Forwarded-For", "198.51.100.1");
            h.add("Forwarded", "for=198.51.100.1");
        }
        RequestHeaders.rewrite(h, POLICY, ctx);
        return h;
    }

    private static RequestHeaders.Context context(InetAddress client, String text) {
        return new RequestHeaders.Context(null, client, "http", "api.example.com", "127.0.0.1:9001", false, false,
                "rid-1", null, null, null, text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // client         | trusted | X-Forwarded-For sent on            | Forwarded sent on
        "203.0.113.9      | false   | 203.0.113.9                        | ",
        "10.1.2.3         | true    | '198.51.100.1, 10.1.2.3'           | 'for=198.51.100.1, for=10.1.2.3'",
        "2001:db8::7      | true    | '198.51.100.1, 2001:db8:0:0:0:0:0:7' | 'for=198.51.100.1, for=\"[2001:db8:0:0:0:0:0:7]\"'",
    })
    void theUpstreamIsToldTheConnectionsAddressText(String address, boolean trusted, String xff, String forwarded)
            throws Exception {
        InetAddress client = InetAddress.getByName(address);
        assertThat(POLICY.isTrustedProxy(client)).isEqualTo(trusted);
        String text = client.getHostAddress();
        for (RequestHeaders.Context ctx : List.of(context(client, text), context(client, null),
                new RequestHeaders.Context(null, client, "http", "api.example.com", "127.0.0.1:9001", false, false,
                        "rid-1", null, null, null),
                new RequestHeaders.Context(null, client, "http", "api.example.com", "127.0.0.1:9001", false, false,
                        "rid-1", null, null))) {
            assertThat(ctx.clientText()).isEqualTo(text);
            HttpHeaders h = rewritten(ctx, true);
            assertThat(h.getAll("X-Forwarded-For")).containsExactly(xff);
            assertThat(h.get("Forwarded")).isEqualTo(forwarded);
        }
        assertThat(rewritten(context(client, text), false).getAll("X-Forwarded-For")).containsExactly(text);
    }

    @ParameterizedTest
    @CsvSource({"203.0.113.9, 203.0.113.9", "2001:db8::7, 2001:db8:0:0:0:0:0:7"})
    void theTextGivenIsTheTextSent(String address, String text) throws Exception {
        // the connection's text is used as given: the address is not formatted again per request
        HttpHeaders h = rewritten(context(InetAddress.getByName(address), "given-" + text), true);
        assertThat(h.get("X-Forwarded-For")).endsWith("given-" + text);
    }
}
