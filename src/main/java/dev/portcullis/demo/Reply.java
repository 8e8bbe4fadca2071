package dev.portcullis.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP answer built by a dev endpoint before it is written, so endpoints stay free of I/O.
 *
 * @param status      the status code
 * @param contentType the {@code Content-Type}
 * @param body        the body bytes
 * @param headers     extra response headers
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    private static final ObjectMapper JSON = new ObjectMapper();

    Reply {
        headers = Map.copyOf(headers);
    }

    static Reply json(int status, Object body) {
        try {
            return new Reply(status, "application/json", JSON.writeValueAsBytes(body), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** A JSON body that is already serialized. */
    static Reply rawJson(int status, String body) {
        return new Reply(status, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Reply text(int status, String body) {
        return new Reply(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** An RFC 6749 §5.2 error answer; the description is for humans, the code for programs. */
    static Reply oauthError(int status, String error, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return json(status, body).withHeader("Cache-Control", "no-store");
    }

    Reply withHeader(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return new Reply(status, contentType, body, all);
    }
}
