package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, as a new user runs it: {@code portcullis demo} in a JVM of its own
 * (every port chosen by the system), and then every curl line its guide prints, pasted into one
 * bash shell as printed. Each guide block starts with a comment naming the statuses its commands
 * answer ({@code # 403: readers may not delete}); the statuses curl shows must be exactly those, in
 * order. A guide line that no longer does what it says fails here, not on a user's first try.
 */
class DemoGuideIT {
    private static final Pattern STATUS_IN_COMMENT = Pattern.compile("(?<![\\d.])([1-5]\\d\\d)(?=:)");
    private static final Pattern STATUS_LINE = Pattern.compile("(?m)^HTTP/(?:1\\.1|2) (\\d{3}) ");
    private static final String END = "Ctrl-C stops everything.";

    @TempDir
    Path dir;

    @Test
    void everyCurlLineOfTheGuideAnswersWhatItsCommentSays() throws Exception {
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.portcullis.cli.Main", "demo",
                "--port", "0", "--admin-port", "0", "--issuer-port", "0", "--services-port", "0")
                .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile())
                .start();
        try {
            List<Block> blocks = blocks(awaitGuide(dir.resolve("stderr")));
            assertThat(blocks).as("the guide's blocks").hasSizeGreaterThanOrEqualTo(8);
            assertThat(blocks.stream().filter(b -> !b.statuses().isEmpty())).hasSizeGreaterThanOrEqualTo(7);

            StringBuilder script = new StringBuilder("set -u\n");
            for (int i = 0; i < blocks.size(); i++) {
                script.append("echo '@@block ").append(i).append("'\n");
                for (String line : blocks.get(i).commands()) {
                    script.append(line).append('\n');
                }
            }
            String out = bash(script.toString());

            String[] parts = out.split("@@block \\d+\\n", -1);
            assertThat(parts).as("one output per block:%n%s", out).hasSize(blocks.size() + 1);
            for (int i = 0; i < blocks.size(); i++) {
                Block b = blocks.get(i);
                if (b.statuses().isEmpty()) {
                    continue;
                }
                List<Integer> seen = new ArrayList<>();
                Matcher m = STATUS_LINE.matcher(parts[i + 1]);
                while (m.find()) {
                    seen.add(Integer.parseInt(m.group(1)));
                }
                assertThat(seen).as("statuses of guide block '%s':%n%s", b.comment(), parts[i + 1])
                        .isEqualTo(b.statuses());
            }
        } finally {
            demo.destroy();
            if (!demo.waitFor(30, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
        }
    }

    /** One guide block: its comment, the statuses the comment names, and the command lines under it. */
    record Block(String comment, List<Integer> statuses, List<String> commands) {
    }

    static List<Block> blocks(String guide) {
        List<Block> blocks = new ArrayList<>();
        String comment = null;
        List<String> commands = new ArrayList<>();
        for (String line : guide.split("\n")) {
            String t = line.strip();
            if (t.startsWith("# ")) {
                if (comment != null) {
                    blocks.add(block(comment, commands));
                }
                comment = t;
                commands = new ArrayList<>();
            } else if (comment != null && line.startsWith("  ") && !t.isEmpty()) {
                commands.add(t);
            }
        }
        if (comment != null) {
            blocks.add(block(comment, commands));
        }
        return blocks;
    }

    private static Block block(String comment, List<String> commands) {
        List<Integer> statuses = new ArrayList<>();
        Matcher m = STATUS_IN_COMMENT.matcher(comment);
        while (m.find()) {
            statuses.add(Integer.parseInt(m.group(1)));
        }
        return new Block(comment, statuses, List.copyOf(commands));
    }

    private static String awaitGuide(Path stderr) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String text = Files.readString(stderr);
            int end = text.indexOf(END);
            if (end >= 0) {
                return text.substring(text.indexOf("Paste these"), end);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the demo did not print its guide within 60 s: " + Files.readString(stderr));
    }

    private String bash(String script) throws IOException, InterruptedException {
        Path file = dir.resolve("guide.sh");
        Files.writeString(file, script);
        Process p = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("guide.out").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the guide's commands did not finish within 120 s");
        }
        return Files.readString(dir.resolve("guide.out"));
    }
}
