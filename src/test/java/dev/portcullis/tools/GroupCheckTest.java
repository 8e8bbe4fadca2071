package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.tools.GroupCheck.Missing;
import dev.portcullis.tools.GroupCheck.Use;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which group names the org lacks, and the names offered instead. */
class GroupCheckTest {
    private static final List<String> ORG = List.of("orders-admins", "orders-readers", "admins", "analysts", "ops");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "orders-admins  | ''",                        // present: not listed
        "orders-admin   | orders-admins",             // one deletion
        "oredrs-readers | orders-readers",            // a swap is one edit
        "Orders-Admins  | orders-admins",             // case differs: the claim would not match, so it is missing
        "admin          | admins",
        "analysts-eu    | ''",                        // three edits: too far to be a typo
        "opx            | ops",
        "ab             | ''"})                       // too short for a suggestion to mean anything
    void missingNamesComeWithTheNearest(String group, String nearest) {
        List<Missing> m = GroupCheck.missing(List.of(new Use(group, "allow", "r", "f.yaml:3:20")), ORG);

        if (ORG.contains(group)) {
            assertThat(m).isEmpty();
            return;
        }
        assertThat(m).hasSize(1);
        assertThat(m.get(0).nearest()).isEqualTo(nearest.isEmpty() ? List.of() : List.of(nearest));
        assertThat(m.get(0).message()).startsWith("f.yaml:3:20: group '" + group + "' is not in the Okta org"
                + (nearest.isEmpty() ? " (" : ": did you mean '" + nearest + "'? ("));
    }

    @ParameterizedTest
    @CsvSource({"deny, true, never refuses anyone", "allow, false, never matches"})
    void aMissingDenyGroupIsCalledOutAsWorse(String list, boolean deny, String says) {
        Missing m = GroupCheck.missing(List.of(new Use("suspnded", list, "orders", "f.yaml:1:1")), ORG).get(0);
        assertThat(m.deny()).isEqualTo(deny);
        assertThat(m.message()).contains(says);
    }
}
