package dev.portcullis.authn;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.IssuerConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The validator's sealed result, for every claim check: {@code validate} (the proxy) refuses with
 * the check's reason, and {@code identify} (the policy tools, no time checks) agrees on the rest.
 */
class ClaimsValidatorTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final IssuerConfig ISSUER;

    static {
        try {
            ISSUER = new ConfigReader().read("test.yaml", """
                    issuers:
                      - { id: okta, issuer: https://okta.example, audiences: [api://portcullis], max_token_lifetime: 1h }
                    routes:
                      - { id: r, match: { path: /** }, upstream: http://127.0.0.1:9, public: true }
                    """).issuers().get(0);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static JWTClaimsSet.Builder valid() {
        return new JWTClaimsSet.Builder().subject("alice").audience("api://portcullis")
                .issueTime(Date.from(NOW.minusSeconds(60))).expirationTime(Date.from(NOW.plusSeconds(600)))
                .claim("groups", List.of("readers")).claim("scp", List.of("orders.read"));
    }

    static Stream<Arguments> mutations() {
        return Stream.of(
                Arguments.of("no exp", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.expirationTime(null),
                        Reason.CLAIMS_INVALID, true),
                Arguments.of("wrong audience", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.audience("api://other"),
                        Reason.AUDIENCE_MISMATCH, true),
                Arguments.of("no sub", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.subject(null),
                        Reason.CLAIMS_INVALID, true),
                Arguments.of("sub not a string", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("sub", 42),
                        Reason.CLAIMS_INVALID, true),
                Arguments.of("groups an object", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("groups",
                        java.util.Map.of("a", "b")), Reason.CLAIMS_INVALID, true),
                Arguments.of("groups with a number", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("groups",
                        List.of("a", 1)), Reason.CLAIMS_INVALID, true),
                Arguments.of("scope a number", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("scp", null)
                        .claim("scope", 7), Reason.CLAIMS_INVALID, true),
                Arguments.of("email a number", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("email", 7),
                        Reason.CLAIMS_INVALID, true),
                Arguments.of("cid a list", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("cid", List.of("x")),
                        Reason.CLAIMS_INVALID, true),
                Arguments.of("expired", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.expirationTime(
                        Date.from(NOW.minusSeconds(3600))).issueTime(Date.from(NOW.minusSeconds(4000))),
                        Reason.TOKEN_EXPIRED, false),
                Arguments.of("not yet valid", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.notBeforeTime(
                        Date.from(NOW.plusSeconds(300))), Reason.TOKEN_NOT_YET_VALID, false),
                Arguments.of("issued in the future", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.issueTime(
                        Date.from(NOW.plusSeconds(300))), Reason.TOKEN_ISSUED_IN_FUTURE, false),
                Arguments.of("lifetime too long", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.expirationTime(
                        Date.from(NOW.plusSeconds(7200))), Reason.TOKEN_LIFETIME_TOO_LONG, false),
                Arguments.of("no iat under max_token_lifetime", (UnaryOperator<JWTClaimsSet.Builder>) b -> b
                        .issueTime(null), Reason.TOKEN_LIFETIME_TOO_LONG, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutations")
    void everyCheckHasItsReason(String name, UnaryOperator<JWTClaimsSet.Builder> mutate, Reason reason,
            boolean identityCheck) {
        ClaimsValidator v = new ClaimsValidator(ISSUER, CLOCK, null);
        JWTClaimsSet claims = mutate.apply(valid()).build();

        assertThat(v.validate(claims)).isInstanceOfSatisfying(ClaimsResult.Invalid.class,
                i -> assertThat(i.reason()).isEqualTo(reason));
        if (identityCheck) {
            assertThat(v.identify(claims)).isEqualTo(v.validate(claims));
            assertThat(v.timeFailures(claims)).isEmpty();
        } else {
            assertThat(v.identify(claims)).isInstanceOf(ClaimsResult.Valid.class);
            assertThat(v.timeFailures(claims)).contains(reason);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void groupsAndScopesOfEveryAcceptedShape(String name, Object groups, Object scp, Object scope,
            List<String> expectedGroups, List<String> expectedScopes) {
        JWTClaimsSet claims = valid().claim("groups", groups).claim("scp", scp).claim("scope", scope).build();
        ClaimsResult r = new ClaimsValidator(ISSUER, CLOCK, null).validate(claims);
        assertThat(r).isInstanceOfSatisfying(ClaimsResult.Valid.class, ok -> {
            assertThat(ok.identity().groups()).containsExactlyElementsOf(expectedGroups);
            assertThat(ok.identity().scopes()).containsExactlyElementsOf(expectedScopes);
        });
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of("arrays", List.of("a", "b"), List.of("x", "y"), null, List.of("a", "b"), List.of("x", "y")),
                Arguments.of("one group string, not split", "a b", null, null, List.of("a b"), List.of()),
                Arguments.of("scp string, split", null, "x  y x", null, List.of(), List.of("x", "y")),
                Arguments.of("scope string, split", null, null, " x y ", List.of(), List.of("x", "y")),
                Arguments.of("scp wins over scope", null, List.of("x"), "y", List.of(), List.of("x")));
    }
}
