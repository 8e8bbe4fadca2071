package dev.portcullis.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the two places where a request's bytes decide who is asking for
 * what: the request-target (normalized once, then routed — a protected route must never be
 * reachable under another spelling) and the header section (identity headers are the proxy's
 * alone, framing survives the filter). The invariants themselves are in {@link RoutingInvariants}
 * and {@link HeaderInvariants}.
 *
 * <p>The byte-array targets read their input as ISO-8859-1, the way Netty hands the request line
 * and header names to the proxy, so control bytes and non-ASCII are in reach; their seeds are
 * plain text files. {@link HeaderSections} builds header sections from a vocabulary instead,
 * which lines up {@code Connection} options with other headers' names far sooner.
 *
 * <h2>Regression mode (every {@code mvn verify})</h2>
 * Without {@code JAZZER_FUZZ} each {@code @FuzzTest} runs as a parameterized test on the empty
 * input and on every file under
 * {@code src/test/resources/dev/portcullis/fuzz/RouteSelectionFuzzTestInputs/<method>/}
 * (a file's bytes are the input), in milliseconds. Add a finding there to keep it fixed.
 *
 * <h2>Fuzzing mode</h2>
 * Set {@code JAZZER_FUZZ} and select exactly one {@code @FuzzTest} (Jazzer fuzzes one per run);
 * it runs for {@link FuzzTest#maxDuration()}, 10 minutes here:
 * <pre>
 * JAZZER_FUZZ=1 mvn -B test -Dtest='RouteSelectionFuzzTest#pathsNeverEscapeTheirRoute'
 * JAZZER_FUZZ=1 mvn -B test -Dtest='RouteSelectionFuzzTest#headerSectionsNeverForgeIdentity'
 * JAZZER_FUZZ=1 mvn -B test -Dtest='RouteSelectionFuzzTest#chosenHeaderNamesNeverForgeIdentity'
 * </pre>
 * jazzer-junit 0.24 has no option of its own for the duration ({@code jazzer.max_duration} came
 * later); libFuzzer flags pass through its {@code jazzer.internal.arg.N} parameters, the first
 * standing for argv[0], and a {@code -max_total_time} given so wins over the annotation's:
 * <pre>
 * JAZZER_FUZZ=1 mvn -B test -Dtest='RouteSelectionFuzzTest#pathsNeverEscapeTheirRoute' \
 *     -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time=3600
 * </pre>
 * A finding is written as {@code crash-<sha1>} into the inputs directory above, so the next
 * plain {@code mvn verify} replays it until it is fixed; the generated corpus goes to
 * {@code .cifuzz-corpus/} in the project root (not to be checked in).
 */
class RouteSelectionFuzzTest {

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"/admin", "/admin/", "/api/", "/internal", "/public/", "%2e", "%2E", "%2e%2e", "..", "./",
        "%2f", "%2F", "%5c", "%5C", "\\", ";", "..;", "%3b", "%25", "%252e", "%00", "%61", "%41", "//", "?", "#",
        "http://h", "https://h", "%C0%AE", "\u00c0", "/v1/orders", ":batchDelete", "%3A", "%3a", "%40", "@", "%2A",
        "%21", "%3D", "%2C", "/."})
    void pathsNeverEscapeTheirRoute(byte[] input) {
        RoutingInvariants.check(new String(input, StandardCharsets.ISO_8859_1));
    }

    @FuzzTest(maxDuration = "10m")
    // No entry holds a line break: jazzer-junit 0.24 writes whitespace bytes into its dictionary
    // file unescaped, and libFuzzer then refuses the file. Lines come from the seeds instead.
    @DictionaryEntries({"X-Auth-Subject: ", "x_auth_groups: ", "X.Auth.Email: ", "X-AUTH-ISSUER: ",
        "x-auth-scopes: ", "X-Request-Id: ", "X-Portcullis-Assertion: ", "Connection: ", "Content-Length: 5",
        "Transfer-Encoding: chunked", "X-Forwarded-For: ", "Forwarded: ", "Host: ", "Authorization: ",
        "keep-alive", "close", "upgrade", "content-length", "transfer-encoding", "host", "x-forwarded-for",
        "x-request-id", ",", "_", "."})
    void headerSectionsNeverForgeIdentity(byte[] input) {
        HeaderInvariants.checkSection(new String(input, StandardCharsets.ISO_8859_1));
    }

    @FuzzTest(maxDuration = "10m")
    void chosenHeaderNamesNeverForgeIdentity(FuzzedDataProvider data) {
        HeaderInvariants.checkSection(HeaderSections.from(data));
    }
}
