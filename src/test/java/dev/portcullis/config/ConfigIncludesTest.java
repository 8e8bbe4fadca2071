package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Split config (a directory of route files) and ${ENV} substitution. */
class ConfigIncludesTest {
    private static final String MAIN = """
            issuers:
              - { id: okta, issuer: https://dev-1.okta.com/oauth2/default, audiences: [api://default] }
            include: routes.d
            routes:
              - id: docs
                match: { path: /public/** }
                upstream: http://127.0.0.1:9002
                public: true
            """;
    private static final String ORDERS = """
            routes:
              - id: orders
                match: { path: /orders/** }
                upstream: http://127.0.0.1:9001
                allow: [ { groups_any: [orders-readers] } ]
            """;
    private static final String REPORTS = """
            routes:
              - id: reports
                match: { path: /reports/** }
                upstream: http://127.0.0.1:9003
                allow: [ { scopes_any: [reports.read] } ]
            """;

    private static Path write(Path dir, String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void routesOfEveryFileInTheDirectoryAreAddedInNameOrder(@TempDir Path dir) throws Exception {
        Path main = write(dir, "portcullis.yaml", MAIN);
        write(dir, "routes.d/20-reports.yaml", REPORTS);
        write(dir, "routes.d/10-orders.yml", ORDERS);
        write(dir, "routes.d/notes.txt", "not yaml at all: [");
        ProxyConfig c = new ConfigReader(Map.of()).read(main);
        assertThat(c.routes()).extracting(RouteConfig::id).containsExactly("docs", "orders", "reports");
        assertThat(c.files()).containsExactly(main.toString(), dir.resolve("routes.d/10-orders.yml").toString(),
                dir.resolve("routes.d/20-reports.yaml").toString());
    }

    @Test
    void anErrorInAnIncludedFileNamesThatFileAndLine(@TempDir Path dir) throws Exception {
        Path main = write(dir, "portcullis.yaml", MAIN);
        write(dir, "routes.d/10-orders.yaml", ORDERS.replace("allow: [ { groups_any: [orders-readers] } ]",
                "allow: [ { groups_any: [] } ]"));
        assertThatThrownBy(() -> new ConfigReader(Map.of()).read(main))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.errors()).hasSize(1);
                    ConfigError err = e.errors().get(0);
                    assertThat(err.file()).endsWith("routes.d/10-orders.yaml");
                    assertThat(err.line()).isEqualTo(5);
                    assertThat(err.path()).isEqualTo("routes[0].allow[0].groups_any");
                });
    }

    @Test
    void routeIdsAreUniqueAcrossFiles(@TempDir Path dir) throws Exception {
        Path main = write(dir, "portcullis.yaml", MAIN);
        write(dir, "routes.d/a.yaml", ORDERS);
        write(dir, "routes.d/b.yaml", ORDERS.replace("/orders/**", "/orders2/**"));
        assertThatThrownBy(() -> new ConfigReader(Map.of()).read(main))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.errors()).hasSize(1);
                    assertThat(e.errors().get(0).file()).endsWith("routes.d/b.yaml");
                    assertThat(e.errors().get(0).message()).contains("duplicate route id 'orders'")
                            .contains("routes.d/a.yaml:2");
                });
    }

    @Test
    void anIncludedFileHoldsRoutesOnly(@TempDir Path dir) throws Exception {
        Path main = write(dir, "portcullis.yaml", MAIN);
        write(dir, "routes.d/a.yaml", "issuers: []\n" + ORDERS);
        assertThatThrownBy(() -> new ConfigReader(Map.of()).read(main))
                .isInstanceOfSatisfying(ConfigException.class, e ->
                        assertThat(e.errors().get(0).message()).contains("unknown key 'issuers'"));
    }

    @Test
    void aMissingIncludeDirectoryIsAnError(@TempDir Path dir) throws Exception {
        Path main = write(dir, "portcullis.yaml", MAIN);
        assertThatThrownBy(() -> new ConfigReader(Map.of()).read(main))
                .isInstanceOfSatisfying(ConfigException.class, e ->
                        assertThat(e.errors().get(0).message()).contains("not a directory"));
    }

    @Test
    void environmentVariablesAreSubstituted(@TempDir Path dir) throws Exception {
        Path main = write(dir, "portcullis.yaml", MAIN.replace("include: routes.d\n", "")
                .replace("https://dev-1.okta.com/oauth2/default", "${OKTA_ISSUER}")
                .replace("http://127.0.0.1:9002", "${DOCS_URL:-http://127.0.0.1:9999}")
                + "# a comment may mention ${UNSET_IN_COMMENT}\n");
        ProxyConfig c = new ConfigReader(Map.of("OKTA_ISSUER", "https://acme.okta.com/oauth2/aus1")).read(main);
        assertThat(c.issuers().get(0).issuer()).isEqualTo("https://acme.okta.com/oauth2/aus1");
        assertThat(c.routes().get(0).upstreams()).containsExactly("http://127.0.0.1:9999");
    }

    @Test
    void anUnsetVariableIsAnErrorAtItsLine(@TempDir Path dir) throws Exception {
        Path main = write(dir, "portcullis.yaml", MAIN.replace("include: routes.d\n", "")
                .replace("http://127.0.0.1:9002", "${DOCS_URL}"));
        assertThatThrownBy(() -> new ConfigReader(Map.of()).read(main))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.errors()).hasSize(1);
                    assertThat(e.errors().get(0).line()).isEqualTo(6);
                    assertThat(e.errors().get(0).message()).contains("DOCS_URL is not set");
                });
    }

    @Test
    void aDoubleDollarIsALiteral() {
        java.util.List<ConfigError> errors = new java.util.ArrayList<>();
        assertThat(EnvSubstitution.apply("f", "a: $${HOME}", Map.of("HOME", "/root"), errors))
                .isEqualTo("a: ${HOME}");
        assertThat(errors).isEmpty();
    }
}
