package dev.portcullis.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real upstream on loopback that keeps exactly what it received: the request line, every
 * header line as sent (name case, order, duplicates), and the body. It answers each request
 * with the current {@link Behaviour}. Deliberately minimal: it reads Content-Length and chunked
 * bodies, answers keep-alive, and is for tests only.
 */
public final class RecordingUpstream implements AutoCloseable {

    /** One request as received. */
    public record Received(String requestLine, List<String[]> headers, byte[] body, int connectionId,
            List<String[]> trailers) {
        public Received(String requestLine, List<String[]> headers, byte[] body, int connectionId) {
            this(requestLine, headers, body, connectionId, List.of());
        }

        public String method() {
            return requestLine.split(" ")[0];
        }

        public String target() {
            return requestLine.split(" ")[1];
        }

        /** All values of a header, by case-insensitive name. */
        public List<String> all(String name) {
            List<String> out = new ArrayList<>();
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    out.add(h[1]);
                }
            }
            return out;
        }

        public String header(String name) {
            List<String> all = all(name);
            return all.isEmpty() ? null : all.get(0);
        }

        public List<String> names() {
            return headers.stream().map(h -> h[0]).toList();
        }
    }

    /** How to answer. */
    public record Behaviour(int status, String body, long delayMillis, boolean closeWithoutAnswer,
            List<String> extraHeaders) {
        public Behaviour(int status, String body, long delayMillis, boolean closeWithoutAnswer) {
            this(status, body, delayMillis, closeWithoutAnswer, List.of());
        }

        public static Behaviour ok() {
            return new Behaviour(200, "{\"upstream\":\"ok\"}", 0, false);
        }

        /** The same answer with more header lines ({@code "Name: value"}). */
        public Behaviour withHeaders(String... lines) {
            return new Behaviour(status, body, delayMillis, closeWithoutAnswer, List.of(lines));
        }
    }

    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "recording-upstream");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Behaviour behaviour = Behaviour.ok();

    public RecordingUpstream() throws IOException {
        server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        pool.execute(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public void behave(Behaviour b) {
        behaviour = b;
    }

    /** The next request received, waiting up to 5 s; null when none came. */
    public Received take() throws InterruptedException {
        return received.poll(5, TimeUnit.SECONDS);
    }

    /** The next request if one is already there (or arrives within 200 ms), else null. */
    public Received poll() throws InterruptedException {
        return received.poll(200, TimeUnit.MILLISECONDS);
    }

    public int connectionCount() {
        return connections.get();
    }

    /** Connections open now: accepted and not yet closed by the proxy (or by this upstream). */
    public int openConnections() {
        return open.get();
    }

    /** Forgets requests received so far, so a test sees only its own. */
    public void clear() {
        received.clear();
    }

    /** How many requests are waiting to be taken. */
    public int pending() {
        return received.size();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true); // head and body go out in two writes: no Nagle delay between them
                sockets.add(s);
                int id = connections.incrementAndGet();
                open.incrementAndGet();
                pool.execute(() -> serve(s, id));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int id) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                List<String[]> headers = new ArrayList<>();
                String h;
                while ((h = readLine(in)) != null && !h.isEmpty()) {
                    int colon = h.indexOf(':');
                    headers.add(new String[] {h.substring(0, colon), h.substring(colon + 1).trim()});
                }
                List<String[]> trailers = new ArrayList<>();
                byte[] body = readBody(in, headers, trailers);
                Received r = new Received(line, headers, body, id, trailers);
                received.add(r);
                Behaviour b = behaviour;
                if (b.delayMillis() > 0) {
                    Thread.sleep(b.delayMillis());
                }
                if (b.closeWithoutAnswer()) {
                    return;
                }
                byte[] payload = b.body().getBytes(StandardCharsets.UTF_8);
                String head = "HTTP/1.1 " + b.status() + " X\r\nContent-Type: application/json\r\nContent-Length: "
                        + payload.length + "\r\nX-Upstream-Connection: " + id + "\r\n"
                        + b.extraHeaders().stream().map(l -> l + "\r\n").reduce("", String::concat) + "\r\n";
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                if (!r.method().equals("HEAD")) {
                    out.write(payload);
                }
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // connection ends
        } finally {
            open.decrementAndGet();
        }
    }

    private static byte[] readBody(InputStream in, List<String[]> headers, List<String[]> trailers)
            throws IOException {
        String te = null;
        long length = 0;
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase("transfer-encoding")) {
                te = h[1].toLowerCase(Locale.ROOT);
            } else if (h[0].equalsIgnoreCase("content-length")) {
                length = Long.parseLong(h[1]);
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (te != null && te.contains("chunked")) {
            while (true) {
                String size = readLine(in);
                if (size == null) {
                    throw new SocketException("eof in chunked body");
                }
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    while (true) {
                        String trailer = readLine(in);
                        if (trailer == null || trailer.isEmpty()) {
                            return body.toByteArray();
                        }
                        int colon = trailer.indexOf(':');
                        trailers.add(new String[] {trailer.substring(0, colon), trailer.substring(colon + 1).trim()});
                    }
                }
                body.write(in.readNBytes(n));
                readLine(in);
            }
        }
        body.write(in.readNBytes((int) length));
        return body.toByteArray();
    }

    /** One line without its CRLF (or bare LF), ISO-8859-1; null at end of stream. Shared with {@link RawHttp}. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] b = line.toByteArray();
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Closes the listening socket and every open connection. */
    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        pool.shutdownNow();
    }
}
