package dev.portcullis.denials;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import org.junit.jupiter.api.Test;

class KeyTallyTest {

    @Test
    void ranksByCountThenKeyWithFirstAndLastSeen() {
        KeyTally<String> t = new KeyTally<>(10);
        t.add("b", 30);
        t.add("a", 20);
        t.add("b", 10);
        t.add("c", 5);
        t.add("a", 40);

        assertThat(t.top(2, Comparator.naturalOrder())).containsExactly(
                new DenialReport.Counted<>("a", 2, 20, 40), new DenialReport.Counted<>("b", 2, 10, 30));
        assertThat(t.top(10, Comparator.naturalOrder())).hasSize(3);
    }

    @Test
    void keysPastTheCapGoToOtherWhileKnownKeysKeepCounting() {
        KeyTally<String> t = new KeyTally<>(2);
        t.add("heavy", 1);
        t.add("second", 2);
        for (int i = 0; i < 1000; i++) {
            t.add("spray-" + i, 3);
            t.add("heavy", 4);
        }

        assertThat(t.distinct()).isEqualTo(2);
        assertThat(t.otherCount()).isEqualTo(1000);
        assertThat(t.top(1, Comparator.naturalOrder())).containsExactly(new DenialReport.Counted<>("heavy", 1001, 1, 4));
    }
}
