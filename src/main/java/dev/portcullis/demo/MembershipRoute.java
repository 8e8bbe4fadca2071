package dev.portcullis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code POST {base}/dev/membership} with {@code {"user": "bob", "group": "orders-admins", "action":
 * "remove"}}: the dev issuer's stand-in for an Okta admin. It changes the {@link Directory}
 * ({@code add}, {@code remove} a membership; {@code deactivate}, {@code activate}, {@code suspend},
 * {@code unsuspend} a user; {@code end_session} changes nothing but is delivered) and delivers the matching Event Hook to the registered target, if any.
 * The answer (200) names the change, the envelope delivered and the receiver's status; it is written
 * when the delivery completes, on the HTTP client's threads, so no issuer thread waits for it. A
 * change that is already so is 409 and delivers nothing. Development only: like the dev token
 * route, not authenticated (anyone who can reach it can also mint any token).
 */
final class MembershipRoute {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> EVENT_TYPES = Map.of(
            "add", "group.user_membership.add", "remove", "group.user_membership.remove",
            "deactivate", "user.lifecycle.deactivate", "activate", "user.lifecycle.activate",
            "suspend", "user.lifecycle.suspend", "unsuspend", "user.lifecycle.unsuspend",
            "end_session", "user.session.end");
    private final String orgUrl;
    private final Directory directory;
    private final Supplier<EventHookTarget> target;
    private final HookDelivery delivery;

    MembershipRoute(String orgUrl, Directory directory, Supplier<EventHookTarget> target, HookDelivery delivery) {
        this.orgUrl = orgUrl;
        this.directory = directory;
        this.target = target;
        this.delivery = delivery;
    }

    CompletableFuture<Reply> handle(String method, byte[] body) {
        if (!"POST".equals(method)) {
            return done(Reply.json(405, Map.of("error", "method_not_allowed")).withHeader("Allow", "POST"));
        }
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            return done(bad(400, "the body must be JSON: {\"user\": …, \"group\": …, \"action\": …}"));
        }
        String action = request == null ? null : request.path("action").asText(null);
        String eventType = action == null ? null : EVENT_TYPES.get(action);
        if (eventType == null) {
            return done(bad(400, "action must be one of " + List.copyOf(new java.util.TreeSet<>(EVENT_TYPES.keySet()))));
        }
        Directory.Entry user = directory.user(request.path("user").asText(null)).orElse(null);
        if (user == null) {
            return done(bad(404, "unknown user '" + request.path("user").asText("") + "'; known: "
                    + directory.logins()));
        }
        boolean membership = action.equals("add") || action.equals("remove");
        Directory.Group group = null;
        if (membership) {
            group = directory.group(request.path("group").asText(""), false).orElse(null);
            if (group == null) {
                return done(bad(404, "unknown group '" + request.path("group").asText("") + "'"));
            }
        }
        // Ending a user's sessions changes nothing the directory shows, so it always happens.
        boolean changed = membership ? directory.setMember(user.id(), group, action.equals("add"))
                : action.equals("end_session") || directory.setStatus(user.id(), statusAfter(action));
        if (!changed) {
            return done(bad(409, user.user().login() + " is already so; nothing changed, nothing delivered"));
        }
        Map<String, Object> envelope = HookEnvelope.of(orgUrl, hookId(),
                List.of(HookEnvelope.event(eventType, user.user(), group, Instant.now())));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("user", user.user().login());
        answer.put("userId", user.id());
        if (group != null) {
            answer.put("group", group.name());
            answer.put("groupId", group.id());
        }
        answer.put("action", action);
        answer.put("delivered", envelope);
        EventHookTarget to = target.get();
        if (to == null) {
            answer.put("hook", Map.of("error", "no event hook registered (dev-issuer --event-hook-url)"));
            return done(Reply.json(200, answer));
        }
        return delivery.deliver(to, envelope).thenApply(outcome -> {
            answer.put("hook", outcome);
            return Reply.json(200, answer);
        });
    }

    private String hookId() {
        EventHookTarget to = target.get();
        return OktaIds.hook(to == null ? "none" : to.url().toString());
    }

    private static Directory.Status statusAfter(String action) {
        return switch (action) {
            case "deactivate" -> Directory.Status.DEPROVISIONED;
            case "suspend" -> Directory.Status.SUSPENDED;
            default -> Directory.Status.ACTIVE;
        };
    }

    private static Reply bad(int status, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", status == 409 ? "conflict" : "invalid_request");
        body.put("error_description", description);
        return Reply.json(status, body);
    }

    private static CompletableFuture<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
