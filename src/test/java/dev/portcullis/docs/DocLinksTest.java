package dev.portcullis.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every relative link of the repository's Markdown (README.md, docs/, deploy/, examples/, bench/)
 * points at a file or folder that exists and, with a {@code #fragment}, at a heading of that file,
 * by GitHub's rule for heading anchors. Moving a section or a report must not leave a dead link.
 */
class DocLinksTest {
    private static final Path ROOT = Path.of("");
    private static final Pattern LINK = Pattern.compile("!?\\[([^\\]]*)\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`\\n]*`");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

    @Test
    void everyRelativeLinkResolvesToAFileAndAHeading() throws IOException {
        List<Path> files = markdownFiles();
        assertThat(files).as("Markdown files scanned").contains(Path.of("README.md"), Path.of("docs/perf/README.md"));
        List<String> dead = new ArrayList<>();
        int checked = 0;
        for (Path file : files) {
            for (String target : relativeLinks(Files.readString(file))) {
                checked++;
                String problem = problem(file, target);
                if (problem != null) {
                    dead.add(file + ": (" + target + ") " + problem);
                }
            }
        }
        assertThat(checked).as("relative links found").isGreaterThan(20);
        assertThat(dead).as("dead relative links").isEmpty();
    }

    /** The checker itself: a link to a missing file or heading is reported, a good one is not. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "docs/perf/README.md                     | ",
        "docs/perf/                              | ",
        "docs/policy-tools.md#--diff-who-gains-who-loses | ",
        "#the-two-commands                       | ",
        "docs/perf/no-such-report.md             | no such file",
        "docs/policy-tools.md#no-such-heading    | no heading",
        "#performance-detail                     | no heading",
        "README.md#running-it                    | ",
    })
    void theCheckerFindsDeadLinks(String target, String expected) {
        String problem = problem(Path.of("README.md"), target);
        if (expected == null) {
            assertThat(problem).as(target).isNull();
        } else {
            assertThat(problem).as(target).startsWith(expected);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Deploying: graceful shutdown                  | deploying-graceful-shutdown",
        "`portcullis explain`, `test`, `report`        | portcullis-explain-test-report",
        "`--diff`: who gains, who loses                | --diff-who-gains-who-loses",
        "Rolling out a rule safely: `mode: audit`      | rolling-out-a-rule-safely-mode-audit",
        "Trying your own policy: `portcullis dev-issuer` | trying-your-own-policy-portcullis-dev-issuer",
        "Performance: how it was measured, and what it costs | performance-how-it-was-measured-and-what-it-costs",
    })
    void anchorsAreGitHubs(String heading, String anchor) {
        assertThat(slug(heading)).isEqualTo(anchor);
    }

    @Test
    void linksInCodeAreNotLinks() {
        String md = """
                [a](a.md) and `[b](b.md)`
                ```
                [c](c.md)
                ```
                ![d](d.png) [e](https://example.com) [f](mailto:x@example.com)
                [g
                wrapped](g.md)
                """;
        assertThat(relativeLinks(md)).containsExactly("a.md", "d.png", "g.md");
    }

    /** Null when the link resolves, else what is wrong. */
    static String problem(Path from, String target) {
        int hash = target.indexOf('#');
        String pathPart = hash < 0 ? target : target.substring(0, hash);
        String fragment = hash < 0 ? null : target.substring(hash + 1);
        Path base = from.getParent() == null ? ROOT : from.getParent();
        Path resolved = pathPart.isEmpty() ? from
                : base.resolve(URLDecoder.decode(pathPart, StandardCharsets.UTF_8)).normalize();
        if (resolved.toString().isEmpty()) {
            resolved = Path.of(".");
        }
        if (!Files.exists(resolved)) {
            return "no such file: " + resolved;
        }
        if (fragment == null || fragment.isEmpty()) {
            return null;
        }
        if (!resolved.toString().endsWith(".md")) {
            return "a fragment on a file that is not Markdown: " + resolved;
        }
        try {
            Set<String> anchors = anchors(Files.readString(resolved));
            return anchors.contains(fragment) ? null : "no heading with anchor #" + fragment + " in " + resolved;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The targets of Markdown links and images outside code, without external ones. */
    static List<String> relativeLinks(String markdown) {
        List<String> out = new ArrayList<>();
        Matcher m = LINK.matcher(CODE_SPAN.matcher(withoutFences(markdown)).replaceAll(""));
        while (m.find()) {
            String target = m.group(2);
            if (!target.matches("(?i)[a-z][a-z0-9+.-]*:.*")) {
                out.add(target);
            }
        }
        return out;
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to '-', repeats numbered. */
    static Set<String> anchors(String markdown) {
        Set<String> out = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : withoutFences(markdown).split("\n")) {
            Matcher h = HEADING.matcher(line);
            if (h.matches()) {
                String base = slug(h.group(1));
                int n = seen.merge(base, 1, Integer::sum) - 1;
                out.add(n == 0 ? base : base + "-" + n);
            }
        }
        return out;
    }

    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1"); // a link: its text
        return text.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
                .replace(' ', '-');
    }

    /** The text with fenced code blocks blanked out (lines kept, so nothing joins across them). */
    private static String withoutFences(String markdown) {
        StringBuilder out = new StringBuilder();
        boolean fence = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.stripLeading().startsWith("```")) {
                fence = !fence;
                out.append('\n');
                continue;
            }
            out.append(fence ? "" : line).append('\n');
        }
        return out.toString();
    }

    private static List<Path> markdownFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(Path.of("README.md"));
        for (String dir : List.of("docs", "deploy", "examples", "bench")) {
            if (Files.isDirectory(Path.of(dir))) {
                try (Stream<Path> walk = Files.walk(Path.of(dir))) {
                    walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
                }
            }
        }
        return out;
    }
}
