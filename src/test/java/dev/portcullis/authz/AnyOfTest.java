package dev.portcullis.authz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A rule's {@code *_any} set: the same set as {@link Set#copyOf}, and a caller matches when it holds one of its names. */
class AnyOfTest {
    static List<Arguments> table() {
        return List.of(
                Arguments.of(Set.of("a"), Set.of("a"), true),
                Arguments.of(Set.of("a"), Set.of("b"), false),
                Arguments.of(Set.of("a"), Set.of(), false),
                Arguments.of(Set.of("a", "b", "c"), Set.of("x", "c"), true),
                Arguments.of(Set.of("a", "b", "c"), Set.of("x", "y", "A", "b "), false),
                Arguments.of(Set.of("orders-readers", "orders-admins"), Set.of("orders-admins"), true),
                Arguments.of(Set.of("orders-readers"), Set.of("orders-reader", "orders-readers2"), false));
    }

    @ParameterizedTest
    @MethodSource("table")
    void matchesWhenTheCallerHoldsOneName(Set<String> wanted, Set<String> held, boolean expected) {
        AnyOf any = AnyOf.of(wanted);
        assertThat(any.anyIn(held)).isEqualTo(expected);
        Set<String> copy = Set.copyOf(wanted);
        assertThat(any).isEqualTo(copy).hasSameHashCodeAs(copy).hasSameSizeAs(copy);
        assertThat(copy).isEqualTo(any);
        assertThat(List.copyOf(any)).isEqualTo(List.copyOf(copy));
        assertThat(any.toString()).isEqualTo(copy.toString());
        assertThat(AnyOf.of(any)).isSameAs(any);
    }
}
