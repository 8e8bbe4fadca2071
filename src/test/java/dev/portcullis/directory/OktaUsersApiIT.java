package dev.portcullis.directory;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.portcullis.directory.DirectoryListener.Outcome;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Users API client against WireMock standing in for Okta's cloud, over real sockets: paging
 * across three pages, Okta's rate limit (a 429 until the reset; none remaining), an expired or
 * invalid SSWS token, and a next link off the org's origin.
 */
class OktaUsersApiIT {
    private final WireMockServer okta = new WireMockServer(options().dynamicPort());
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final RecordingListener listener = new RecordingListener();
    private final DirectoryStatus status = new DirectoryStatus(Directory.HOLD_OFF_MILLIS);
    private OktaUsersApi api;

    @BeforeEach
    void start() {
        okta.start();
        HttpClient client = HttpClient.newBuilder().executor(executor).build();
        api = new OktaUsersApi(client, okta.baseUrl() + "/", Credentials.ssws("00secret"), status, listener, executor,
                Duration.ofSeconds(5), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        okta.stop();
        executor.shutdownNow();
    }

    private Set<String> groups(String userId) throws Exception {
        return api.userGroups(userId).get(20, TimeUnit.SECONDS);
    }

    @Test
    void everyPageIsFollowedAcrossThreePagesWithTheSswsToken() throws Exception {
        List<String> all = OktaStub.names("team-", 1, 450);
        OktaStub.userGroups(okta, "00ualice", all);

        assertThat(new ArrayList<>(groups("00ualice"))).containsExactlyElementsOf(all);
        okta.verify(3, getRequestedFor(urlPathEqualTo("/api/v1/users/00ualice/groups"))
                .withHeader("Authorization", equalTo("SSWS 00secret")));
        okta.verify(1, getRequestedFor(urlEqualTo("/api/v1/users/00ualice/groups?after=page2&limit=200")));
        assertThat(listener.calls(Outcome.OK)).isEqualTo(3);
        assertThat(status.word()).isEqualTo("ok");
    }

    @Test
    void aTooManyRequestsIsRetriedAfterItsResetThenSucceeds() throws Exception {
        long reset = System.currentTimeMillis() / 1000 + 1;
        okta.stubFor(get(urlEqualTo("/api/v1/users/00ubob/groups?limit=200")).inScenario("limit")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("reset")
                .willReturn(aResponse().withStatus(429).withHeader("X-Rate-Limit-Limit", "600")
                        .withHeader("X-Rate-Limit-Remaining", "0").withHeader("X-Rate-Limit-Reset", Long.toString(reset))
                        .withBody("{\"errorCode\":\"E0000047\",\"errorSummary\":\"API call exceeded rate limit\"}")));
        okta.stubFor(get(urlEqualTo("/api/v1/users/00ubob/groups?limit=200")).inScenario("limit")
                .whenScenarioStateIs("reset").willReturn(OktaStub.page(List.of("orders-admins"))));

        assertThat(groups("00ubob")).containsExactly("orders-admins");
        okta.verify(2, getRequestedFor(urlPathEqualTo("/api/v1/users/00ubob/groups")));
        assertThat(listener.calls(Outcome.RATE_LIMITED)).isEqualTo(1);
        assertThat(listener.rateLimitWaits.get()).isEqualTo(1);
        // The retry went out no earlier than the reset Okta named (epoch seconds: its second).
        long retriedAt = okta.getAllServeEvents().stream().mapToLong(e -> e.getRequest().getLoggedDate().getTime())
                .max().orElseThrow();
        assertThat(retriedAt).isGreaterThanOrEqualTo(reset * 1000);
    }

    @Test
    void withNoneRemainingTheNextCallWaitsForTheReset() throws Exception {
        long reset = System.currentTimeMillis() / 1000 + 3; // later than a slow first call takes
        okta.stubFor(get(urlEqualTo("/api/v1/users/00ua/groups?limit=200")).willReturn(OktaStub.page(List.of("a"), 0, reset)));
        OktaStub.userGroups(okta, "00ub", List.of("b"));

        assertThat(groups("00ua")).containsExactly("a");
        assertThat(groups("00ub")).containsExactly("b");
        assertThat(listener.rateLimitWaits.get()).isEqualTo(1);
        long second = okta.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().contains("00ub"))
                .findFirst().orElseThrow().getRequest().getLoggedDate().getTime();
        assertThat(second).isGreaterThanOrEqualTo(reset * 1000);
    }

    @Test
    void anExpiredOrInvalidSswsTokenIsUnauthorizedOnceAndOktaIsNotHammered() {
        okta.stubFor(get(urlPathEqualTo("/api/v1/users/00ualice/groups")).willReturn(aResponse().withStatus(401)
                .withBody("{\"errorCode\":\"E0000011\",\"errorSummary\":\"Invalid token provided\"}")));

        Throwable first = catchThrowable(() -> groups("00ualice"));
        Throwable second = catchThrowable(() -> groups("00ualice"));

        assertThat(DirectoryException.outcomeOf(first)).isEqualTo(Outcome.UNAUTHORIZED);
        assertThat(DirectoryException.outcomeOf(second)).isEqualTo(Outcome.UNAUTHORIZED);
        assertThat(status.word()).isEqualTo("unauthorized");
        assertThat(status.detail()).contains("401");
        // A static token is not tried again, and within the hold-off no call goes out at all.
        okta.verify(1, getRequestedFor(urlPathEqualTo("/api/v1/users/00ualice/groups")));
        assertThat(listener.calls(Outcome.UNAUTHORIZED)).isEqualTo(1);
    }

    @Test
    void aNextLinkOffTheOrgsOriginIsNotFollowed() {
        okta.stubFor(get(urlEqualTo("/api/v1/users/00ualice/groups?limit=200")).willReturn(OktaStub.page(List.of("a"))
                .withHeader("Link", "<http://attacker.invalid/api/v1/users/00ualice/groups?after=x>; rel=\"next\"")));

        Throwable e = catchThrowable(() -> groups("00ualice"));

        assertThat(DirectoryException.unwrap(e)).hasMessageContaining("outside the org");
    }

    @Test
    void aUserIdThatIsNotOktasIsNotPutIntoAPath() {
        Throwable e = catchThrowable(() -> groups("../../groups"));

        assertThat(DirectoryException.outcomeOf(e)).isEqualTo(Outcome.ERROR);
        assertThat(okta.getAllServeEvents()).isEmpty();
    }
}
