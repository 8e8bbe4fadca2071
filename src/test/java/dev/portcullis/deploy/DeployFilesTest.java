package dev.portcullis.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.observe.Metrics;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files under {@code deploy/}: the Prometheus alerting rules and the Grafana dashboard. Their
 * shape, and that every metric they query is one the proxy exports under that name, so that a
 * rename in {@link Metrics} (or a typo in a query) fails the build instead of a silent empty panel
 * or an alert that can never fire.
 */
class DeployFilesTest {
    private static final Path ALERTS = Path.of("deploy/prometheus/portcullis-alerts.yml");
    private static final Path ALERT_TESTS = Path.of("deploy/prometheus/portcullis-alerts.test.yml");
    private static final Path DASHBOARD = Path.of("deploy/grafana/portcullis-dashboard.json");

    /** The exported names (Prometheus text format) the deploy files may use: the README's list. */
    static final Set<String> DOCUMENTED = Set.of("portcullis_requests_total", "portcullis_request_duration_seconds_bucket",
            "portcullis_proxy_overhead_seconds_bucket", "portcullis_upstream_response_seconds_bucket",
            "portcullis_jwks_fetches_total", "portcullis_jwks_keys",
            "portcullis_jwks_last_success_timestamp_seconds", "portcullis_upstream_errors_total",
            "portcullis_client_connections", "portcullis_audit_dropped_total", "portcullis_config_reloads_total",
            "portcullis_config_reload_failures_total", "portcullis_config_info", "portcullis_token_cache_requests_total",
            "portcullis_intrusion_events_total", "portcullis_blocked_sources", "portcullis_upstream_up");

    /** Documented but registered outside {@link Metrics} (or not yet): not looked up in its registry. */
    static final Set<String> REGISTERED_ELSEWHERE = Set.of("portcullis_intrusion_events_total",
            "portcullis_blocked_sources");

    private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
    private static final Pattern PROM_DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)");

    @TempDir
    Path tmp;

    private static JsonNode alerts() throws IOException {
        return new YAMLMapper().readTree(ALERTS.toFile());
    }

    private static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    @Test
    void everyAlertRuleHasANameExprForSeverityAndSummary() throws IOException {
        JsonNode groups = alerts().path("groups");
        assertThat(groups.isArray() && groups.size() > 0).as("groups[]").isTrue();
        Set<String> names = new HashSet<>();
        for (JsonNode g : groups) {
            assertThat(g.path("name").asText()).as("group name").isNotBlank();
            assertThat(g.path("rules").size()).as("rules of " + g.path("name")).isPositive();
            for (JsonNode r : g.path("rules")) {
                String alert = r.path("alert").asText();
                assertThat(alert).as("alert").matches("Portcullis[A-Z][A-Za-z0-9]+");
                assertThat(names.add(alert)).as("unique alert name " + alert).isTrue();
                assertThat(r.path("expr").asText()).as(alert + " expr").isNotBlank();
                assertThat(r.path("for").asText()).as(alert + " for").matches(PROM_DURATION);
                assertThat(r.path("labels").path("severity").asText()).as(alert + " severity").isIn(SEVERITIES);
                assertThat(r.path("annotations").path("summary").asText()).as(alert + " summary").isNotBlank();
                assertThat(r.path("annotations").path("description").asText()).as(alert + " description").isNotBlank();
            }
        }
        assertThat(names).contains("PortcullisDenialSpike", "PortcullisJwksFailing", "PortcullisUpstream5xx",
                "PortcullisConfigReloadFailing", "PortcullisAuditLinesDropped", "PortcullisIntrusionSuspected");
    }

    @Test
    void everyAlertHasAPromtoolUnitTest() throws IOException {
        Set<String> rules = new TreeSet<>();
        alerts().path("groups").forEach(g -> g.path("rules").forEach(r -> rules.add(r.path("alert").asText())));
        Set<String> firing = new TreeSet<>();
        for (JsonNode t : new YAMLMapper().readTree(ALERT_TESTS.toFile()).path("tests")) {
            for (JsonNode a : t.path("alert_rule_test")) {
                if (a.path("exp_alerts").size() > 0) {
                    firing.add(a.path("alertname").asText());
                }
            }
        }
        assertThat(firing).as("alerts shown to fire in " + ALERT_TESTS).isEqualTo(rules);
    }

    @Test
    void everyDashboardPanelQueriesPrometheusThroughTheDatasourceVariable() throws IOException {
        JsonNode d = dashboard();
        assertThat(d.path("title").asText()).isNotBlank();
        assertThat(d.path("uid").asText()).isEqualTo("portcullis-overview");
        assertThat(d.path("templating").path("list").findValuesAsText("name")).contains("datasource", "job", "route");
        Set<Integer> ids = new HashSet<>();
        int queried = 0;
        for (JsonNode p : d.path("panels")) {
            assertThat(ids.add(p.path("id").asInt())).as("unique panel id " + p.path("id")).isTrue();
            JsonNode pos = p.path("gridPos");
            assertThat(pos.path("x").asInt() + pos.path("w").asInt()).as(p.path("title") + " fits 24 columns")
                    .isBetween(1, 24);
            if ("row".equals(p.path("type").asText())) {
                continue;
            }
            String title = p.path("title").asText();
            assertThat(title).isNotBlank();
            assertThat(p.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
            assertThat(p.path("targets").size()).as(title + " targets").isPositive();
            Set<String> refIds = new HashSet<>();
            for (JsonNode t : p.path("targets")) {
                assertThat(t.path("expr").asText()).as(title + " expr").isNotBlank();
                assertThat(refIds.add(t.path("refId").asText())).as(title + " unique refId").isTrue();
            }
            queried++;
        }
        assertThat(queried).isGreaterThanOrEqualTo(15);
    }

    @Test
    void everyMetricQueriedIsADocumentedPortcullisMetric() throws IOException {
        Map<String, String> exprs = allExpressions();
        Map<String, Set<String>> unknown = new LinkedHashMap<>();
        Set<String> used = new TreeSet<>();
        exprs.forEach((where, expr) -> {
            Set<String> names = PromQl.metrics(expr);
            used.addAll(names);
            names.removeAll(DOCUMENTED);
            if (!names.isEmpty()) {
                unknown.put(where, names);
            }
        });
        assertThat(unknown).as("names that are neither PromQL keywords nor documented metrics").isEmpty();
        // Every documented metric is shown or alerted on somewhere.
        assertThat(used).isEqualTo(new TreeSet<>(DOCUMENTED));
    }

    @Test
    void documentedMetricsAreExportedUnderThoseNames() {
        Set<String> exported = exportedNames(new Metrics().registry());
        Set<String> expected = new TreeSet<>(DOCUMENTED);
        expected.removeAll(REGISTERED_ELSEWHERE);
        assertThat(exported).as("names the proxy's registry exports").containsAll(expected);
    }

    @Test
    void promtoolAcceptsTheRulesAndTheirUnitTests() throws Exception {
        String promtool = promtool();
        assumeTrue(promtool != null, "promtool is not on PATH (Debian: apt-get install prometheus)");
        assertThat(run(Path.of("."), promtool, "check", "rules", ALERTS.toString())).contains("SUCCESS");
        assertThat(run(ALERT_TESTS.getParent(), promtool, "test", "rules", ALERT_TESTS.getFileName().toString()))
                .contains("SUCCESS");
    }

    @Test
    void promtoolParsesEveryDashboardQuery() throws Exception {
        String promtool = promtool();
        assumeTrue(promtool != null, "promtool is not on PATH (Debian: apt-get install prometheus)");
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int i = 0;
        for (String expr : dashboardExpressions().values()) {
            // Each query as a recording rule: promtool then parses it as PromQL.
            rules.append("      - record: dashboard:query_").append(i++).append("\n        expr: ")
                    .append(new ObjectMapper().writeValueAsString(PromQl.withoutGrafanaVariables(expr))).append('\n');
        }
        Path file = tmp.resolve("dashboard-queries.yml");
        Files.writeString(file, rules, StandardCharsets.UTF_8);
        assertThat(run(Path.of("."), promtool, "check", "rules", file.toString())).contains("SUCCESS: " + i + " rules");
    }

    /** Where → expression, for every query in both files. */
    private static Map<String, String> allExpressions() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode g : alerts().path("groups")) {
            for (JsonNode r : g.path("rules")) {
                out.put("alert " + r.path("alert").asText(), r.path("expr").asText());
            }
        }
        out.putAll(dashboardExpressions());
        return out;
    }

    private static Map<String, String> dashboardExpressions() throws IOException {
        JsonNode d = dashboard();
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode p : d.path("panels")) {
            for (JsonNode t : p.path("targets")) {
                out.put("panel " + p.path("title").asText() + " " + t.path("refId").asText(), t.path("expr").asText());
            }
        }
        for (JsonNode a : d.path("annotations").path("list")) {
            if (a.hasNonNull("expr")) {
                out.put("annotation " + a.path("name").asText(), a.path("expr").asText());
            }
        }
        for (JsonNode v : d.path("templating").path("list")) {
            Matcher m = LABEL_VALUES.matcher(v.path("definition").asText());
            if (m.matches()) {
                out.put("variable " + v.path("name").asText(), m.group(1));
            }
        }
        return out;
    }

    /** The sample names a scrape of the registry can hold, whether or not a series exists yet. */
    static Set<String> exportedNames(PrometheusRegistry registry) {
        Set<String> out = new TreeSet<>();
        for (MetricSnapshot s : registry.scrape()) {
            String name = s.getMetadata().getPrometheusName();
            if (s instanceof CounterSnapshot) {
                out.add(name + "_total");
            } else if (s instanceof HistogramSnapshot) {
                out.addAll(List.of(name + "_bucket", name + "_count", name + "_sum"));
            } else if (s instanceof InfoSnapshot) {
                out.add(name + "_info");
            } else if (s instanceof GaugeSnapshot) {
                out.add(name);
            }
        }
        return out;
    }

    private static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "promtool");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }
}
