package dev.portcullis.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.config.OktaConfig;
import dev.portcullis.directory.DirectoryListener.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The org's groups and their members, read once for the offline tools ({@code validate --okta},
 * {@code report --members}): Okta's list-groups ({@code GET /api/v1/groups?limit=200}) and
 * list-group-members ({@code GET /api/v1/groups/{id}/users?limit=200}), following every
 * {@code Link: rel="next"}, with the proxy's own client: the same credentials, rate limit, 429
 * back-off and origin check as the Users API. Blocking: for the command line, never an event loop.
 *
 * <p>Every group is listed rather than each name searched ({@code ?search=profile.name eq "…"}):
 * one paged listing costs a call per 200 groups however many names the config holds, and only
 * the whole list can say which existing name a misspelt one is nearest to.
 */
public final class OrgGroups implements AutoCloseable {
    /** 1,000 pages of 200: an org with more is refused rather than read without end. */
    static final int MAX_PAGES = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExecutorService executor;
    private final OktaUsersApi api;

    private OrgGroups(OktaConfig okta, Clock clock) throws IOException {
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "portcullis-org-groups");
            t.setDaemon(true);
            return t;
        });
        HttpClient client = HttpClient.newBuilder().executor(executor).connectTimeout(okta.groups().timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        Credentials credentials = Directory.credentials(okta, client, DirectoryListener.NONE, clock);
        this.api = new OktaUsersApi(client, okta.orgUrl(), credentials, new DirectoryStatus(0, false),
                DirectoryListener.NONE, executor, okta.groups().timeout(), clock);
    }

    /**
     * Opens a reader with the credentials of {@code okta}, which must name the org and a way to
     * authenticate ({@link OktaConfig#directoryApi()}).
     *
     * @throws IOException when the API token or the service app's key cannot be read
     */
    public static OrgGroups open(OktaConfig okta, Clock clock) throws IOException {
        if (!okta.directoryApi()) {
            throw new IllegalArgumentException("okta: no org_url or credentials (api_token_file, api_token_env or"
                    + " service_app)");
        }
        return new OrgGroups(okta, clock);
    }

    /** Every group of the org: its {@code profile.name} to its id, in the API's order. */
    public Map<String, String> groups() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode g : all(URI.create(api.base() + "/api/v1/groups?limit=200"))) {
            String name = g.path("profile").path("name").asText("");
            if (!name.isEmpty()) {
                out.putIfAbsent(name, g.path("id").asText(""));
            }
        }
        return out;
    }

    /** The logins ({@code profile.login}) of the members of group {@code groupId}, in the API's order. */
    public List<String> members(String groupId) throws IOException {
        String id = URLEncoder.encode(groupId, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (JsonNode u : all(URI.create(api.base() + "/api/v1/groups/" + id + "/users?limit=200"))) {
            String login = u.path("profile").path("login").asText("");
            out.add(login.isEmpty() ? u.path("id").asText("") : login);
        }
        return out;
    }

    private List<JsonNode> all(URI first) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        URI uri = first;
        for (int page = 1; uri != null; page++) {
            if (page > MAX_PAGES) {
                throw new DirectoryException(Outcome.ERROR, "more than " + MAX_PAGES + " pages at " + first);
            }
            HttpResponse<String> r;
            try {
                r = api.get(uri).join();
            } catch (CompletionException e) {
                Throwable cause = DirectoryException.unwrap(e);
                throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
            }
            if (r.statusCode() == 404) {
                throw new DirectoryException(Outcome.ERROR, "GET " + uri + " answered 404");
            }
            JsonNode list = JSON.readTree(r.body());
            if (!list.isArray()) {
                throw new DirectoryException(Outcome.ERROR, "GET " + uri + " answered no list");
            }
            list.forEach(out::add);
            try {
                uri = api.nextPage(r);
            } catch (CompletionException e) {
                throw (IOException) DirectoryException.unwrap(e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
