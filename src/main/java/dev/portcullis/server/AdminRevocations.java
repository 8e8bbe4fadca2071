package dev.portcullis.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.membership.DirectoryEvent;
import dev.portcullis.membership.EventApplier;
import dev.portcullis.membership.Mark;
import dev.portcullis.membership.OverlayStore;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /admin/revocations} on the admin listener, served only when {@code admin.token_file} is
 * set: {@code POST} revokes (a user's earlier tokens, or one group of them) through the membership
 * overlay at once; {@code GET} lists what the overlay holds. Both need
 * {@code Authorization: Bearer <the admin token>}, compared in constant time; anything else is 401.
 */
final class AdminRevocations {
    static final String PATH = "/admin/revocations";
    private static final Logger log = LoggerFactory.getLogger("portcullis.admin");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("sub", "uid", "group", "reason");
    private static final int MAX_FIELD = 256;

    /** An answer: status and JSON body. */
    record Answer(HttpResponseStatus status, String body) {
    }

    private final byte[] secretHash;
    private final EventApplier applier;
    private final OverlayStore store;
    private final Clock clock;

    /** @param secret the admin token ({@code admin.token_file}'s content, trimmed) */
    AdminRevocations(String secret, EventApplier applier, OverlayStore store, Clock clock) {
        this.secretHash = sha256(secret);
        this.applier = applier;
        this.store = store;
        this.clock = clock;
    }

    Answer handle(FullHttpRequest req) throws IOException {
        boolean post = req.method().equals(HttpMethod.POST);
        if (!post && !req.method().equals(HttpMethod.GET)) {
            return new Answer(HttpResponseStatus.METHOD_NOT_ALLOWED, "{\"error\":\"method_not_allowed\"}");
        }
        if (!authorized(req.headers().getAll(HttpHeaderNames.AUTHORIZATION))) {
            log.warn("admin {} {} refused: no valid admin token", req.method(), PATH);
            return new Answer(HttpResponseStatus.UNAUTHORIZED, "{\"error\":\"unauthorized\"}");
        }
        return post ? revoke(req.content().toString(StandardCharsets.UTF_8)) : list();
    }

    /**
     * Exactly one {@code Authorization: Bearer <token>}. The hashes are compared, in constant time,
     * so neither the token's bytes nor its length show in the answer's timing.
     */
    private boolean authorized(List<String> values) {
        if (values.size() != 1 || !values.get(0).regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(secretHash, sha256(values.get(0).substring(7).trim()));
    }

    private Answer revoke(String body) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            return bad("the body is not JSON");
        }
        if (n == null || !n.isObject()) {
            return bad("the body must be a JSON object: {\"sub\": …, \"group\": …, \"reason\": …}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!FIELDS.contains(f.getKey())) {
                return bad("unknown field '" + f.getKey() + "' (sub, uid, group, reason)");
            }
            if (!f.getValue().isTextual() || f.getValue().asText().isBlank()
                    || f.getValue().asText().length() > MAX_FIELD) {
                return bad("'" + f.getKey() + "' must be a non-empty string of at most " + MAX_FIELD + " characters");
            }
        }
        String sub = text(n, "sub");
        String uid = text(n, "uid");
        if (sub == null && uid == null) {
            return bad("name the user: 'sub' (the token's subject) or 'uid' (the Okta user id)");
        }
        DirectoryEvent e = new DirectoryEvent("operator-" + UUID.randomUUID(), DirectoryEvent.Type.OPERATOR_REVOKE,
                clock.instant(), uid, sub, null, text(n, "group"), text(n, "reason"));
        applier.apply(e);
        log.info("admin revocation {}: sub={} uid={} group={} reason={}", e.uuid(), sub, uid, e.groupName(),
                e.reason());
        ObjectNode out = JSON.createObjectNode();
        out.put("event", e.uuid());
        out.put("published", e.published().toString());
        out.put("sub", sub);
        out.put("uid", uid);
        out.put("group", e.groupName());
        out.put("reason", e.reason());
        return new Answer(HttpResponseStatus.OK, JSON.writeValueAsString(out));
    }

    private Answer list() throws IOException {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode all = out.putArray("entries");
        add(all, "user", store.marks(OverlayStore.Space.REVOKED));
        add(all, "membership", store.marks(OverlayStore.Space.MEMBERSHIP));
        add(all, "group", store.marks(OverlayStore.Space.DELETED));
        return new Answer(HttpResponseStatus.OK, JSON.writeValueAsString(out));
    }

    private static void add(ArrayNode all, String kind, Map<String, Mark> marks) {
        for (Map.Entry<String, Mark> e : marks.entrySet()) {
            Mark m = e.getValue();
            ObjectNode o = all.addObject();
            o.put("kind", kind);
            o.put("key", e.getKey());
            o.put("event", m.eventUuid());
            o.put("type", m.type().name().toLowerCase(java.util.Locale.ROOT));
            o.put("reason", m.reason().code());
            o.put("published", m.published().toString());
            o.put("expires", m.expires().toString());
            if (m.note() != null) {
                o.put("note", m.note());
            }
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null ? null : v.asText().trim();
    }

    private static Answer bad(String message) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", "bad_request");
        o.put("message", message);
        return new Answer(HttpResponseStatus.BAD_REQUEST, JSON.writeValueAsString(o));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
