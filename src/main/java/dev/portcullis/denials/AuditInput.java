package dev.portcullis.denials;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Where an audit log comes from: a file (read as often as needed) or a stream such as stdin (read
 * once, unless {@link #spool() spooled} to a temporary file). Gzip-compressed input, as left by
 * log rotation, is recognised by its magic bytes and read transparently.
 */
public final class AuditInput implements AutoCloseable {
    private final String name;
    private final Path file;
    private final InputStream stream;
    private final boolean temporary;

    private AuditInput(String name, Path file, InputStream stream, boolean temporary) {
        this.name = name;
        this.file = file;
        this.stream = stream;
        this.temporary = temporary;
    }

    /** A file, checked now: a missing, unreadable or directory path fails here, before any output. */
    public static AuditInput file(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        if (Files.isDirectory(path)) {
            throw new IOException("is a directory");
        }
        // Opening (not only checking) finds missing files and denied permissions alike.
        Files.newInputStream(path).close();
        return new AuditInput(path.toString(), path, null, false);
    }

    /** A stream that can be read once, e.g. stdin. */
    public static AuditInput stream(String name, InputStream in) {
        return new AuditInput(Objects.requireNonNull(name, "name"), null, Objects.requireNonNull(in, "in"), false);
    }

    public String name() {
        return name;
    }

    /** Whether {@link #open()} may be called more than once. */
    public boolean rereadable() {
        return file != null;
    }

    /**
     * Copies a stream to a temporary file (deleted on {@link #close()}) so that it can be read
     * twice; disk, not memory, holds it. A file input is returned as it is.
     */
    public AuditInput spool() throws IOException {
        if (file != null) {
            return this;
        }
        Path tmp = Files.createTempFile("portcullis-denials-", ".log");
        try {
            Files.copy(stream, tmp, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return new AuditInput(name, tmp, null, true);
    }

    /** A fresh stream over the whole input, decompressed when it is gzip. */
    public InputStream open() throws IOException {
        InputStream raw = file != null ? Files.newInputStream(file) : stream;
        BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new GZIPInputStream(in, 64 * 1024);
        }
        return in;
    }

    @Override
    public void close() {
        if (temporary) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
