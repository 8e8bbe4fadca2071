package dev.portcullis.vocab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every reason, one way or the other: 401s and the listed 400/403/404s count, nothing else. */
class DenialReasonsTest {
    private static final Set<Reason> COUNTED_OTHERS = Set.of(Reason.DENY_RULE, Reason.GROUP_DENIED,
            Reason.NO_ROUTE, Reason.PATH_REJECTED, Reason.BAD_REQUEST, Reason.METHOD_OVERRIDE_REJECTED,
            Reason.HTTP2_ABUSE);

    @ParameterizedTest
    @EnumSource(Reason.class)
    void countsExactlyTheDenials(Reason r) {
        assertThat(DenialReasons.counts(r)).isEqualTo(r.status() == 401 || COUNTED_OTHERS.contains(r));
        assertThat(DenialReasons.byCode(r.code())).isNotNull();
    }

    /**
     * Browser sessions: a forged or stale cookie (401 session_expired) is probing and counts; a CSRF
     * refusal must not (another site's page makes the victim's browser send it, so counting it would
     * let an attacker get victims blocked); a sign-in redirect and an unreachable issuer are no denials.
     */
    @org.junit.jupiter.api.Test
    void sessionReasons() {
        assertThat(DenialReasons.counts(Reason.SESSION_EXPIRED)).isTrue();
        assertThat(DenialReasons.counts(Reason.CSRF_REJECTED)).isFalse();
        assertThat(DenialReasons.counts(Reason.SIGN_IN_REQUIRED)).isFalse();
        assertThat(DenialReasons.counts(Reason.REFRESH_UNAVAILABLE)).isFalse();
    }
}
