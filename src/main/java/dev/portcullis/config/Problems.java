package dev.portcullis.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Collects located config errors, and warnings, while a file is read and checked. */
final class Problems {
    private final String file;
    private final SourceMap sourceMap;
    private final List<ConfigError> errors;
    private final List<ConfigError> warnings;
    /** Where each merged route came from, when routes were read from included files. */
    private final Map<Integer, Origin> routeOrigins = new HashMap<>();

    private record Origin(Problems file, int localIndex) {
    }

    Problems(String file, SourceMap sourceMap) {
        this(file, sourceMap, new ArrayList<>(), new ArrayList<>());
    }

    private Problems(String file, SourceMap sourceMap, List<ConfigError> errors, List<ConfigError> warnings) {
        this.file = file;
        this.sourceMap = sourceMap;
        this.errors = errors;
        this.warnings = warnings;
    }

    /** Problems of another file (an included one), reported into the same list. */
    Problems forFile(String otherFile, SourceMap otherMap) {
        return new Problems(otherFile, otherMap, errors, warnings);
    }

    /** Route {@code mergedIndex} of the config is route {@code localIndex} of {@code file}. */
    void routeFrom(int mergedIndex, Problems file, int localIndex) {
        routeOrigins.put(mergedIndex, new Origin(file, localIndex));
    }

    void add(String pointer, String message) {
        Origin o = origin(pointer);
        if (o != null) {
            o.file().add(localPointer(pointer, o), message);
            return;
        }
        errors.add(sourceMap.error(file, pointer, message));
    }

    /** A located warning: reported, but the file still loads. */
    void warn(String pointer, String message) {
        Origin o = origin(pointer);
        if (o != null) {
            o.file().warn(localPointer(pointer, o), message);
            return;
        }
        warnings.add(sourceMap.error(file, pointer, message));
    }

    /** {@code file:line:column} of a pointer, in the file it was read from (an included one's own). */
    String place(String pointer) {
        Origin o = origin(pointer);
        return o != null ? o.file().place(localPointer(pointer, o)) : sourceMap.place(file, pointer);
    }

    /** {@code file:line} of a pointer, for messages that name a place (e.g. duplicate ids). */
    String describe(String pointer) {
        Origin o = origin(pointer);
        if (o != null) {
            return o.file().describe(localPointer(pointer, o));
        }
        return sourceMap.describe(file, pointer);
    }

    private Origin origin(String pointer) {
        if (routeOrigins.isEmpty() || !pointer.startsWith("/routes/")) {
            return null;
        }
        int end = pointer.indexOf('/', 8);
        String index = pointer.substring(8, end < 0 ? pointer.length() : end);
        try {
            return routeOrigins.get(Integer.parseInt(index));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String localPointer(String pointer, Origin o) {
        int end = pointer.indexOf('/', 8);
        return "/routes/" + o.localIndex() + (end < 0 ? "" : pointer.substring(end));
    }

    /**
     * The errors so far, this file's first: {@link ConfigException} sorts files by their first
     * appearance, and the config a user asked about comes before the route files it includes even
     * when an included file's error was found first.
     */
    List<ConfigError> errors() {
        List<ConfigError> out = new ArrayList<>(errors.size());
        errors.stream().filter(e -> e.file().equals(file)).forEach(out::add);
        errors.stream().filter(e -> !e.file().equals(file)).forEach(out::add);
        return out;
    }

    List<ConfigError> warnings() {
        return warnings;
    }
}
