package dev.portcullis.membership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.membership.OverlayStore.Space;
import dev.portcullis.vocab.Reason;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What every {@link OverlayStore} must do, whatever keeps it (this process, a shared store): a
 * subclass names the store under test.
 */
abstract class OverlayStoreContract {
    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

    /** A new, empty store. */
    abstract OverlayStore store();

    private static Mark mark(String uuid, long publishedSeconds) {
        return new Mark(uuid, T.plusSeconds(publishedSeconds), T.plusSeconds(publishedSeconds + 3600),
                Reason.USER_DEACTIVATED, DirectoryEvent.Type.USER_DEACTIVATE, null);
    }

    @Test
    void theLaterPublishedMarkWinsInEitherOrderAndATieKeepsTheFirst() {
        OverlayStore s = store();
        s.putLatest(Space.REVOKED, "uid:a", mark("late", 20));
        s.putLatest(Space.REVOKED, "uid:a", mark("early", 10));
        s.putLatest(Space.REVOKED, "uid:a", mark("tie", 20));
        assertThat(s.get(Space.REVOKED, "uid:a").eventUuid()).isEqualTo("late");
        s.putLatest(Space.REVOKED, "uid:a", mark("later", 30));
        assertThat(s.get(Space.REVOKED, "uid:a").eventUuid()).isEqualTo("later");
    }

    @Test
    void spacesAreSeparate() {
        OverlayStore s = store();
        assertThat(s.isEmpty(Space.REVOKED)).isTrue();
        s.putLatest(Space.REVOKED, "k", mark("a", 0));
        assertThat(s.isEmpty(Space.REVOKED)).isFalse();
        assertThat(s.isEmpty(Space.DELETED)).isTrue();
        assertThat(s.get(Space.DELETED, "k")).isNull();
        assertThat(s.marks(Space.REVOKED)).containsOnlyKeys("k");
    }

    @Test
    void setsKeepTheLaterExpiryAndSweepForgetsWhatIsOver() {
        OverlayStore s = store();
        s.addMember("names#g", "admins", T.plusSeconds(100));
        s.addMember("names#g", "admins", T.plusSeconds(50));
        s.addMember("names#g", "ops", T.plusSeconds(10));
        s.putLatest(Space.REVOKED, "a", mark("a", 0)); // expires at T + 3600
        assertThat(s.members("names#g")).containsExactlyInAnyOrder("admins", "ops");
        assertThat(s.size()).isEqualTo(3);

        assertThat(s.sweep(T.plusSeconds(10))).isEqualTo(1);
        assertThat(s.members("names#g")).containsExactly("admins");
        assertThat(s.sweep(T.plusSeconds(100))).isEqualTo(1);
        assertThat(s.members("names#g")).isEmpty();
        assertThat(s.sweep(T.plusSeconds(3600))).isEqualTo(1);
        assertThat(s.size()).isZero();
        assertThat(s.isEmpty(Space.REVOKED)).isTrue();
    }

    @Test
    void aMemberAddedAfterItsSetWasSweptEmptyIsKept() {
        OverlayStore s = store();
        s.addMember("removed#g", "uid:a", T.plusSeconds(1));
        s.sweep(T.plusSeconds(1));
        s.addMember("removed#g", "uid:b", T.plusSeconds(100));
        assertThat(s.members("removed#g")).containsExactly("uid:b");
    }
}
