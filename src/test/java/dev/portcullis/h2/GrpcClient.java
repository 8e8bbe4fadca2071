package dev.portcullis.h2;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A grpc-java client of {@link GrpcEcho}'s methods through the proxy: plaintext HTTP/2 with prior
 * knowledge (grpc-java's {@code usePlaintext}), sending {@code authorization: Bearer <token>} when a
 * token is given. Each call has a deadline (10 s unless given).
 */
public final class GrpcClient implements AutoCloseable {
    private final ManagedChannel channel;
    private final Channel calls;
    /** The response headers of the last unary call. */
    public final AtomicReference<Metadata> lastHeaders = new AtomicReference<>();

    /** @param extra more metadata sent with every call: name, value, … */
    public GrpcClient(int port, String token, String... extra) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        Metadata auth = new Metadata();
        if (token != null) {
            auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        }
        for (int i = 0; i + 1 < extra.length; i += 2) {
            auth.put(Metadata.Key.of(extra[i], Metadata.ASCII_STRING_MARSHALLER), extra[i + 1]);
        }
        calls = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(auth));
    }

    private ClientCall<String, String> call(MethodDescriptor<String, String> m, Duration deadline) {
        return calls.newCall(m, CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
    }

    public String unary(MethodDescriptor<String, String> m, String request) {
        return unary(m, request, Duration.ofSeconds(10));
    }

    public String unary(MethodDescriptor<String, String> m, String request, Duration deadline) {
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        Channel c = ClientInterceptors.intercept(calls, MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
        try {
            return ClientCalls.blockingUnaryCall(c, m,
                    CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS), request);
        } finally {
            lastHeaders.set(headers.get());
        }
    }

    /** The status a unary call ends with (OK when it succeeded). */
    public Status unaryStatus(MethodDescriptor<String, String> m, String request, Duration deadline) {
        try {
            unary(m, request, deadline);
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    public List<String> serverStream(MethodDescriptor<String, String> m, String request) {
        List<String> out = new ArrayList<>();
        Iterator<String> it = ClientCalls.blockingServerStreamingCall(call(m, Duration.ofSeconds(10)), request);
        it.forEachRemaining(out::add);
        return out;
    }

    public String clientStream(MethodDescriptor<String, String> m, List<String> requests) throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        StreamObserver<String> in = ClientCalls.asyncClientStreamingCall(call(m, Duration.ofSeconds(10)),
                new StreamObserver<>() {
                    private String last;

                    @Override
                    public void onNext(String value) {
                        last = value;
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        answer.complete(last);
                    }
                });
        requests.forEach(in::onNext);
        in.onCompleted();
        return answer.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
