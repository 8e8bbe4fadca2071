package dev.portcullis.it;

import java.util.ArrayList;
import java.util.List;

/** Reads Prometheus text exposition just enough to assert on samples. */
final class PromText {
    private PromText() {
    }

    /** One sample line: the metric name, its label text ({@code a="x",b="y"}) and its value. */
    record Sample(String name, String labels, double value) {
        boolean has(String... labelPairs) {
            for (String l : labelPairs) {
                if (!(("," + labels + ",").contains("," + l + ","))) {
                    return false;
                }
            }
            return true;
        }
    }

    static List<Sample> samples(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
            String labels = brace >= 0 && brace < space ? line.substring(brace + 1, line.lastIndexOf('}')) : "";
            out.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
        return out;
    }

    /** The samples of {@code name} having every one of the {@code label="value"} pairs. */
    static List<Sample> find(String text, String name, String... labelPairs) {
        return samples(text).stream().filter(s -> s.name().equals(name) && s.has(labelPairs)).toList();
    }

    /** The sum of the matching samples' values; 0 when none match. */
    static double sum(String text, String name, String... labelPairs) {
        return find(text, name, labelPairs).stream().mapToDouble(Sample::value).sum();
    }
}
