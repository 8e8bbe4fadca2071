package dev.portcullis.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An HTTPS upstream on raw sockets that requires a client certificate and keeps connections
 * alive, recording for each request which connection carried it and which client certificate
 * that connection's handshake presented, and how many connections are open: what a test needs
 * to tell a pooled connection from a new one. GET only, no bodies; for tests.
 */
final class KeepAliveTlsUpstream implements AutoCloseable {
    /** One request: its target, the connection (numbered from 1) and that connection's client subject. */
    record Seen(String target, int connection, String clientSubject) {
    }

    private final SSLServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "keep-alive-tls-upstream");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();

    KeepAliveTlsUpstream(TestPki.Issued identity, X509Certificate clientCa) throws IOException {
        server = (SSLServerSocket) TestPki.context(identity, clientCa).getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
        pool.execute(this::accept);
    }

    String url() {
        return "https://127.0.0.1:" + server.getLocalPort();
    }

    /** The next request received, waiting up to 5 s; null when none came. */
    Seen take() throws InterruptedException {
        return seen.poll(5, TimeUnit.SECONDS);
    }

    /** Connections open now. */
    int openConnections() {
        return open.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                SSLSocket s = (SSLSocket) server.accept();
                int id = connections.incrementAndGet();
                open.incrementAndGet();
                pool.execute(() -> serve(s, id));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SSLSocket s, int id) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            s.startHandshake();
            String subject = ((X509Certificate) s.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName();
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                String h;
                while ((h = readLine(in)) != null && !h.isEmpty()) {
                    // headers are not needed
                }
                seen.add(new Seen(line.split(" ")[1], id, subject));
                byte[] body = ("{\"connection\":" + id + "}").getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
            }
        } catch (IOException e) {
            // the connection ends
        } finally {
            open.decrementAndGet();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(c);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
