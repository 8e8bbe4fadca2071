package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code explain}, {@code test} and {@code report} pick routes as the proxy does: decoded
 * sub-delimiters, trailing-slash forms, {@code path_case} and {@code trailing_slash: strict}
 * (the proxy's side is {@code hardening/RouteAgreementIT} and {@code RouteOptionsIT}).
 */
class ExplainRoutesLikeTheProxyTest {
    private static final PolicyModel MODEL = Fixtures.model("""
            issuers:
              - { id: okta, issuer: https://dev-123456.okta.com/oauth2/default, audiences: [api://default] }
            routing: { path_case: insensitive }
            routes:
              - id: batch
                match: { path: '/v1/orders:batchDelete' }
                upstream: http://127.0.0.1:9001
                allow: [ { groups_any: [admins] } ]
              - id: v1
                match: { path: /v1/** }
                upstream: http://127.0.0.1:9001
                allow: [ { groups_any: [readers] } ]
              - id: strict
                match: { path: /v1/strict }
                trailing_slash: strict
                path_case: sensitive
                upstream: http://127.0.0.1:9001
                allow: [ { groups_any: [admins] } ]
            """);
    private static final PolicyEvaluator EVALUATOR = new PolicyEvaluator(MODEL);

    static Stream<Arguments> targets() {
        return Stream.of(
                arguments("/v1/orders:batchDelete", "batch", "/v1/orders:batchDelete"),
                arguments("/v1/orders%3AbatchDelete", "batch", "/v1/orders:batchDelete"),
                arguments("/v1/ORDERS%3abatchdelete/.", "batch", "/v1/ORDERS:batchdelete/"),
                arguments("/v1/strict", "strict", "/v1/strict"),
                arguments("/v1/strict/", "v1", "/v1/strict/"),
                arguments("/v1/Strict", "v1", "/v1/Strict"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("targets")
    void explainPicksTheProxysRoute(String target, String route, String path) {
        Explanation e = EVALUATOR.explain("GET", target, Fixtures.groups("readers"));

        assertThat(e.route().id()).isEqualTo(route);
        assertThat(e.path()).isEqualTo(path);
    }

    @Test
    void theMatchTextShowsOptionsThatDifferFromTheDefaults() {
        assertThat(MODEL.route("batch").orElseThrow().matchText())
                .isEqualTo("/v1/orders:batchDelete (path_case: insensitive)");
        assertThat(MODEL.route("strict").orElseThrow().matchText()).isEqualTo("/v1/strict (trailing_slash: strict)");
    }
}
