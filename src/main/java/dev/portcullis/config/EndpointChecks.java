package dev.portcullis.config;

import dev.portcullis.vocab.HostName;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Checks that an address or file the config names can be used: issuer and OTLP URLs, upstream URLs, TLS files. */
final class EndpointChecks {
    private final Problems problems;

    EndpointChecks(Problems problems) {
        this.problems = problems;
    }

    void checkUrl(String at, String value, boolean allowPath) {
        try {
            URI u = new URI(value);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (u.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                problems.add(at, "expected an absolute http(s) URL, was '" + value + "'");
                return;
            }
            if (scheme.equals("http") && !HostName.isLoopback(u.getHost())) {
                problems.add(at, "plain http is accepted for loopback addresses only; use https");
            }
            if (!allowPath && (u.getQuery() != null || u.getFragment() != null)) {
                problems.add(at, "must not have a query or fragment");
            }
        } catch (URISyntaxException e) {
            problems.add(at, "not a URL: " + e.getReason());
        }
    }

    void validateTls(String at, TlsConfig t, boolean listener) {
        if (listener && (t.certFile() == null || t.keyFile() == null)) {
            problems.add(at, "TLS on the listener needs 'cert_file' and 'key_file'");
        }
        if (!listener && (t.certFile() == null) != (t.keyFile() == null)) {
            problems.add(at, "a client certificate needs both 'cert_file' and 'key_file'");
        }
        String[][] files = {{"cert_file", t.certFile()}, {"key_file", t.keyFile()}, {"ca_file", t.caFile()}};
        for (String[] f : files) {
            if (f[1] != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(f[1]))) {
                problems.add(at + "/" + f[0], "cannot read '" + f[1] + "'");
            }
        }
        if (listener && t.reloadInterval().toSeconds() < 1) {
            problems.add(at + "/reload_interval", "at least 1s");
        }
    }

    void checkUpstream(String at, String value) {
        try {
            URI u = new URI(value);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (u.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
                problems.add(at, "expected an http(s) URL such as http://127.0.0.1:9001, was '" + value + "'");
            } else if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")) {
                problems.add(at, "an upstream URL has no path: the request's path is forwarded as it is");
            } else if (u.getQuery() != null || u.getFragment() != null || u.getUserInfo() != null) {
                problems.add(at, "an upstream URL has no query, fragment or user info");
            }
        } catch (URISyntaxException e) {
            problems.add(at, "not a URL: " + e.getReason());
        }
    }
}
