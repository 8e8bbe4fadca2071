package dev.portcullis.server;

import dev.portcullis.config.ConfigReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The bytes of a config's files, read twice a short pause apart, kept only when every file read
 * the same both times.
 *
 * <p>A file rewritten in place ({@code cat new > portcullis.yaml}, many editors, config tools)
 * is for a moment a shorter document, often still valid YAML, with routes or a trailing
 * {@code deny:} block missing. A reload parses only bytes that have settled, and parses exactly
 * those (never a third read), so such a moment never goes live: the reload is tried again at the
 * next poll. Renaming a finished file into place is atomic and needs no waiting.
 */
final class SettledFiles {
    /** How long files must stay unchanged before they are read as a config; see {@link ConfigReloader}. */
    static final long SETTLE_MILLIS = 200;

    /** What happens between the two reads: a short sleep (tests write there). */
    @FunctionalInterface
    interface Pause {
        void pause() throws InterruptedException;
    }

    private final List<String> names;
    private final Map<Path, byte[]> bytes; // null value: the file could not be read
    private final String hash;

    private SettledFiles(List<String> names, Map<Path, byte[]> bytes) {
        this.names = List.copyOf(names);
        this.bytes = bytes;
        this.hash = hashOf(names, bytes);
    }

    /** The files as they read before and after {@code pause}, or null when any of them changed. */
    static SettledFiles read(List<String> names, Pause pause) throws InterruptedException {
        Map<Path, byte[]> first = readAll(names);
        pause.pause();
        Map<Path, byte[]> second = readAll(names);
        for (Map.Entry<Path, byte[]> e : first.entrySet()) {
            if (!Arrays.equals(e.getValue(), second.get(e.getKey()))) {
                return null;
            }
        }
        return new SettledFiles(names, second);
    }

    /** The files read, main file first. */
    List<String> names() {
        return names;
    }

    /** {@link ConfigReloader#hashOf} of these bytes. */
    String hash() {
        return hash;
    }

    /**
     * The settled text of the files read; a file outside them (an include directory gained one
     * since) is read from disk, and the caller sees that in the config's file list.
     */
    ConfigReader.Source source() {
        return file -> {
            if (!bytes.containsKey(file)) {
                return Files.readString(file, StandardCharsets.UTF_8);
            }
            byte[] b = bytes.get(file);
            if (b == null) {
                throw new NoSuchFileException(file.toString());
            }
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        };
    }

    /** SHA-256 over the names and contents of the files, as they are on disk now. */
    static String hashOf(List<String> names) {
        return hashOf(names, readAll(names));
    }

    private static String hashOf(List<String> names, Map<Path, byte[]> bytes) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String f : names) {
                byte[] b = bytes.get(Path.of(f));
                if (b == null) {
                    return "unreadable-" + System.nanoTime();
                }
                md.update(f.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(b);
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<Path, byte[]> readAll(List<String> names) {
        Map<Path, byte[]> out = new HashMap<>();
        for (String f : names) {
            Path p = Path.of(f);
            try {
                out.put(p, Files.readAllBytes(p));
            } catch (IOException e) {
                out.put(p, null);
            }
        }
        return out;
    }
}
