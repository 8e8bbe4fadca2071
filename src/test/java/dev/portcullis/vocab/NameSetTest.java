package dev.portcullis.vocab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NameSetTest {

    @ParameterizedTest(name = "{0} names")
    @ValueSource(ints = {0, 1, 7, 8, 9, 16, 100, 300})
    void containsExactlyTheGivenNamesInOrder(int count) {
        List<String> names = IntStream.range(0, count).mapToObj(i -> "group-" + (count - i)).toList();
        NameSet set = NameSet.of(names);
        assertThat(set).containsExactlyElementsOf(names);
        assertThat(set).hasSize(count);
        for (String n : names) {
            assertThat(set.contains(new String(n))).as(n).isTrue(); // equal, not the same instance
        }
        assertThat(set.contains("group-0")).isFalse();
        assertThat(set.contains("group-" + (count + 1))).isFalse();
        assertThat(set.contains("")).isFalse();
        assertThat(set.contains(null)).isFalse();
        assertThat(set.contains(42)).isFalse();
        assertThat(set).isEqualTo(new HashSet<>(names));
        assertThat(set.hashCode()).isEqualTo(new HashSet<>(names).hashCode());
    }

    @Test
    void duplicatesAreDroppedAndTheFirstPositionKept() {
        assertThat(NameSet.of(List.of("b", "a", "b", "c", "a"))).containsExactly("b", "a", "c");
    }

    @Test
    void namesOfEqualHashAreTellApartExactly() {
        // "Aa" and "BB" share a String hash code, as do their concatenations: collisions in the index
        List<String> colliding = new ArrayList<>(List.of("AaAa", "AaBB", "BBAa", "BBBB"));
        IntStream.range(0, 10).forEach(i -> colliding.add("filler-" + i));
        NameSet set = NameSet.of(colliding);
        assertThat(set).containsExactlyElementsOf(colliding);
        assertThat(set.contains("AaAa")).isTrue();
        assertThat(set.contains("BBBB")).isTrue();
        assertThat(set.contains("AaAaAa")).isFalse();
        assertThat(NameSet.of(List.of("AaBB")).contains("BBAa")).isFalse();
    }

    @Test
    void matchingIsExactNeverCaseOrSubstring() {
        NameSet set = NameSet.of(List.of("orders-readers"));
        assertThat(set.contains("Orders-Readers")).isFalse();
        assertThat(set.contains("orders-reader")).isFalse();
        assertThat(set.contains("not-orders-readers")).isFalse();
        assertThat(set.contains("orders-readers ")).isFalse();
    }

    @Test
    void itIsImmutable() {
        Set<String> set = NameSet.of(List.of("a", "b"));
        assertThatThrownBy(() -> set.add("c")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> set.remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> set.iterator().remove()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(set::clear).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theSameNameFromDifferentTokensIsStoredOnce() {
        String a = new String("engineering");
        String b = new String("engineering");
        assertThat(a).isNotSameAs(b);
        assertThat(NameSet.of(List.of(a)).iterator().next()).isSameAs(NameSet.of(List.of(b)).iterator().next());
    }

    @Test
    void aDerivedValueIsComputedOncePerFunctionAndNeverMixedUp() {
        NameSet set = NameSet.of(List.of("b", "a"));
        AtomicInteger joins = new AtomicInteger();
        Function<Set<String>, String> comma = g -> joins.incrementAndGet() + ":" + String.join(",", g);
        Function<Set<String>, String> space = g -> String.join(" ", g);
        assertThat(set.<String>derive(comma)).isEqualTo("1:b,a");
        assertThat(set.<String>derive(comma)).isEqualTo("1:b,a");
        assertThat(set.<String>derive(space)).isEqualTo("b a");
        assertThat(set.<String>derive(comma)).as("another function's value is not returned").isEqualTo("2:b,a");
        assertThat(NameSet.of(List.of("c")).<String>derive(comma)).as("per set").isEqualTo("3:c");
        Identity id = new Identity("okta", "alice", set, Set.of("s"), null, null, null, 0, Map.of());
        assertThat(id.<String>fromGroups(comma)).isEqualTo("2:b,a");
        assertThat(id.<String>fromScopes(space)).isEqualTo("s");
    }
}
