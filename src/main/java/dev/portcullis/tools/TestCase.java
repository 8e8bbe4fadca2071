package dev.portcullis.tools;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One policy test: a caller, a request, and the outcome expected.
 *
 * @param name     what the case checks, as written
 * @param location {@code file:line} of the case
 * @param who      the caller, or null for {@code who: anonymous} (no token)
 * @param method   the request method
 * @param url      the request URL
 * @param expect   the expected outcome
 */
public record TestCase(String name, String location, Who who, String method, String url, Expectation expect) {

    public TestCase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(expect, "expect");
    }

    /**
     * A caller stated by hand.
     *
     * @param subject {@code sub}
     * @param issuer  a configured issuer id, or null
     * @param groups  groups
     * @param scopes  scopes
     * @param email   the e-mail, or null
     * @param claims  further claims: a string, a boolean, or a list of strings each
     */
    public record Who(String subject, String issuer, List<String> groups, List<String> scopes, String email,
            Map<String, Object> claims) {
        public Who {
            groups = List.copyOf(groups);
            scopes = List.copyOf(scopes);
            claims = Map.copyOf(claims);
        }
    }

    /** Runs the case against a compiled policy. */
    public Result run(PolicyModel model) {
        Caller caller = who == null ? Caller.anonymous()
                : Callers.stated(model, who.issuer(), who.subject(), who.groups(), who.scopes(), who.email(),
                        who.claims(), "stated");
        Explanation e = new PolicyEvaluator(model).explain(method, url, caller);
        return new Result(this, e, expect.matches(e.reason()));
    }

    /**
     * The outcome of one case.
     *
     * @param testCase    the case
     * @param explanation what the policy answered, and why
     * @param passed      whether that is what the case expected
     */
    public record Result(TestCase testCase, Explanation explanation, boolean passed) {
    }
}
