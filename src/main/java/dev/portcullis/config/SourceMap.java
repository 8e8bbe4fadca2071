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
 * found after parsing (by the binder or the validator) can still name where they are.
 */
final class SourceMap {
    private final Map<String, int[]> positions;

    private SourceMap(Map<String, int[]> positions) {
        this.positions = positions;
    }

    static SourceMap of(YAMLFactory factory, String text) throws IOException {
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
    int[] locate(String pointer) {
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
}
