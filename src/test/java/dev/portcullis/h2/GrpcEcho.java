package dev.portcullis.h2;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC service (grpc-java, plaintext h2c on loopback) for the gRPC tests, without protobuf:
 * messages are UTF-8 strings. Service {@code echo.Echo}:
 * <ul>
 * <li>{@code Unary}: answers the request, and the response header {@code echo-subject} with the
 *     {@code x-auth-subject} it received;</li>
 * <li>{@code ServerStream}: a request {@code "n:text"} is answered with n messages {@code text-1 … text-n};</li>
 * <li>{@code ClientStream}: answers the requests concatenated;</li>
 * <li>{@code Slow}: answers after 30 s, unless the call is cancelled first (counted in {@link #cancelled});</li>
 * <li>{@code Fail}: answers {@link #FAIL_STATUS} with {@link #FAIL_MESSAGE}.</li>
 * </ul>
 * What each call received (its method and metadata) is kept in {@link #received}.
 */
public final class GrpcEcho implements AutoCloseable {
    public static final String SERVICE = "echo.Echo";
    public static final Status.Code FAIL_STATUS = Status.Code.FAILED_PRECONDITION;
    /** Not plain ASCII, and with a '%': its percent-encoding must survive the proxy as it is. */
    public static final String FAIL_MESSAGE = "echo refuses: 100% sure, ünïcode";

    /** A call as the service received it. */
    public record Call(String method, Metadata headers) {
        public String header(String name) {
            return headers.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
        }
    }

    public static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    public static final MethodDescriptor<String, String> UNARY = method("Unary", MethodType.UNARY);
    public static final MethodDescriptor<String, String> SERVER_STREAM = method("ServerStream", MethodType.SERVER_STREAMING);
    public static final MethodDescriptor<String, String> CLIENT_STREAM = method("ClientStream", MethodType.CLIENT_STREAMING);
    public static final MethodDescriptor<String, String> SLOW = method("Slow", MethodType.UNARY);
    public static final MethodDescriptor<String, String> FAIL = method("Fail", MethodType.UNARY);

    private static final Context.Key<String> SUBJECT = Context.key("x-auth-subject");
    private static final Metadata.Key<String> SUBJECT_HEADER = Metadata.Key.of("x-auth-subject", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> ECHO_SUBJECT = Metadata.Key.of("echo-subject", Metadata.ASCII_STRING_MARSHALLER);

    public final BlockingQueue<Call> received = new LinkedBlockingQueue<>();
    public final CountDownLatch cancelled = new CountDownLatch(1);
    private final Server server;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    public GrpcEcho() throws IOException {
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(UNARY, ServerCalls.asyncUnaryCall(GrpcEcho::unary))
                .addMethod(SERVER_STREAM, ServerCalls.asyncServerStreamingCall(GrpcEcho::serverStream))
                .addMethod(CLIENT_STREAM, ServerCalls.asyncClientStreamingCall(GrpcEcho::clientStream))
                .addMethod(SLOW, ServerCalls.asyncUnaryCall(this::slow))
                .addMethod(FAIL, ServerCalls.asyncUnaryCall((String req, StreamObserver<String> out) ->
                        out.onError(Status.fromCode(FAIL_STATUS).withDescription(FAIL_MESSAGE).asRuntimeException())))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(service, new Recorder()))
                .build().start();
    }

    public static MethodDescriptor<String, String> method(String name, MethodType type) {
        return MethodDescriptor.<String, String>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();
    }

    public int port() {
        return server.getPort();
    }

    /** As a route's upstream: {@code http://127.0.0.1:port}. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    private static void unary(String request, StreamObserver<String> out) {
        out.onNext(request);
        out.onCompleted();
    }

    private static void serverStream(String request, StreamObserver<String> out) {
        int colon = request.indexOf(':');
        int n = Integer.parseInt(request.substring(0, colon));
        for (int i = 1; i <= n; i++) {
            out.onNext(request.substring(colon + 1) + "-" + i);
        }
        out.onCompleted();
    }

    private static StreamObserver<String> clientStream(StreamObserver<String> out) {
        StringBuilder all = new StringBuilder();
        return new StreamObserver<>() {
            @Override
            public void onNext(String value) {
                all.append(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
                out.onNext(all.toString());
                out.onCompleted();
            }
        };
    }

    /**
     * Answers after 30 s unless cancelled first. Never blocks: a call's callbacks, its cancellation
     * among them, run one at a time, so a handler that waited would never hear of it.
     */
    private void slow(String request, StreamObserver<String> out) {
        ServerCallStreamObserver<String> call = (ServerCallStreamObserver<String>) out;
        ScheduledFuture<?> answer = timer.schedule(() -> {
            out.onNext(request);
            out.onCompleted();
        }, 30, TimeUnit.SECONDS);
        call.setOnCancelHandler(() -> {
            answer.cancel(false);
            cancelled.countDown();
        });
    }

    /** Keeps each call's metadata, and answers the subject it received as the response header {@code echo-subject}. */
    private final class Recorder implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            received.add(new Call(call.getMethodDescriptor().getFullMethodName(), headers));
            String subject = headers.get(SUBJECT_HEADER);
            ServerCall<Q, R> stamped = new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void sendHeaders(Metadata responseHeaders) {
                    if (subject != null) {
                        responseHeaders.put(ECHO_SUBJECT, subject);
                    }
                    super.sendHeaders(responseHeaders);
                }
            };
            return Contexts.interceptCall(Context.current().withValue(SUBJECT, subject), stamped, headers, next);
        }
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
