package dev.portcullis.vocab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every reason, one way or the other: 401s and the listed 400/403/404s count, nothing else. */
class DenialReasonsTest {
    private static final Set<Reason> COUNTED_OTHERS = Set.of(Reason.DENY_RULE, Reason.GROUP_DENIED,
            Reason.NO_ROUTE, Reason.PATH_REJECTED, Reason.BAD_REQUEST, Reason.METHOD_OVERRIDE_REJECTED);

    @ParameterizedTest
    @EnumSource(Reason.class)
    void countsExactlyTheDenials(Reason r) {
        assertThat(DenialReasons.counts(r)).isEqualTo(r.status() == 401 || COUNTED_OTHERS.contains(r));
        assertThat(DenialReasons.byCode(r.code())).isNotNull();
    }
}
