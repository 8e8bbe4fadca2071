package dev.portcullis.bench;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.authn.AuthResult;
import dev.portcullis.vocab.Identity;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.forward.HeaderPolicy;
import dev.portcullis.forward.RequestHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link RequestHeaders#rewrite} on a realistic browser/API request of 12 headers (two of them
 * spoofing attempts that must be removed), with the header policy and identity a real config and
 * token produce. {@code rewrite} changes the headers in place, so each call works on a fresh copy
 * of the template: {@code copyOnly} measures that copy alone, to subtract. {@code rewriteAndEncode}
 * also encodes the request head into bytes as the upstream connection does (Netty's
 * {@link HttpRequestEncoder}), with a real identity assertion for the caller: what a 100-group
 * token costs is mostly header bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class HeadersBenchmark {
    /** Groups of the caller: they are joined into X-Auth-Groups. */
    @Param({"5", "100"})
    public int groups;

    private HttpHeaders template;
    private HeaderPolicy policy;
    private RequestHeaders.Context context;
    private EmbeddedChannel encoder;

    @Setup(Level.Trial)
    public void setUp() throws UnknownHostException {
        RSAKey key = Fixtures.rsaKey();
        Snapshot snapshot = Fixtures.snapshot(10, 0, Fixtures.issuerKeys(key));
        String token = Fixtures.mint(key, "alice", Fixtures.groups(groups, "orders-readers"));
        if (!(snapshot.authenticator().authenticate(token, null, false) instanceof AuthResult.Authenticated a)) {
            throw new IllegalStateException("setup token refused");
        }
        Identity who = a.identity();
        policy = snapshot.headers();
        template = new DefaultHttpHeaders();
        template.add("Host", "api.example.com");
        template.add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36");
        template.add("Accept", "application/json, text/plain, */*");
        template.add("Accept-Encoding", "gzip, deflate, br");
        template.add("Accept-Language", "en-US,en;q=0.9,de;q=0.8");
        template.add("Authorization", "Bearer " + token);
        template.add("Connection", "keep-alive");
        template.add("Cookie", "session=6f1c0b6e2d4a4c1e9d0b; theme=dark; _ga=GA1.1.123456789.1700000000");
        template.add("Content-Type", "application/json");
        template.add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        template.add("X-Forwarded-For", "203.0.113.7");
        template.add("X-Auth-Subject", "admin");
        context = new RequestHeaders.Context(who, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), "http",
                "api.example.com", "127.0.0.1:9001", false, false, "3k2j1h0g9f-1a", snapshot.assertions().header(),
                snapshot.assertions().assertionFor("orders", who));
        encoder = new EmbeddedChannel(new HttpRequestEncoder());
        HttpHeaders check = template.copy();
        RequestHeaders.rewrite(check, policy, context);
        if (check.contains("Authorization") || !"alice".equals(check.get("X-Auth-Subject"))
                || !"127.0.0.1".equals(check.get("X-Forwarded-For"))) {
            throw new IllegalStateException("setup: unexpected rewrite result " + check);
        }
    }

    @Benchmark
    public HttpHeaders copyOnly() {
        return template.copy();
    }

    @Benchmark
    public HttpHeaders rewrite() {
        HttpHeaders h = template.copy();
        RequestHeaders.rewrite(h, policy, context);
        return h;
    }

    @Benchmark
    public int rewriteAndEncode() {
        HttpHeaders h = template.copy();
        RequestHeaders.rewrite(h, policy, context);
        encoder.writeOutbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/orders/12345", h),
                LastHttpContent.EMPTY_LAST_CONTENT);
        int bytes = 0;
        for (ByteBuf b; (b = encoder.readOutbound()) != null; ) {
            bytes += b.readableBytes();
            b.release();
        }
        return bytes;
    }
}
