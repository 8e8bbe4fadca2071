package dev.portcullis.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Line and column of every key and value in a YAML document, by JSON pointer, so that errors
 * found after parsing (by the binder or the validator, or by the policy tools' case reader) can
 * still name where they are. The one implementation of YAML positions: see {@link YamlDocument}.
 */
public final class SourceMap {
    private final Map<String, int[]> positions;

    private SourceMap(Map<String, int[]> positions) {
        this.positions = positions;
    }

    public static SourceMap of(YAMLFactory factory, String text) throws IOException {
        Map<String, int[]> positions = new HashMap<>();
        try (JsonParser p = factory.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                JsonStreamContext ctx = p.getParsingContext();
                String pointer;
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    JsonStreamContext parent = ctx.getParent();
                    pointer = parent == null ? "" : parent.pathAsPointer().toString();
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    continue;
                } else {
                    pointer = ctx.pathAsPointer().toString();
                }
                JsonLocation loc = p.currentTokenLocation();
                positions.putIfAbsent(pointer, new int[] {loc.getLineNr(), loc.getColumnNr()});
            }
        }
        return new SourceMap(positions);
    }

    static SourceMap empty() {
        return new SourceMap(Map.of());
    }

    /** Position of the pointer, or of its nearest ancestor that has one; {0, 0} when none. */
    public int[] locate(String pointer) {
        String p = pointer;
        while (true) {
            int[] pos = positions.get(p);
            if (pos != null) {
                return pos;
            }
            if (p.isEmpty()) {
                return new int[] {0, 0};
            }
            p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
        }
    }

    /** An error at the pointer (or its nearest located ancestor) of {@code file}. */
    public ConfigError error(String file, String pointer, String message) {
        int[] pos = locate(pointer);
        return new ConfigError(file, pos[0], pos[1], readable(pointer), message);
    }

    /** {@code file:line} of a pointer, for messages that name a place (e.g. duplicate ids). */
    public String describe(String file, String pointer) {
        int[] pos = locate(pointer);
        return pos[0] > 0 ? file + ":" + pos[0] : file;
    }

    /** {@code file:line:column} of a pointer (or its nearest located ancestor), for a place a tool names. */
    public String place(String file, String pointer) {
        int[] pos = locate(pointer);
        return pos[0] > 0 ? file + ":" + pos[0] + ":" + pos[1] : file;
    }

    /** {@code /routes/2/allow} becomes {@code routes[2].allow}. */
    static String readable(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.chars().allMatch(Character::isDigit)) {
                sb.append('[').append(part).append(']');
            } else {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(part.replace("~1", "/").replace("~0", "~"));
            }
        }
        return sb.toString();
    }
}
