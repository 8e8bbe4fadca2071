package dev.portcullis.demo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Okta's management API for users and groups, played from the dev issuer's {@link Directory} at
 * the org root ({@code {base}/api/v1/…}): a user, a user's groups, a group, a group's members, and
 * groups by prefix ({@code q=}) or exact name ({@code search=profile.name eq "…"}). As in Okta:
 * {@code Authorization: SSWS <token>} or 401; {@code limit} and {@code after} with a
 * {@code Link: <…>; rel="next"} header while more remain; {@code X-Rate-Limit-*} headers on every
 * answer and 429 once a minute's budget (per resource: users, groups) is spent; errors as
 * {@code {errorCode, errorSummary, …}}. These are org endpoints, not in the OIDC discovery document.
 */
final class DirectoryApi {
    static final String PREFIX = "/api/v1/";
    /** Okta's page limits: a user's groups, a group's members, groups. */
    static final int MAX_USER_GROUPS = 200;
    static final int MAX_GROUP_USERS = 1000;
    static final int MAX_GROUPS = 10_000;
    private static final Pattern USER = Pattern.compile("/api/v1/users/([^/]+)(/groups)?");
    private static final Pattern GROUP = Pattern.compile("/api/v1/groups(?:/([^/]+)(/users)?)?");
    private static final Pattern SEARCH_NAME = Pattern.compile("profile\\.name eq \"([^\"]*)\"");
    private final String base;
    private final Directory directory;
    private final byte[] apiToken;
    private final RateBudget users;
    private final RateBudget groups;

    DirectoryApi(String base, Directory directory, String apiToken, int ratePerMinute, Clock clock) {
        this.base = base;
        this.directory = directory;
        this.apiToken = ("SSWS " + apiToken).getBytes(StandardCharsets.UTF_8);
        this.users = new RateBudget(ratePerMinute, clock);
        this.groups = new RateBudget(ratePerMinute, clock);
    }

    Reply handle(String method, String path, String query, String authorization) {
        // Okta answers an unauthenticated call 401 before anything else, whatever it asks for.
        if (authorization == null || !MessageDigest.isEqual(apiToken, authorization.getBytes(StandardCharsets.UTF_8))) {
            return error(401, "E0000011", "Invalid token provided");
        }
        Matcher user = USER.matcher(path);
        Matcher group = GROUP.matcher(path);
        boolean isUser = user.matches();
        if (!isUser && !group.matches()) {
            return error(404, "E0000007", "Not found: Resource not found: " + path);
        }
        RateBudget.Take take = (isUser ? users : groups).take();
        if (!take.allowed()) {
            return take.stamp(error(429, "E0000047", "API call exceeded rate limit due to too many requests."));
        }
        if (!method.equals("GET")) {
            return take.stamp(error(405, "E0000022", "The endpoint does not support the provided HTTP method")
                    .withHeader("Allow", "GET"));
        }
        Map<String, String> params;
        try {
            params = Exchanges.parseForm(query);
        } catch (IllegalArgumentException e) {
            return take.stamp(error(400, "E0000001", "Api validation failed: " + e.getMessage()));
        }
        return take.stamp(isUser ? user(user.group(1), user.group(2) != null, path, params)
                : group(group.group(1), group.group(2) != null, path, params));
    }

    private Reply user(String id, boolean listGroups, String path, Map<String, String> params) {
        Directory.Entry u = directory.user(id).orElse(null);
        if (u == null) {
            return error(404, "E0000007", "Not found: Resource not found: " + id + " (User)");
        }
        if (!listGroups) {
            return Reply.json(200, userJson(u));
        }
        return page(directory.groupsOf(u.id()), Directory.Group::id, DirectoryApi::groupJson, MAX_USER_GROUPS,
                path, params, Map.of());
    }

    private Reply group(String id, boolean listUsers, String path, Map<String, String> params) {
        if (id == null) {
            return searchGroups(path, params);
        }
        Directory.Group g = directory.group(id, true).orElse(null);
        if (g == null) {
            return error(404, "E0000007", "Not found: Resource not found: " + id + " (UserGroup)");
        }
        if (!listUsers) {
            return Reply.json(200, groupJson(g));
        }
        return page(directory.members(g), Directory.Entry::id, DirectoryApi::userJson, MAX_GROUP_USERS, path,
                params, Map.of());
    }

    private Reply searchGroups(String path, Map<String, String> params) {
        String q = params.get("q");
        String search = params.get("search");
        List<Directory.Group> all = directory.groups();
        Map<String, String> keep = new LinkedHashMap<>();
        if (search != null) {
            Matcher m = SEARCH_NAME.matcher(search.strip());
            if (q != null || !m.matches()) {
                return error(400, "E0000031", "Invalid search criteria: the dev issuer knows profile.name eq \"…\"");
            }
            all = all.stream().filter(g -> g.name().equals(m.group(1))).toList();
            keep.put("search", search);
        } else if (q != null) {
            String prefix = q.toLowerCase(Locale.ROOT);
            all = all.stream().filter(g -> g.name().toLowerCase(Locale.ROOT).startsWith(prefix)).toList();
            keep.put("q", q);
        }
        return page(all, Directory.Group::id, DirectoryApi::groupJson, MAX_GROUPS, path, params, keep);
    }

    /**
     * One page of {@code items} (ordered by id): those after the cursor {@code after}, at most
     * {@code limit} (default and cap {@code max}), with a {@code rel="next"} link while more remain.
     */
    private <T> Reply page(List<T> items, Function<T, String> id, Function<T, Object> json, int max, String path,
            Map<String, String> params, Map<String, String> keep) {
        int limit;
        try {
            limit = params.containsKey("limit") ? Math.min(max, Integer.parseInt(params.get("limit"))) : max;
        } catch (NumberFormatException e) {
            limit = 0;
        }
        if (limit < 1) {
            return error(400, "E0000001", "Api validation failed: limit must be a number from 1 to " + max);
        }
        String after = params.get("after");
        List<T> rest = after == null ? items : items.stream().filter(t -> id.apply(t).compareTo(after) > 0).toList();
        List<T> shown = rest.subList(0, Math.min(limit, rest.size()));
        Reply reply = Reply.json(200, shown.stream().map(json).toList());
        if (rest.size() > shown.size()) {
            StringBuilder next = new StringBuilder(base).append(path).append('?');
            keep.forEach((k, v) -> next.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                    .append('&'));
            next.append("after=").append(id.apply(shown.get(shown.size() - 1))).append("&limit=").append(limit);
            reply = reply.withHeader("Link", "<" + next + ">; rel=\"next\"");
        }
        return reply;
    }

    static Map<String, Object> userJson(Directory.Entry e) {
        DemoUser u = e.user();
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("login", u.email());
        profile.put("email", u.email());
        profile.put("firstName", capitalized(u.login()));
        profile.put("lastName", "Example");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", u.uid());
        out.put("status", e.status().name());
        out.put("profile", profile);
        return out;
    }

    static Map<String, Object> groupJson(Directory.Group g) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", g.id());
        out.put("type", "OKTA_GROUP");
        out.put("profile", Map.of("name", g.name(), "description", g.description()));
        return out;
    }

    static String capitalized(String login) {
        return login.isEmpty() ? login : login.substring(0, 1).toUpperCase(Locale.ROOT) + login.substring(1);
    }

    /** Okta's error body: code, summary, link, a fresh id, no causes. */
    static Reply error(int status, String code, String summary) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errorCode", code);
        body.put("errorSummary", summary);
        body.put("errorLink", code);
        body.put("errorId", "oae" + UUID.randomUUID().toString().replace("-", "").substring(0, 19));
        body.put("errorCauses", List.of());
        return Reply.json(status, body);
    }
}
