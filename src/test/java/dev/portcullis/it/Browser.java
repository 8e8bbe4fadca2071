package dev.portcullis.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A browser as the sign-in flow sees one: follows nothing by itself, keeps the proxy's cookies
 * (Set-Cookie in, Cookie out, {@code Max-Age=0} removes), and sends what it is told to.
 */
public final class Browser {
    public final Map<String, String> cookies = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final int proxyPort;

    public Browser(int proxyPort) {
        this.proxyPort = proxyPort;
    }

    /** The proxy's URL for a path. */
    public String url(String path) {
        return "http://127.0.0.1:" + proxyPort + path;
    }

    /** GET on the proxy, with the cookies; the answer's cookies are kept. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", url(path), Map.of());
    }

    /** A request to any URL; cookies only go to the proxy. */
    public HttpResponse<String> send(String method, String url, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .method(method, HttpRequest.BodyPublishers.noBody());
        boolean proxy = url.startsWith(url(""));
        if (proxy && !cookies.isEmpty()) {
            StringBuilder c = new StringBuilder();
            cookies.forEach((k, v) -> c.append(c.length() == 0 ? "" : "; ").append(k).append('=').append(v));
            b.header("Cookie", c.toString());
        }
        headers.forEach(b::header);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (proxy) {
            for (String set : r.headers().allValues("set-cookie")) {
                String pair = set.substring(0, set.indexOf(';'));
                String name = pair.substring(0, pair.indexOf('='));
                if (set.contains("Max-Age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, pair.substring(pair.indexOf('=') + 1));
                }
            }
        }
        return r;
    }

    /** The Location of a redirect, asserting that it is one. */
    public static String location(HttpResponse<String> r) {
        if (r.statusCode() / 100 != 3) {
            throw new AssertionError("expected a redirect, got " + r.statusCode() + ": " + r.body());
        }
        return r.headers().firstValue("location").orElseThrow();
    }
}
