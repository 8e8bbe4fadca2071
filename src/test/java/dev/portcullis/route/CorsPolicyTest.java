package dev.portcullis.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.CorsConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The compiled {@code cors}: exact origin matching, what a preflight may ask for, the header values. */
class CorsPolicyTest {
    private static final CorsPolicy LISTED = CorsPolicy.compile(new CorsConfig(false,
            List.of("https://app.example.com", "http://localhost:5173"), List.of("PUT", "DELETE"),
            List.of("Authorization", "X-Trace"), List.of("ETag", "Location"), true, Duration.ofMinutes(10)));
    private static final CorsPolicy ANY = CorsPolicy.compile(new CorsConfig(false, List.of("*"),
            CorsConfig.DEFAULT_METHODS, List.of(), List.of(), false, null));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "none", value = {
        "https://app.example.com, https://app.example.com",
        "http://localhost:5173, http://localhost:5173",
        "https://app.example.com:443, none",       // exactly as browsers serialize it, nothing else
        "https://APP.example.com, none",
        "https://app.example.com/, none",
        "http://app.example.com, none",
        "https://app.example.com.evil.io, none",
        "https://evil-app.example.com, none",
        "null, none",
        "'', none",
    })
    void anOriginIsAllowedOnlyWhenListedExactly(String origin, String expected) {
        assertThat(LISTED.allowOrigin(origin)).isEqualTo(expected);
        assertThat(ANY.allowOrigin(origin)).isEqualTo("*");
    }

    @ParameterizedTest(name = "{0} {1} [{2}] -> {3}")
    @CsvSource(nullValues = "none", value = {
        "https://app.example.com, PUT, none, true",
        "https://app.example.com, DELETE, 'authorization,x-trace', true",
        "https://app.example.com, DELETE, ' Authorization , X-TRACE ,', true",
        "https://app.example.com, GET, none, true",        // safelisted: browsers never ask whether they may
        "https://app.example.com, POST, authorization, true",
        "https://app.example.com, PATCH, none, false",
        "https://app.example.com, put, none, false",       // methods are case-sensitive
        "https://app.example.com, PUT, 'authorization, cookie', false",
        "https://app.example.com, PUT, x-trace-id, false",
        "https://evil.example, PUT, none, false",
    })
    void aPreflightMayAskOnlyForWhatIsListed(String origin, String method, String headers, boolean allowed) {
        assertThat(LISTED.allowsPreflight(origin, method, headers)).isEqualTo(allowed);
    }

    @Test
    void headerValuesAreBuiltOnceAsWritten() {
        assertThat(LISTED.answers()).isTrue();
        assertThat(LISTED.allowMethods()).isEqualTo("PUT, DELETE");
        assertThat(LISTED.allowHeaders()).isEqualTo("Authorization, X-Trace");
        assertThat(LISTED.exposeHeaders()).isEqualTo("ETag, Location");
        assertThat(LISTED.maxAgeSeconds()).isEqualTo("600");
        assertThat(LISTED.allowCredentials()).isTrue();
        assertThat(LISTED.variesByOrigin()).isTrue();
        assertThat(ANY.variesByOrigin()).isFalse();
        assertThat(ANY.allowHeaders()).isNull();
        assertThat(ANY.maxAgeSeconds()).isNull();
    }

    @Test
    void noCorsAndPassthroughAnswerNothing() {
        assertThat(CorsPolicy.compile(null)).isSameAs(CorsPolicy.NONE);
        assertThat(CorsPolicy.compile(CorsConfig.PASSTHROUGH)).isSameAs(CorsPolicy.PASSTHROUGH);
        for (CorsPolicy p : List.of(CorsPolicy.NONE, CorsPolicy.PASSTHROUGH)) {
            assertThat(p.answers()).isFalse();
            assertThat(p.allowOrigin("https://app.example.com")).isNull();
            assertThat(p.allowsPreflight("https://app.example.com", "GET", null)).isFalse();
        }
        assertThat(CorsPolicy.PASSTHROUGH.passthrough()).isTrue();
        assertThat(CorsPolicy.NONE.passthrough()).isFalse();
    }
}
