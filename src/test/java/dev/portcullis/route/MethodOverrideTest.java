package dev.portcullis.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which queries carry a {@code _method} parameter, as the frameworks that honour one read it. */
class MethodOverrideTest {
    @ParameterizedTest
    @ValueSource(strings = {"_method=DELETE", "a=1&_method=DELETE", "_method=DELETE&a=1", "a=1&b=2&_method=PUT",
        "_METHOD=delete", "_Method=PATCH", "%5Fmethod=DELETE", "%5fmethod=DELETE", "_%6Dethod=DELETE",
        "%5F%6D%65%74%68%6F%64=DELETE", "_method", "_method=", "_method&a=1", "a&_method", "_method[]=DELETE",
        "_method[x]=DELETE", "_method%5B%5D=DELETE", ".method=DELETE", "%2Emethod=DELETE", "+_method=DELETE",
        "%20_method=DELETE", "++.method=DELETE", "a=1;_method=DELETE", "_method=GET", "&&_method=DELETE",
        "_method=DELETE&_method=POST", "x=%ZZ&_method=DELETE", "_method%00=DELETE", "_method%00x=DELETE"})
    void aMethodParameterIsFound(String query) {
        assertThat(MethodOverride.inQuery(query)).as(query).isTrue();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "x_method=1", "foo=_method", "a=_method%3DDELETE", "_methods=DELETE",
        "method=DELETE", "__method=DELETE", "_method_=DELETE", "%255Fmethod=DELETE", "_meth=DELETE", "_metho",
        "%5Fmethod%", "x=1&y=_method", "_m%65thod%3D=1x", "a%26_method=DELETE", "[_method]=DELETE",
        "%00_method=DELETE", "a=1&b=2"})
    void otherQueriesAreNot(String query) {
        assertThat(MethodOverride.inQuery(query)).as(query).isFalse();
    }
}
