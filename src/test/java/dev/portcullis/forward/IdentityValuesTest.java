package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityValuesTest {
    /** The README's decoding, in Java: split on the separator, percent-decode each item, {@code +} stays. */
    private static List<String> decode(String value, String separator) {
        List<String> out = new ArrayList<>();
        if (!value.isEmpty()) {
            for (String item : value.split(Pattern.quote(separator), -1)) {
                out.add(URLDecoder.decode(item.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "alice            | alice",
        "'eng,admins'     | 'eng,admins'",
        "'read write'     | 'read write'",
        "50%              | 50%25",
        "%2C              | %252C",
        "' admin'         | %20admin",
        "'admin '         | admin%20",
        "'  two  '        | '%20 two %20'",
        "'a+b'            | 'a+b'",
        "caf\u00e9        | caf%C3%A9",
    })
    void aSingleValueKeepsCommasAndInnerSpacesAndEncodesTheRest(String claim, String header) {
        assertThat(IdentityValues.single(claim)).isEqualTo(header);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'eng,admins'  | 'eng%2Cadmins'       | 'eng,admins'",
        "'read write'  | 'read write'         | read%20write",
        "' lead'       | '%20lead'            | %20lead",
        "'a b '        | 'a b%20'             | a%20b%20",
        "%2C           | %252C                | %252C",
        "'\t'          | %09                  | %09",
    })
    void aListItemEncodesItsOwnSeparator(String item, String inGroups, String inScopes) {
        LinkedHashSet<String> set = new LinkedHashSet<>(List.of("x", item));
        assertThat(IdentityValues.groups(set).toString()).isEqualTo("x," + inGroups);
        assertThat(IdentityValues.scopes(set).toString()).isEqualTo("x " + inScopes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"eng,orders-admins", ",", " ", "%", "%2C", "a+b", "say \"hi\"", "a;b", "tab\there",
        " leading", "trailing ", "  both  ", "line\r\nbreak", "caf\u00e9 \u2615 \u6771\u4eac", "\u0000", "\u007f", ""})
    void everyValueIsAValidHeaderValueThatDecodesBack(String name) {
        LinkedHashSet<String> set = new LinkedHashSet<>(List.of("first", name, "last"));
        String groups = IdentityValues.groups(set).toString();
        String scopes = IdentityValues.scopes(set).toString();
        String single = IdentityValues.single(name);
        assertThat(decode(groups, ",")).containsExactlyElementsOf(set);
        assertThat(decode(scopes, " ")).containsExactlyElementsOf(set);
        assertThat(decode(single, "\n")).containsExactlyElementsOf(name.isEmpty() ? List.of() : List.of(name));
        DefaultHttpHeaders validating = new DefaultHttpHeaders();
        validating.set("X-Auth-Groups", groups).set("X-Auth-Scopes", scopes).set("X-Auth-Subject", single);
        for (String v : List.of(groups, scopes, single)) {
            assertThat(v).matches("([!-~]([ -~]*[!-~])?)?");
        }
    }
}
