package dev.portcullis.decide;

import java.util.List;
import java.util.Objects;

/**
 * What a decision reads off a request head, and nothing else: no Netty type, no header map. The
 * proxy builds it from the decoded head ({@code server.FactsReader}); the policy tools and the
 * fuzz tests build it from a method and a URL.
 *
 * <p>The lists are taken as given, not copied: they are built fresh for each request by their
 * caller and not touched again, and copying them would cost an allocation on every request.
 *
 * @param method              the method, case-sensitive as on the wire
 * @param version             the HTTP version of the request line
 * @param failure             what the decoder could not read, or {@link DecoderFailure#NONE}
 * @param rawTarget           the request-target as sent (origin or absolute form)
 * @param hosts               every {@code Host} header value
 * @param expect              what the {@code Expect} header asks for
 * @param headerCount         how many header fields the head has
 * @param plainTransferCoding no {@code Transfer-Encoding}, or a single plain {@code chunked}
 * @param authorization       every {@code Authorization} header value
 * @param clientKey           the key intrusion detection counts the client under, or null
 * @param arrivalMillis       epoch millis at which the head arrived
 * @param cors                {@code Origin} and what a preflight asks for ({@link CorsFacts#NONE} without {@code Origin})
 * @param browser             the session cookie and fetch metadata ({@link BrowserFacts#NONE} when sessions are off)
 */
public record RequestFacts(String method, Version version, DecoderFailure failure, String rawTarget,
        List<String> hosts, Expect expect, int headerCount, boolean plainTransferCoding, List<String> authorization,
        String clientKey, long arrivalMillis, CorsFacts cors, BrowserFacts browser) {

    /** The versions the gate tells apart: 1.1 requires a Host, anything else than 1.0 or 1.1 is refused. */
    public enum Version { HTTP_1_0, HTTP_1_1, OTHER }

    /** What the HTTP decoder failed on: a request line too long, a head too large, or anything malformed. */
    public enum DecoderFailure { NONE, LINE_TOO_LONG, HEADERS_TOO_LARGE, MALFORMED }

    /** The {@code Expect} header: absent, {@code 100-continue} on HTTP/1.1, or anything else (417). */
    public enum Expect { NONE, CONTINUE, OTHER }

    public RequestFacts {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(rawTarget, "rawTarget");
        Objects.requireNonNull(hosts, "hosts");
        Objects.requireNonNull(expect, "expect");
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(cors, "cors");
        Objects.requireNonNull(browser, "browser");
    }

    /** A request without browser facts (sessions off). */
    public RequestFacts(String method, Version version, DecoderFailure failure, String rawTarget, List<String> hosts,
            Expect expect, int headerCount, boolean plainTransferCoding, List<String> authorization, String clientKey,
            long arrivalMillis, CorsFacts cors) {
        this(method, version, failure, rawTarget, hosts, expect, headerCount, plainTransferCoding, authorization,
                clientKey, arrivalMillis, cors, BrowserFacts.NONE);
    }

    /** A request without {@code Origin}. */
    public RequestFacts(String method, Version version, DecoderFailure failure, String rawTarget, List<String> hosts,
            Expect expect, int headerCount, boolean plainTransferCoding, List<String> authorization, String clientKey,
            long arrivalMillis) {
        this(method, version, failure, rawTarget, hosts, expect, headerCount, plainTransferCoding, authorization,
                clientKey, arrivalMillis, CorsFacts.NONE);
    }

    /** The same request with these CORS facts (a tool's stated {@code Origin} or preflight). */
    public RequestFacts withCors(CorsFacts c) {
        return new RequestFacts(method, version, failure, rawTarget, hosts, expect, headerCount, plainTransferCoding,
                authorization, clientKey, arrivalMillis, c, browser);
    }

    /** The same request with these browser facts (a session cookie, fetch metadata). */
    public RequestFacts withBrowser(BrowserFacts b) {
        return new RequestFacts(method, version, failure, rawTarget, hosts, expect, headerCount, plainTransferCoding,
                authorization, clientKey, arrivalMillis, cors, b);
    }

    /**
     * A well-formed request as a tool states it: no decoder failure, no {@code Expect}, a plain
     * transfer coding; HTTP/1.1 with the given Host, or HTTP/1.0 without one when host is null.
     *
     * @param host          the Host header value, or null for none
     * @param authorization the Authorization header values
     */
    public static RequestFacts of(String method, String rawTarget, String host, List<String> authorization) {
        List<String> hosts = host == null ? List.of() : List.of(host);
        return new RequestFacts(method, host == null ? Version.HTTP_1_0 : Version.HTTP_1_1, DecoderFailure.NONE,
                rawTarget, hosts, Expect.NONE, hosts.size() + authorization.size(), true, authorization, null, 0);
    }
}
