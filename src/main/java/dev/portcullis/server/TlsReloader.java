package dev.portcullis.server;

import dev.portcullis.config.TlsConfig;
import dev.portcullis.forward.TlsContexts;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's TLS context, rebuilt when its certificate or key file changes (a renewed
 * certificate needs no restart). A file that fails to load leaves the working context in place.
 * New connections use the new context; open ones keep theirs.
 */
public final class TlsReloader {
    private static final Logger log = LoggerFactory.getLogger(TlsReloader.class);
    private final TlsConfig config;
    private final boolean http2;
    private volatile SslContext context;
    private FileTime certTime;
    private FileTime keyTime;

    public TlsReloader(TlsConfig config, ScheduledExecutorService scheduler) throws SSLException {
        this(config, false, scheduler);
    }

    /** @param http2 ALPN offers {@code h2} ({@code server.http2}) */
    public TlsReloader(TlsConfig config, boolean http2, ScheduledExecutorService scheduler) throws SSLException {
        this.config = config;
        this.http2 = http2;
        this.context = TlsContexts.server(config, http2);
        this.certTime = mtime(config.certFile());
        this.keyTime = mtime(config.keyFile());
        long every = config.reloadInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::checkForChange, every, every, TimeUnit.MILLISECONDS);
    }

    public SslContext context() {
        return context;
    }

    void checkForChange() {
        FileTime c = mtime(config.certFile());
        FileTime k = mtime(config.keyFile());
        if (c == null || k == null || (c.equals(certTime) && k.equals(keyTime))) {
            return;
        }
        try {
            context = TlsContexts.server(config, http2);
            certTime = c;
            keyTime = k;
            log.info("TLS certificate reloaded from {}", config.certFile());
        } catch (SSLException | RuntimeException e) {
            log.error("TLS certificate {} changed but does not load ({}); keeping the current one",
                    config.certFile(), e.getMessage());
        }
    }

    private static FileTime mtime(String file) {
        try {
            return Files.getLastModifiedTime(Path.of(file));
        } catch (IOException e) {
            return null;
        }
    }
}
