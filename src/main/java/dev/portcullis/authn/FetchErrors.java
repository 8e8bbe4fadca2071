package dev.portcullis.authn;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/**
 * Why an HTTP fetch failed, in words: the JDK client reports a refused connection as a
 * {@code ConnectException} with no message around a {@code ClosedChannelException}, which a log
 * line would show as "ClosedChannelException: null".
 */
final class FetchErrors {
    private FetchErrors() {
    }

    static String describe(Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer in time";
        }
        if (e instanceof UnknownHostException || e.getCause() instanceof UnresolvedAddressException) {
            return "unknown host";
        }
        if (e instanceof ConnectException && e.getMessage() == null) {
            return "connection refused";
        }
        if (e instanceof SSLException) {
            return "TLS: " + e.getMessage();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** The failure itself, without the wrappers that asynchronous composition adds. */
    static Throwable unwrap(Throwable failure) {
        Throwable e = failure;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
