package dev.portcullis.server;

import dev.portcullis.decide.Decider;
import dev.portcullis.decide.RequestFacts;
import dev.portcullis.decide.RequestFacts.DecoderFailure;
import dev.portcullis.decide.RequestFacts.Expect;
import dev.portcullis.decide.RequestFacts.Version;
import dev.portcullis.compile.Route;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/** Reads the {@link RequestFacts} of a decoded request head: the one place Netty meets the decision core. */
final class FactsReader {
    /** The decision core over the proxy's compiled routes. */
    static final Decider<Route> DECIDER = Route.DECIDER;

    private FactsReader() {
    }

    static RequestFacts read(HttpRequest r, String method, String clientKey, long arrivalMillis) {
        HttpHeaders h = r.headers();
        return new RequestFacts(method, version(r.protocolVersion()), failure(r), r.uri(), h.getAll(HttpHeaderNames.HOST),
                expect(r), h.size(), RequestChecks.plainTransferCoding(h), h.getAll(HttpHeaderNames.AUTHORIZATION),
                clientKey, arrivalMillis);
    }

    private static Version version(HttpVersion v) {
        return v.equals(HttpVersion.HTTP_1_1) ? Version.HTTP_1_1
                : v.equals(HttpVersion.HTTP_1_0) ? Version.HTTP_1_0 : Version.OTHER;
    }

    private static DecoderFailure failure(HttpRequest r) {
        if (!r.decoderResult().isFailure()) {
            return DecoderFailure.NONE;
        }
        Throwable cause = r.decoderResult().cause();
        return cause instanceof TooLongHttpLineException ? DecoderFailure.LINE_TOO_LONG
                : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException
                ? DecoderFailure.HEADERS_TOO_LARGE : DecoderFailure.MALFORMED;
    }

    /** Netty's reading of {@code 100-continue} (HTTP/1.1 and later, case-insensitive), so nothing changes. */
    private static Expect expect(HttpRequest r) {
        if (r.headers().get(HttpHeaderNames.EXPECT) == null) {
            return Expect.NONE;
        }
        return HttpUtil.is100ContinueExpected(r) ? Expect.CONTINUE : Expect.OTHER;
    }
}
