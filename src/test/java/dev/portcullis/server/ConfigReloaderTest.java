package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the watcher finds without parsing: the files a read would take, and whether they changed. */
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
}
