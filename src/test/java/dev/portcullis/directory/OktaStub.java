package dev.portcullis.directory;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * WireMock shaped like Okta's Users API (it stands in for Okta's cloud, which tests cannot reach):
 * a user's groups in pages of {@code limit}, each page but the last with a {@code Link: rel="next"}
 * on the same origin, and the rate-limit headers on every answer.
 */
public final class OktaStub {
    private OktaStub() {
    }

    /** {@code prefix001} … {@code prefixN}. */
    public static List<String> names(String prefix, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(prefix + String.format("%03d", i));
        }
        return out;
    }

    /** Serves {@code groups} of user {@code userId} in pages of 200, as Okta does for limit=200. */
    public static void userGroups(WireMockServer okta, String userId, List<String> groups) {
        int pages = Math.max(1, (groups.size() + 199) / 200);
        for (int p = 0; p < pages; p++) {
            String url = "/api/v1/users/" + userId + "/groups?" + (p == 0 ? "" : "after=page" + p + "&") + "limit=200";
            ResponseDefinitionBuilder res = page(groups.subList(p * 200, Math.min(groups.size(), p * 200 + 200)));
            String self = "<" + okta.baseUrl() + url + ">; rel=\"self\"";
            if (p + 1 < pages) {
                res.withHeader("Link", self, "<" + okta.baseUrl() + "/api/v1/users/" + userId + "/groups?after=page"
                        + (p + 1) + "&limit=200>; rel=\"next\"");
            } else {
                res.withHeader("Link", self);
            }
            okta.stubFor(get(urlEqualTo(url)).willReturn(res));
        }
    }

    /** A page of groups as Okta lists them: {@code [{"id": …, "profile": {"name": …}}, …]}. */
    public static ResponseDefinitionBuilder page(List<String> names) {
        return page(names, 599, System.currentTimeMillis() / 1000 + 60);
    }

    /** A page whose rate-limit headers say {@code remaining} calls until {@code reset} (epoch seconds). */
    public static ResponseDefinitionBuilder page(List<String> names, int remaining, long reset) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < names.size(); i++) {
            json.append(i == 0 ? "" : ",").append("{\"id\":\"00g").append(names.get(i))
                    .append("\",\"type\":\"OKTA_GROUP\",\"profile\":{\"name\":\"").append(names.get(i))
                    .append("\",\"description\":null}}");
        }
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("X-Rate-Limit-Limit", "600").withHeader("X-Rate-Limit-Remaining", Integer.toString(remaining))
                .withHeader("X-Rate-Limit-Reset", Long.toString(reset))
                .withBody(json.append("]").toString());
    }
}
