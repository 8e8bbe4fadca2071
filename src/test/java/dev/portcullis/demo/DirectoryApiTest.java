package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The management API's answers, without sockets (the IT calls it over HTTP). */
class DirectoryApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "http://127.0.0.1:9000";
    private static final String AUTH = "SSWS t0ken";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final Directory directory = new Directory(DevUsers.of(List.of(
            UserSpec.parse("ann:" + String.join(",", IntStream.rangeClosed(1, 250).mapToObj(i -> "g" + i).toList())),
            UserSpec.parse("ben:g1,ops"))));
    private final DirectoryApi api = new DirectoryApi(BASE, directory, "t0ken", 100, CLOCK);

    private Reply get(String path, String query) {
        return api.handle("GET", path, query, AUTH);
    }

    private static JsonNode json(Reply r) throws IOException {
        return JSON.readTree(r.body());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"SSWS wrong", "Bearer t0ken", "ssws t0ken", "SSWS t0ken ", "SSWS "})
    void withoutTheApiTokenEveryEndpointIs401InOktasShape(String authorization) throws IOException {
        for (String path : List.of("/api/v1/groups", "/api/v1/users/ann/groups", "/api/v1/nowhere")) {
            Reply r = api.handle("GET", path, null, authorization);

            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(json(r).path("errorCode").asText()).isEqualTo("E0000011");
            assertThat(json(r).path("errorSummary").asText()).isEqualTo("Invalid token provided");
            assertThat(r.headers()).doesNotContainKey("X-Rate-Limit-Remaining");
        }
    }

    @Test
    void aUsersGroupsComeInPagesOf200WithALinkToTheNext() throws IOException {
        String uid = directory.user("ann").orElseThrow().id();
        List<String> seen = new ArrayList<>();
        String path = "/api/v1/users/" + uid + "/groups";
        String query = "limit=500"; // above Okta's cap: 200
        int pages = 0;
        while (query != null) {
            Reply r = get(path, query);
            assertThat(r.status()).isEqualTo(200);
            json(r).forEach(g -> {
                assertThat(g.path("type").asText()).isEqualTo("OKTA_GROUP");
                assertThat(g.path("id").asText()).isEqualTo(OktaIds.group(g.path("profile").path("name").asText()));
                seen.add(g.path("profile").path("name").asText());
            });
            pages++;
            String link = r.headers().get("Link");
            if (link == null) {
                query = null;
            } else {
                assertThat(link).startsWith("<" + BASE + path + "?after=00g").endsWith("&limit=200>; rel=\"next\"");
                query = link.substring(link.indexOf('?') + 1, link.indexOf('>'));
            }
        }
        assertThat(pages).isEqualTo(2);
        assertThat(seen).hasSize(250).doesNotHaveDuplicates().contains("g1", "g250");
    }

    @Test
    void aGroupsMembersPageAtTheLimitAsked() throws IOException {
        String g1 = OktaIds.group("g1");
        Reply first = get("/api/v1/groups/" + g1 + "/users", "limit=1");
        String next = first.headers().get("Link");
        Reply second = get("/api/v1/groups/" + g1 + "/users", next.substring(next.indexOf('?') + 1, next.indexOf('>')));

        List<JsonNode> users = new ArrayList<>();
        json(first).forEach(users::add);
        json(second).forEach(users::add);
        assertThat(users).extracting(u -> u.path("profile").path("login").asText())
                .containsExactlyInAnyOrder("ann@example.com", "ben@example.com");
        assertThat(users.get(0).path("status").asText()).isEqualTo("ACTIVE");
        assertThat(users.get(0).path("id").asText()).startsWith("00u");
        assertThat(second.headers()).doesNotContainKey("Link");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "q=OP                                | ops",
        "q=g25                               | g25,g250",
        "search=profile.name eq \"ops\"      | ops",
        "search=profile.name eq \"op\"       | ''"})
    void groupsByPrefixOrExactName(String query, String names) throws IOException {
        Reply r = get("/api/v1/groups", query.replace(" ", "%20").replace("\"", "%22"));

        assertThat(r.status()).isEqualTo(200);
        List<String> found = new ArrayList<>();
        json(r).forEach(g -> found.add(g.path("profile").path("name").asText()));
        assertThat(found).containsExactlyInAnyOrder(names.isEmpty() ? new String[0] : names.split(","));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/api/v1/groups                  | search=profile.name sw \"o\" | 400 | E0000031",
        "/api/v1/groups                  | limit=0                      | 400 | E0000001",
        "/api/v1/groups                  | limit=x                      | 400 | E0000001",
        "/api/v1/users/nobody/groups     | ''                           | 404 | E0000007",
        "/api/v1/groups/00gnothere000000000/users | ''                  | 404 | E0000007",
        "/api/v1/groups/rules            | ''                           | 404 | E0000007"})
    void badRequestsGetOktasErrors(String path, String query, int status, String code) throws IOException {
        Reply r = get(path, query.replace(" ", "%20").replace("\"", "%22"));

        assertThat(r.status()).isEqualTo(status);
        assertThat(json(r).path("errorCode").asText()).isEqualTo(code);
    }

    @Test
    void overTheBudgetIs429UntilTheReset() throws IOException {
        DirectoryApi small = new DirectoryApi(BASE, directory, "t0ken", 2, CLOCK);
        long reset = CLOCK.instant().getEpochSecond() + 60;

        assertThat(small.handle("GET", "/api/v1/users/ann", null, AUTH).headers())
                .containsEntry("X-Rate-Limit-Limit", "2").containsEntry("X-Rate-Limit-Remaining", "1")
                .containsEntry("X-Rate-Limit-Reset", Long.toString(reset));
        assertThat(small.handle("GET", "/api/v1/users/ann/groups", null, AUTH).status()).isEqualTo(200);
        Reply refused = small.handle("GET", "/api/v1/users/ben/groups", null, AUTH);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(json(refused).path("errorCode").asText()).isEqualTo("E0000047");
        assertThat(refused.headers()).containsEntry("X-Rate-Limit-Remaining", "0");
        assertThat(small.handle("GET", "/api/v1/groups", null, AUTH).status()).as("groups: a budget of their own")
                .isEqualTo(200);
    }

    @Test
    void onlyGetIsServed() {
        Reply r = api.handle("DELETE", "/api/v1/users/ann", null, AUTH);

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.headers()).containsEntry("Allow", "GET");
    }
}
