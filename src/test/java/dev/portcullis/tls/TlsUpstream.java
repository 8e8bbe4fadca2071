package dev.portcullis.tls;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * An HTTPS upstream on loopback (the JDK's {@code HttpsServer}) that answers 200 and keeps what
 * reached it — so a test can tell "refused before anything was sent" from "sent, then failed".
 * Optionally it requires a client certificate signed by a given CA.
 */
final class TlsUpstream implements AutoCloseable {
    static final String BODY = "{\"upstream\":\"tls\"}";

    /** One request as the upstream's application saw it, with the client certificate's subject, if any. */
    record Seen(String method, String target, Map<String, List<String>> headers, String clientSubject) {
        String header(String name) {
            List<String> values = headers.get(name.substring(0, 1).toUpperCase() + name.substring(1).toLowerCase());
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private final HttpsServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tls-upstream");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

    /**
     * @param identity the server certificate
     * @param clientCa when not null, a client certificate signed by this CA is required
     */
    TlsUpstream(TestPki.Issued identity, X509Certificate clientCa) throws IOException {
        SSLContext ctx = TestPki.context(identity, clientCa);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ctx.getDefaultSSLParameters();
                p.setNeedClientAuth(clientCa != null);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next request that reached the application, waiting up to 5 s; null when none did. */
    Seen take() throws InterruptedException {
        return seen.poll(5, TimeUnit.SECONDS);
    }

    /** A request that already reached the application (or does within 300 ms), else null. */
    Seen poll() throws InterruptedException {
        return seen.poll(300, TimeUnit.MILLISECONDS);
    }

    void clear() {
        seen.clear();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex; InputStream in = ex.getRequestBody()) {
            in.readAllBytes();
            String subject = null;
            try {
                X509Certificate peer = (X509Certificate) ((HttpsExchange) ex).getSSLSession().getPeerCertificates()[0];
                subject = peer.getSubjectX500Principal().getName();
            } catch (SSLPeerUnverifiedException e) {
                // no client certificate
            }
            seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(), Map.copyOf(ex.getRequestHeaders()),
                    subject));
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
