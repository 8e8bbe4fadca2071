package dev.portcullis.denials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DenialScanTest {
    @TempDir
    Path dir;

    private static DenialScan.Options options(Duration window, Instant since, Instant now, boolean errors) {
        return new DenialScan.Options(window, since, now, errors, 10, 1000, 1 << 20);
    }

    private DenialReport scanFile(Log log, DenialScan.Options o) throws IOException {
        Path f = dir.resolve("audit.log");
        Files.write(f, log.bytes());
        try (AuditInput in = AuditInput.file(f)) {
            return DenialScan.run(in, o);
        }
    }

    /** A morning: an old burst, then within the last 15 minutes a scanner, a user refused, an outage. */
    private static Log morning() {
        return Log.log()
                .deny("2026-11-28T09:00:00Z", "token_expired", "10.0.0.1", null)
                .allow("2026-11-28T10:00:00Z", "10.0.0.2")
                .deny("2026-11-28T10:01:00Z", "no_route", "203.0.113.9", null)
                .raw("{\"event\":\"audit_dropped\",\"count\":7}")
                .deny("2026-11-28T10:02:00Z", "signature_invalid", "203.0.113.9", null)
                .raw("10:02:01.000 WARN some other program")
                .deny("2026-11-28T10:03:00Z", "group_denied", "10.0.0.2", "alice@example.com")
                .decision("2026-11-28T10:04:00Z", "error", "upstream_timeout", "orders", "10.0.0.3", "bob@example.com")
                .raw("{\"ts\":\"2026-11-28T10:04:30Z\",\"event\":\"intrusion_suspected\",\"client\":\"203.0.113.9\","
                        + "\"decision\":\"deny\",\"reason\":\"no_route\"}")
                .deny("2026-11-28T10:05:00Z", "signature_invalid", "203.0.113.9", null)
                // Written late: a slow request's line, stamped at its start, lands after newer lines.
                .allow("2026-11-28T10:00:30Z", "10.0.0.2")
                .raw("")
                .raw("{\"ts\":\"2026-11-28T10:05:00Z\",\"event\":\"decision\",\"decision\":\"deny\",\"client\":\"torn");
    }

    @Test
    void windowEndsAtTheNewestDecisionAndCountsOnlyDenialsInIt() throws IOException {
        DenialReport r = scanFile(morning(), options(null, null, null, false));

        assertThat(r.window()).isEqualTo(new DenialReport.Window(Instant.parse("2026-11-28T09:50:00Z").toEpochMilli(),
                Instant.parse("2026-11-28T10:05:00Z").toEpochMilli(), DenialReport.Anchor.NEWEST_LINE));
        assertThat(r.totals()).isEqualTo(new DenialReport.Totals(7, 2, 4, 1, 4, 3));
        assertThat(r.totals().denialRate()).isEqualTo(4 / 7.0);
        assertThat(r.clients()).extracting(DenialReport.Counted::key, DenialReport.Counted::count)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("203.0.113.9", 3L),
                        org.assertj.core.groups.Tuple.tuple("10.0.0.2", 1L));
        DenialReport.Counted<String> scanner = r.clients().get(0);
        assertThat(Instant.ofEpochMilli(scanner.firstMillis())).isEqualTo("2026-11-28T10:01:00Z");
        assertThat(Instant.ofEpochMilli(scanner.lastMillis())).isEqualTo("2026-11-28T10:05:00Z");
        assertThat(r.subjects()).extracting(DenialReport.Counted::key).containsExactly("alice@example.com");
        assertThat(r.reasons()).extracting(DenialReport.Counted::key)
                .containsExactly("signature_invalid", "group_denied", "no_route");
        assertThat(r.pairs().get(0)).extracting(DenialReport.Counted::key, DenialReport.Counted::count)
                .containsExactly(new DenialReport.ClientReason("203.0.113.9", "signature_invalid"), 2L);
        assertThat(r.lines()).isEqualTo(new DenialReport.Lines(13, 8, 1,
                Map.of("audit_dropped", 1L, "intrusion_suspected", 1L), 7, 2, 1, 0, 0));
    }

    @Test
    void errorsCountAsDenialsOnlyWhenAsked() throws IOException {
        DenialReport r = scanFile(morning(), options(null, null, null, true));

        assertThat(r.totals()).isEqualTo(new DenialReport.Totals(7, 2, 4, 1, 5, 3));
        assertThat(r.subjects()).extracting(DenialReport.Counted::key)
                .containsExactly("alice@example.com", "bob@example.com");
        assertThat(r.reasons()).extracting(DenialReport.Counted::key).contains("upstream_timeout");
    }

    @Test
    void nowAndSinceFixTheWindowInOnePass() throws IOException {
        Instant now = Instant.parse("2026-11-28T10:03:30Z");
        DenialReport byNow = scanFile(morning(), options(Duration.ofMinutes(3), null, now, false));
        assertThat(byNow.window().anchor()).isEqualTo(DenialReport.Anchor.NOW);
        assertThat(byNow.totals().deny()).isEqualTo(3);

        DenialReport since = scanFile(morning(), options(null, Instant.parse("2026-11-28T10:02:00Z"), null, false));
        assertThat(since.totals().deny()).isEqualTo(3);
        assertThat(Instant.ofEpochMilli(since.window().endMillis())).isEqualTo("2026-11-28T10:05:00Z");

        DenialReport fixed = scanFile(morning(),
                options(Duration.ofHours(1), Instant.parse("2026-11-28T09:00:00Z"), null, false));
        assertThat(fixed.window().anchor()).isEqualTo(DenialReport.Anchor.FIXED);
        assertThat(fixed.totals().deny()).isEqualTo(1);
        assertThat(fixed.reasons()).extracting(DenialReport.Counted::key).containsExactly("token_expired");
    }

    @Test
    void stdinIsSpooledSoTheDefaultWindowStillWorksAndTheSpoolIsDeleted() throws IOException {
        DenialReport fromFile = scanFile(morning(), options(null, null, null, false));
        Set<String> spoolsBefore = spools();
        DenialReport fromStdin;
        try (AuditInput in = AuditInput.stream("stdin", new ByteArrayInputStream(morning().bytes()))) {
            fromStdin = DenialScan.run(in, options(null, null, null, false));
        }

        assertThat(fromStdin.input()).isEqualTo("stdin");
        assertThat(fromStdin.window()).isEqualTo(fromFile.window());
        assertThat(fromStdin.totals()).isEqualTo(fromFile.totals());
        assertThat(fromStdin.lines()).isEqualTo(fromFile.lines());
        assertThat(spools()).isEqualTo(spoolsBefore);
    }

    private static Set<String> spools() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("portcullis-denials-"))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void readsGzipAndFailsOnACorruptOne() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(morning().bytes());
        }
        Path f = dir.resolve("audit.log.1.gz");
        Files.write(f, gz.toByteArray());
        try (AuditInput in = AuditInput.file(f)) {
            assertThat(DenialScan.run(in, options(null, null, null, false)).totals().deny()).isEqualTo(4);
        }
        byte[] all = gz.toByteArray();
        Files.write(f, java.util.Arrays.copyOf(all, all.length / 2));
        try (AuditInput in = AuditInput.file(f)) {
            assertThatThrownBy(() -> DenialScan.run(in, options(null, null, null, false))).isInstanceOf(IOException.class);
        }
    }

    @Test
    void anInputWithoutDecisionsHasNoWindow() throws IOException {
        DenialReport r = scanFile(Log.log().raw("hello").raw("{\"event\":\"audit_dropped\",\"count\":3}"),
                options(null, null, null, false));

        assertThat(r.window()).isNull();
        assertThat(r.totals().decisions()).isZero();
        assertThat(r.lines().auditDropped()).isEqualTo(3);
        assertThat(r.clients()).isEqualTo(List.of());
    }

    @Test
    void unreadableFilesFailBeforeAnyOutput() {
        assertThatThrownBy(() -> AuditInput.file(dir.resolve("missing.log")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThatThrownBy(() -> AuditInput.file(dir)).isInstanceOf(IOException.class).hasMessage("is a directory");
    }
}
