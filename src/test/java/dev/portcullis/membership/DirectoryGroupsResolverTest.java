package dev.portcullis.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.portcullis.authn.AuthResult;
import dev.portcullis.config.IssuerConfig;
import dev.portcullis.config.IssuerConfig.GroupsSource;
import dev.portcullis.config.OktaConfig.GroupsApi;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code groups_source} × what the directory knows × whether the request may still wait. */
class DirectoryGroupsResolverTest {
    private static final DirectoryGroups.Lookup KNOWN = new DirectoryGroups.Known(Set.of("dir-a", "dir-b"));
    private static final CompletableFuture<Void> LOADING = new CompletableFuture<>();

    private static IssuerConfig issuer(GroupsSource source) {
        return new IssuerConfig("okta", "https://example.okta.com/oauth2/default", List.of("a"), null, "groups", null,
                List.of("RS256"), Duration.ZERO, Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(1),
                source);
    }

    private static AuthResult.Authenticated caller(String uid) {
        Map<String, Object> claims = new HashMap<>();
        if (uid != null) {
            claims.put("uid", uid);
        }
        return new AuthResult.Authenticated(new Identity("okta", "alice", Set.of("tok-a"), Set.of(), null, null, null,
                0, claims));
    }

    static Stream<Arguments> cases() {
        String token = "groups tok-a";
        return Stream.of(
                arguments(GroupsSource.TOKEN, "00u1", KNOWN, true, false, token),
                arguments(GroupsSource.BOTH, "00u1", KNOWN, true, false, "groups tok-a dir-a dir-b"),
                arguments(GroupsSource.OKTA_API, "00u1", KNOWN, true, false, "groups dir-a dir-b"),
                arguments(GroupsSource.BOTH, null, KNOWN, true, false, token),
                arguments(GroupsSource.OKTA_API, null, KNOWN, true, false, token),
                arguments(GroupsSource.BOTH, "00u1", new DirectoryGroups.Pending(LOADING), true, false, "wait"),
                arguments(GroupsSource.BOTH, "00u1", new DirectoryGroups.Pending(LOADING), false, false,
                        "directory_unavailable"),
                arguments(GroupsSource.BOTH, "00u1", DirectoryGroups.UNAVAILABLE, true, false, "directory_unavailable"),
                arguments(GroupsSource.OKTA_API, "00u1", DirectoryGroups.UNAVAILABLE, true, false,
                        "directory_unavailable"),
                arguments(GroupsSource.OKTA_API, "00u1", DirectoryGroups.UNAVAILABLE, true, true, token),
                arguments(GroupsSource.BOTH, "00u1", new DirectoryGroups.Pending(LOADING), false, true, token));
    }

    @ParameterizedTest(name = "{0}, uid {1}, {2}, may wait {3}, fallback {4} → {5}")
    @MethodSource("cases")
    void resolves(GroupsSource source, String uid, DirectoryGroups.Lookup lookup, boolean mayWait, boolean fallback,
            String expected) {
        GroupsApi api = new GroupsApi(Duration.ofMinutes(5), Duration.ofMinutes(1), 10, Duration.ofSeconds(2),
                fallback, Duration.ofSeconds(5));
        DirectoryGroupsResolver r = new DirectoryGroupsResolver(List.of(issuer(source)), user -> lookup, api);

        AuthResult result = r.resolve(caller(uid), mayWait);

        assertThat(describe(result)).isEqualTo(expected);
    }

    @Test
    void theDirectoryIsAskedAboutTheUidAndNothingElse() {
        List<String> asked = new java.util.ArrayList<>();
        DirectoryGroupsResolver r = new DirectoryGroupsResolver(List.of(issuer(GroupsSource.BOTH)), user -> {
            asked.add(user);
            return KNOWN;
        }, GroupsApi.DEFAULTS);

        r.resolve(caller("00uabc"), true);
        r.resolve(caller(null), true);

        assertThat(asked).containsExactly("00uabc");
    }

    private static String describe(AuthResult r) {
        if (r instanceof AuthResult.Authenticated a) {
            return "groups " + String.join(" ", a.identity().groups().stream().sorted((x, y) -> x.startsWith("tok")
                    ? -1 : y.startsWith("tok") ? 1 : x.compareTo(y)).toList());
        }
        if (r instanceof AuthResult.Refused f) {
            assertThat(f.reason().status()).isEqualTo(503);
            return f.reason() == Reason.DIRECTORY_UNAVAILABLE ? "directory_unavailable" : f.reason().code();
        }
        return "wait";
    }
}
