package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portcullis.config.ConfigException;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the watcher finds without parsing: the files a read would take, whether they changed, and
 * whether they have settled. The pause between a settled read's two reads is where these tests
 * write, so what a half-written file would do is decided by the test, not by timing.
 */
class ConfigReloaderTest {
    @TempDir
    Path dir;

    private ProxyConfig write() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes.d"));
        Files.writeString(routes.resolve("a.yaml"), """
                routes:
                  - { id: a, match: { path: /a/** }, upstream: "http://127.0.0.1:9001", public: true }
                """);
        Files.writeString(dir.resolve("portcullis.yaml"), """
                include: routes.d
                routes:
                  - { id: main, match: { path: /main/** }, upstream: "http://127.0.0.1:9001", public: true }
                """);
        return new ConfigReader().read(dir.resolve("portcullis.yaml"));
    }

    @Test
    void filesBesideTheConfigAreNotPartOfIt() throws Exception {
        ProxyConfig c = write();
        assertThat(c.files()).hasSize(2);
        Files.writeString(dir.resolve("bench.log"), "written while the proxy runs");
        Files.writeString(dir.resolve("policy-tests.yaml"), "cases: []");
        Files.writeString(dir.resolve("routes.d").resolve("notes.txt"), "not a route file");
        assertThat(ConfigReloader.filesNow(c.files())).isEqualTo(c.files());
        assertThat(ConfigReloader.hashOf(ConfigReloader.filesNow(c.files())))
                .isEqualTo(ConfigReloader.hashOf(c.files()));
    }

    @Test
    void aNewRouteFileInAnIncludeDirectoryIsSeen() throws Exception {
        ProxyConfig c = write();
        Files.writeString(dir.resolve("routes.d").resolve("b.yaml"), "routes: []");
        List<String> now = ConfigReloader.filesNow(c.files());
        assertThat(now).hasSize(3).isNotEqualTo(c.files());
        assertThat(now.get(2)).endsWith("b.yaml");
    }

    @Test
    void anEditChangesTheHashEvenWhenTheFileListStaysTheSame() throws Exception {
        ProxyConfig c = write();
        String before = ConfigReloader.hashOf(c.files());
        Files.writeString(dir.resolve("routes.d").resolve("a.yaml"), "routes: []");
        assertThat(ConfigReloader.filesNow(c.files())).isEqualTo(c.files());
        assertThat(ConfigReloader.hashOf(c.files())).isNotEqualTo(before);
    }

    @Test
    void aRemovedIncludeDirectoryMeansAFullRead() throws Exception {
        ProxyConfig c = write();
        Files.delete(dir.resolve("routes.d").resolve("a.yaml"));
        Files.delete(dir.resolve("routes.d"));
        assertThat(ConfigReloader.filesNow(c.files())).isNull();
    }

    /** The main file of {@link #write()}, rewritten in place: first a shorter, valid document, then the rest. */
    private static final String FULL = """
            include: routes.d
            routes:
              - id: main
                match: { path: /main/** }
                upstream: "http://127.0.0.1:9001"
                allow: [ { methods: [GET] } ]
                deny:
                  - { methods: [GET], claims: { tier: [trial] } }
            issuers:
              - { id: okta, issuer: "https://dev-1.okta.com/oauth2/default", audiences: [api://default] }
            """;

    @Test
    void aFileStillBeingWrittenIsNotSettledAndIsNeverParsed() throws Exception {
        ProxyConfig c = write();
        Path main = dir.resolve("portcullis.yaml");
        String partial = FULL.substring(0, FULL.indexOf("    deny:"))
                + FULL.substring(FULL.indexOf("issuers:"));
        Files.writeString(main, partial);
        // The shorter document on its own is a valid config that has lost its deny block:
        assertThat(new ConfigReader(Map.of()).read(main).routes().get(0).deny()).isEmpty();
        SettledFiles read = SettledFiles.read(c.files(), writing(main, FULL));
        assertThat(read).as("changed between the two reads").isNull();

        SettledFiles settled = SettledFiles.read(c.files(), () -> { });
        assertThat(settled).isNotNull();
        assertThat(settled.hash()).isEqualTo(ConfigReloader.hashOf(c.files()));
        assertThat(new ConfigReader(Map.of(), settled.source()).read(main).routes().get(0).deny()).hasSize(1);
    }

    @Test
    void anIncludedFileStillBeingWrittenIsNotSettledEither() throws Exception {
        ProxyConfig c = write();
        Path routes = dir.resolve("routes.d").resolve("a.yaml");
        assertThat(SettledFiles.read(c.files(), writing(routes, Files.readString(routes)
                + "  - { id: b, match: { path: /b/** }, upstream: \"http://127.0.0.1:9001\", public: true }\n")))
                .isNull();
    }

    @Test
    void theSettledBytesAreWhatIsParsedNotWhatTheDiskHoldsLater() throws Exception {
        ProxyConfig c = write();
        Path main = dir.resolve("portcullis.yaml");
        Files.writeString(main, FULL);
        SettledFiles settled = SettledFiles.read(c.files(), () -> { });
        Files.writeString(main, "routes:\n  - id: main\n"); // a truncating rewrite begins after the check
        ProxyConfig read = new ConfigReader(Map.of(), settled.source()).read(main);
        assertThat(read.routes()).extracting(r -> r.id()).containsExactly("main", "a");
        assertThat(read.routes().get(0).deny()).hasSize(1);
    }

    @Test
    void aFileThatCannotBeReadIsReportedByTheReader() throws Exception {
        ProxyConfig c = write();
        Path main = dir.resolve("portcullis.yaml");
        Files.delete(main);
        SettledFiles settled = SettledFiles.read(c.files(), () -> { });
        assertThat(settled).as("missing both times: nothing is changing").isNotNull();
        ConfigException e = catchThrowableOfType(() -> new ConfigReader(Map.of(), settled.source()).read(main),
                ConfigException.class);
        assertThat(e).hasMessageContaining("portcullis.yaml").hasMessageContaining("cannot read file");
    }

    /**
     * A Kubernetes ConfigMap (or Secret) volume: the kubelet writes the new version into a new
     * timestamped directory and renames a {@code ..data} symlink over the old one; the config file
     * itself is a symlink through {@code ..data} that never changes. The watcher follows the links:
     * the file's stamp and the directory's change, and the new bytes are what is read.
     */
    @Test
    void aConfigMapUpdateBySymlinkSwapIsSeen() throws Exception {
        String v1 = FULL.replace("include: routes.d\n", "");
        Path old = Files.createDirectory(dir.resolve("..2026_12_02_10_00_00.1"));
        Files.writeString(old.resolve("portcullis.yaml"), v1);
        Files.setLastModifiedTime(old.resolve("portcullis.yaml"), FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Files.createSymbolicLink(dir.resolve("..data"), old.getFileName());
        Path main = Files.createSymbolicLink(dir.resolve("portcullis.yaml"), Path.of("..data/portcullis.yaml"));
        ProxyConfig c = new ConfigReader(Map.of()).read(main);
        String hash = ConfigReloader.hashOf(c.files());
        Files.setLastModifiedTime(dir, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Map<Path, FileTime> before = ConfigReloader.stamps(c);

        Path next = Files.createDirectory(dir.resolve("..2026_12_02_10_05_00.2"));
        Files.writeString(next.resolve("portcullis.yaml"), v1.replace("[trial]", "[trial, free]"));
        Files.createSymbolicLink(dir.resolve("..data_tmp"), next.getFileName());
        Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        Files.delete(old.resolve("portcullis.yaml"));
        Files.delete(old);

        Map<Path, FileTime> after = ConfigReloader.stamps(c);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        assertThat(after).as("the file's and the directory's stamps").allSatisfy((p, t) ->
                assertThat(t).as(p.toString()).isNotEqualTo(before.get(p)));
        assertThat(ConfigReloader.filesNow(c.files())).isEqualTo(c.files());
        assertThat(ConfigReloader.hashOf(c.files())).isNotEqualTo(hash);
        SettledFiles settled = SettledFiles.read(c.files(), () -> { });
        assertThat(new ConfigReader(Map.of(), settled.source()).read(main).routes().get(0).deny().get(0).toString())
                .contains("free");
    }

    /** A pause in which the rest of a file is written. */
    private static SettledFiles.Pause writing(Path file, String text) {
        return () -> {
            try {
                Files.writeString(file, text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
