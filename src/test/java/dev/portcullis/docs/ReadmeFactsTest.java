package dev.portcullis.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cli.LauncherFlags;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Facts the README states about other files, held to them: the heap the launcher gives the JVM,
 * and the loopback addresses the listeners bind to when the config names none.
 */
class ReadmeFactsTest {

    @Test
    void theReadmeGivesTheLaunchersHeap() throws Exception {
        String opts = LauncherFlags.base();
        assertThat(opts).contains("-Xmx").contains("-Xms");
        String readme = Files.readString(Path.of("README.md"));
        String heap = readme.substring(readme.indexOf("**Heap.**"));
        assertThat(heap.substring(0, heap.indexOf("\n\n"))).as("the README's Heap paragraph")
                .contains("`" + opts + "`").contains("`" + LauncherFlags.TRIM + "`")
                .contains("`" + LauncherFlags.HUGE_PAGES + "`");
        for (String line : readme.split("\n")) {
            if (line.contains("-jar target/portcullis.jar")) {
                assertThat(line).as("a java command line of the README").contains(opts);
            }
        }
    }

    @Test
    void theListenersDefaultToTheLoopbackAddressesTheReadmeNames() throws Exception {
        ProxyConfig config = new ConfigReader().read("minimal.yaml", """
                issuers:
                  - { id: dev, issuer: http://127.0.0.1:9000/oauth2/default, audiences: [api://default] }
                routes:
                  - { id: docs, match: { path: /public/** }, upstream: http://127.0.0.1:9002, public: true }
                """);
        String proxy = config.listen().host() + ":" + config.listen().port();
        String admin = config.admin().listen().host() + ":" + config.admin().listen().port();
        assertThat(proxy).isEqualTo("127.0.0.1:8080");
        assertThat(admin).isEqualTo("127.0.0.1:9090");
        String readme = Files.readString(Path.of("README.md"));
        String running = readme.substring(readme.indexOf("**Listening addresses.**"));
        assertThat(running.substring(0, running.indexOf("\n\n"))).as("the README's Listening addresses paragraph")
                .contains("the proxy to `" + proxy + "`", "(`listen`)", "the admin listener to `" + admin + "`",
                        "(`admin.listen`)");
    }
}
