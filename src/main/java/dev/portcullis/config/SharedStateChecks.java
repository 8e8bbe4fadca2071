package dev.portcullis.config;

import dev.portcullis.config.SharedStateConfig.Redis;
import dev.portcullis.vocab.HostName;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks {@code shared_state.redis}: the connection is protected (TLS off loopback, the password only
 * from a file), the key prefix is plain, and sessions, which hold refresh tokens, have keys to be
 * encrypted with.
 */
final class SharedStateChecks {
    static final int MIN_SESSION_KEY_BYTES = 32;
    static final Duration MAX_REFRESH_LOCK = Duration.ofMinutes(1);
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9:._-]{1,64}");
    private static final String AT = "/shared_state/redis";

    private final Problems problems;

    SharedStateChecks(Problems problems) {
        this.problems = problems;
    }

    void validate(ProxyConfig config) {
        Redis r = config.sharedState().redis();
        if (r == null) {
            return;
        }
        if (r.uri() != null) {
            checkUri(r);
        }
        readable("password_file", r.passwordFile());
        readable("ca_file", r.caFile());
        if (r.username() != null && r.passwordFile() == null) {
            problems.add(AT + "/username", "an ACL user needs 'password_file'");
        }
        // The prefix is the only text of the config in a key: plain characters, so keys cannot collide.
        if (!PREFIX.matcher(r.keyPrefix()).matches()) {
            problems.add(AT + "/key_prefix", "1 to 64 of A-Z a-z 0-9 : . _ -, was '" + r.keyPrefix() + "'");
        }
        if (r.timeout().compareTo(Duration.ofSeconds(10)) > 0) {
            problems.add(AT + "/timeout", "at most 10s: a Redis call waits no longer than a request should");
        }
        // A lock that ends while its holder still waits on the token endpoint lets a second instance
        // refresh the same session: with rotating refresh tokens one of the two is then refused.
        if (r.refreshLock().compareTo(ClientConfig.CALL_TIMEOUT) <= 0) {
            problems.add(AT + "/refresh_lock", "must be longer than the token endpoint call's timeout ("
                    + Durations.format(ClientConfig.CALL_TIMEOUT) + "), was " + Durations.format(r.refreshLock()));
        } else if (r.refreshLock().compareTo(MAX_REFRESH_LOCK) > 0) {
            problems.add(AT + "/refresh_lock", "at most " + Durations.format(MAX_REFRESH_LOCK)
                    + ": the other instances wait that long for a refresh whose holder died");
        }
        // Sessions hold refresh tokens: never at rest in Redis in the clear.
        if (config.browserSessions() && r.sessionKeysFiles().isEmpty()) {
            problems.add(AT, "sessions on Redis need 'session_keys_files' (files of at least "
                    + MIN_SESSION_KEY_BYTES + " random bytes; the first encrypts)");
        }
        for (int i = 0; i < r.sessionKeysFiles().size(); i++) {
            sessionKey(AT + "/session_keys_files/" + i, r.sessionKeysFiles().get(i));
        }
    }

    private void checkUri(Redis r) {
        String at = AT + "/uri";
        try {
            URI u = new URI(r.uri());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (u.getHost() == null || !(scheme.equals("redis") || scheme.equals("rediss"))) {
                problems.add(at, "expected rediss://host:port, was '" + r.uri() + "'");
            } else if (u.getUserInfo() != null) {
                problems.add(at, "no user or password in the URI: use 'username' and 'password_file'");
            } else if (!(u.getRawPath() == null || u.getRawPath().isEmpty()) || u.getQuery() != null
                    || u.getFragment() != null) {
                problems.add(at, "a Redis URI has no path, query or fragment");
            } else if (scheme.equals("redis") && !HostName.isLoopback(u.getHost())) {
                problems.add(at, "plain redis:// is accepted for loopback addresses only; use rediss://");
            } else if (scheme.equals("redis") && r.caFile() != null) {
                problems.add(AT + "/ca_file", "'ca_file' needs a rediss:// URI");
            }
        } catch (URISyntaxException e) {
            problems.add(at, "not a URI: " + e.getReason());
        }
    }

    private void readable(String key, String file) {
        if (file != null && !Files.isReadable(Path.of(file))) {
            problems.add(AT + "/" + key, "cannot read '" + file + "'");
        }
    }

    private void sessionKey(String at, String file) {
        try {
            if (Files.size(Path.of(file)) < MIN_SESSION_KEY_BYTES) {
                problems.add(at, "a session key file holds at least " + MIN_SESSION_KEY_BYTES + " bytes: '" + file + "'");
            } else if (!Files.isReadable(Path.of(file))) {
                problems.add(at, "cannot read '" + file + "'");
            }
        } catch (IOException e) {
            problems.add(at, "cannot read '" + file + "'");
        }
    }
}
