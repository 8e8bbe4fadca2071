package dev.portcullis.fuzz;

import static dev.portcullis.fuzz.RoutingInvariants.require;

import dev.portcullis.vocab.Identity;
import dev.portcullis.config.IdentityHeadersConfig;
import dev.portcullis.forward.HeaderPolicy;
import dev.portcullis.forward.RequestHeaders;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What must hold for every header section a client can send: identity look-alikes are
 * reserved, and after {@link RequestHeaders#rewrite} the upstream sees the proxy's identity,
 * request id and forwarding headers exactly once with the proxy's values, no client-made
 * look-alike of them, no hop-by-hop field — and the request framing the proxy parsed, since a
 * forwarded body without its length is read by the upstream as the next request.
 *
 * <p>A header section is written as text, one {@code Name: value} per line, which is what the
 * fuzzer mutates. Lines Netty's validating decoder would refuse are dropped.
 */
final class HeaderInvariants {
    static final String ASSERTION_HEADER = "X-Portcullis-Assertion";
    private static final HeaderPolicy POLICY = new HeaderPolicy(IdentityHeadersConfig.defaults(), ASSERTION_HEADER,
            List.of());
    private static final InetAddress CLIENT = address("203.0.113.9");
    private static final Identity ALICE = new Identity("mock", "alice", Set.of("orders-readers"), Set.of("orders.read"),
            "alice@example.com", "jti-1", "cid-1", 0L, Map.of());
    private static final RequestHeaders.Context CONTEXT = new RequestHeaders.Context(ALICE, CLIENT, "https",
            "api.example.com", "upstream.internal:8443", false, false, "rid-1", ASSERTION_HEADER, "signed.assertion");

    /** Every header the proxy sets, by name, with the one value the upstream must see. */
    static final Map<String, String> PROXY_SET = proxySet();
    /** The identity names as look-alike forms: ASCII lower case, {@code _} and {@code .} as {@code -}. */
    private static final Set<String> RESERVED_FOLDED = Set.of("x-auth-subject", "x-auth-groups", "x-auth-email",
            "x-auth-issuer", "x-auth-scopes", "x-portcullis-assertion", "x-request-id");
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "upgrade", "proxy-authorization", "proxy-authenticate");
    /** Client-address headers: the client is no trusted proxy, so none of any spelling is forwarded. */
    private static final Set<String> CLIENT_ADDRESS = Set.of("forwarded", "x-real-ip", "true-client-ip",
            "x-client-ip", "cf-connecting-ip", "client-ip", "x-cluster-client-ip");
    /** Names the upstream frames the message by: no {@code _} or {@code .} spelling of one is forwarded. */
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "host", "expect",
            "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "proxy-authorization",
            "proxy-authenticate");

    private HeaderInvariants() {
    }

    /** Checks one header name on its own: a look-alike of an identity header is reserved, and only those are. */
    static void checkName(String name) {
        boolean lookalike = RESERVED_FOLDED.contains(asciiFold(name));
        if (lookalike) {
            require(POLICY.isReserved(name), () -> "'" + name + "' looks like an identity header but is not reserved");
        }
        if (isAscii(name) && POLICY.isReserved(name)) {
            require(lookalike, () -> "'" + name + "' is reserved but looks like no identity header");
        }
    }

    /** Checks a whole header section, as text; throws AssertionError on a violation. */
    static void checkSection(String text) {
        HttpHeaders headers = parse(text);
        List<Map.Entry<String, String>> sent = new ArrayList<>(headers.entries());
        for (Map.Entry<String, String> e : sent) {
            checkName(e.getKey());
        }
        String contentLength = singleContentLength(headers);
        Boolean chunked = chunked(headers);

        RequestHeaders.rewrite(headers, POLICY, CONTEXT);

        String before = sent.stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(" | "));
        for (Map.Entry<String, String> p : PROXY_SET.entrySet()) {
            List<String> values = headers.getAll(p.getKey());
            require(values.equals(List.of(p.getValue())),
                    () -> "after [" + before + "] the upstream gets " + p.getKey() + ": " + values);
        }
        for (Map.Entry<String, String> e : headers.entries()) {
            String name = e.getKey();
            String lower = name.toLowerCase(Locale.ROOT);
            if (RESERVED_FOLDED.contains(asciiFold(name))) {
                require(PROXY_SET.keySet().stream().anyMatch(name::equalsIgnoreCase),
                        () -> "after [" + before + "] a client look-alike reaches the upstream: " + name);
            }
            require(!HOP_BY_HOP.contains(lower), () -> "after [" + before + "] hop-by-hop " + name + " is forwarded");
            require(!lower.equals("authorization") && !lower.equals("expect")
                    && !CLIENT_ADDRESS.contains(asciiFold(name)), () -> "after [" + before + "] " + name + " is forwarded");
            require(lower.equals(asciiFold(name)) || !FRAMING.contains(asciiFold(name)),
                    () -> "after [" + before + "] the framing look-alike " + name + " is forwarded");
        }
        if (chunked == null) {
            return; // a transfer coding other than chunked last: the decoder answers 400
        }
        if (contentLength != null && !chunked) {
            List<String> lengths = headers.getAll("Content-Length");
            require(lengths.equals(List.of(contentLength)), () -> "after [" + before
                    + "] the body of " + contentLength + " bytes is forwarded with Content-Length " + lengths);
        }
        List<String> codings = headers.getAll("Transfer-Encoding");
        require(codings.equals(chunked ? List.of("chunked") : List.of()),
                () -> "after [" + before + "] the upstream gets Transfer-Encoding " + codings);
    }

    /** Lines of {@code Name: value}; a line Netty's validating decoder would refuse is skipped. */
    static HttpHeaders parse(String text) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (String line : text.split("\n", -1)) {
            String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            int colon = l.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            try {
                headers.add(l.substring(0, colon), l.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                // an invalid name or value: the request would have been refused with 400
            }
        }
        return headers;
    }

    /** The form an upstream framework may fold a name into: ASCII lower case, {@code _} and {@code .} as {@code -}. */
    static String asciiFold(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(c == '_' || c == '.' ? '-' : c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return sb.toString();
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    /**
     * Whether the body is chunked as RFC 9112 reads it (chunked is the last coding); null when a
     * Transfer-Encoding is present without chunked last, which the decoder refuses.
     */
    private static Boolean chunked(HttpHeaders headers) {
        List<String> codings = new ArrayList<>();
        for (String v : headers.getAll("Transfer-Encoding")) {
            for (String c : v.split(",")) {
                if (!c.isBlank()) {
                    codings.add(c.strip());
                }
            }
        }
        if (codings.isEmpty()) {
            return headers.contains("Transfer-Encoding") ? null : Boolean.FALSE;
        }
        return codings.get(codings.size() - 1).equalsIgnoreCase("chunked") ? Boolean.TRUE : null;
    }

    /** The Content-Length Netty's strict decoder would accept (one value, digits only), or null. */
    private static String singleContentLength(HttpHeaders headers) {
        List<String> all = headers.getAll("Content-Length");
        return all.size() == 1 && all.get(0).matches("[0-9]{1,18}") ? all.get(0) : null;
    }

    private static Map<String, String> proxySet() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("X-Auth-Subject", "alice");
        m.put("X-Auth-Groups", "orders-readers");
        m.put("X-Auth-Email", "alice@example.com");
        m.put("X-Auth-Issuer", "mock");
        m.put("X-Auth-Scopes", "orders.read");
        m.put(ASSERTION_HEADER, "signed.assertion");
        m.put("X-Request-Id", "rid-1");
        m.put("X-Forwarded-For", "203.0.113.9");
        m.put("X-Forwarded-Proto", "https");
        m.put("X-Forwarded-Host", "api.example.com");
        m.put("Host", "upstream.internal:8443");
        return Map.copyOf(m);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
