package dev.portcullis.server;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test double of L's {@link SignIn}: a 302 to a fixed authorization endpoint that names what it
 * was given, and a record of each call, so tests see what the gate passed.
 */
public final class TestSignIn implements SignIn {
    /** One call: issuer, scheme, host, return path. */
    public record Call(String issuerId, String scheme, String host, String returnTo) {
    }

    public final CopyOnWriteArrayList<Call> calls = new CopyOnWriteArrayList<>();

    /** Installs a new double in a running proxy's gate. */
    public static TestSignIn install(Portcullis proxy) {
        TestSignIn s = new TestSignIn();
        proxy.gate().signIn(s);
        return s;
    }

    @Override
    public FullHttpResponse start(String issuerId, String scheme, String host, String returnTo, String requestId,
            boolean keepAlive) {
        calls.add(new Call(issuerId, scheme, host, returnTo));
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND,
                Unpooled.EMPTY_BUFFER);
        r.headers().set(HttpHeaderNames.LOCATION, "https://issuer.test/authorize?issuer=" + issuerId);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, "close");
        }
        return r;
    }
}
