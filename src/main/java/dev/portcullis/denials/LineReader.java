package dev.portcullis.denials;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Splits a byte stream into lines without decoding it, in bounded memory: a line longer than
 * {@code maxLineBytes} is skipped to its end and counted, never buffered whole. A trailing
 * {@code \r} is dropped, so CRLF files read the same as LF ones.
 */
final class LineReader {
    /** Receives each line; the bytes are valid only during the call. */
    interface Sink {
        void line(byte[] buf, int off, int len);
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] chunk = new byte[64 * 1024];
    private byte[] line;
    private int lineLen;
    private boolean overlong;
    private long tooLong;

    LineReader(InputStream in, int maxLineBytes) {
        this.in = Objects.requireNonNull(in, "in");
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive");
        }
        this.maxLineBytes = maxLineBytes;
        this.line = new byte[Math.min(maxLineBytes, 4096)];
    }

    /** Reads to the end of the stream, handing each line to the sink. */
    void readAll(Sink sink) throws IOException {
        int n;
        while ((n = in.read(chunk)) >= 0) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (chunk[i] == '\n') {
                    append(chunk, start, i - start);
                    emit(sink);
                    start = i + 1;
                }
            }
            append(chunk, start, n - start);
        }
        if (lineLen > 0 || overlong) {
            emit(sink);
        }
    }

    /** Lines skipped because they were longer than the limit. */
    long tooLong() {
        return tooLong;
    }

    private void append(byte[] src, int off, int len) {
        if (overlong || len == 0) {
            return;
        }
        if (lineLen + len > maxLineBytes) {
            // Why: a log without newlines (or one giant line) must not make us hold it all.
            overlong = true;
            lineLen = 0;
            return;
        }
        if (lineLen + len > line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(line.length * 2, lineLen + len)));
        }
        System.arraycopy(src, off, line, lineLen, len);
        lineLen += len;
    }

    private void emit(Sink sink) {
        if (overlong) {
            tooLong++;
        } else {
            int len = lineLen > 0 && line[lineLen - 1] == '\r' ? lineLen - 1 : lineLen;
            sink.line(line, 0, len);
        }
        overlong = false;
        lineLen = 0;
    }
}
