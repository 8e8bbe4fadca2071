package dev.portcullis.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.vocab.Reason;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every metric the proxy exports is documented in the README's Admin listener {@code /metrics}
 * bullet, and everything documented there is exported: the README's list against the registry,
 * both ways, by the name a scrape shows ({@code _total} for counters, {@code _info} for info
 * metrics) and, where the README names labels, by label names too.
 */
class MetricsDocumentedTest {
    private static final Path README = Path.of("README.md");
    /** {@code portcullis_name} or {@code portcullis_name{label,label}} in the bullet's text. */
    private static final Pattern DOCUMENTED = Pattern.compile("(portcullis_[a-z0-9_]+)(\\{([a-z0-9_,]*)\\})?");

    private final Metrics metrics = new Metrics().withJvmMetrics();

    /** Creates every family the running proxy creates (some only on first use) and a series of each labelled one. */
    @BeforeEach
    void exercise() {
        metrics.blockedSources(() -> 0);
        Metrics.RouteMetrics route = metrics.forRoute("orders");
        route.record(Reason.ALLOWED, 0, 200, 1_000);
        route.upstreamResponded(1_000);
        route.upstreamError(Reason.UPSTREAM_TIMEOUT);
        route.dryRun(Reason.GROUP_DENIED);
        metrics.tokenCacheCounter().hit();
        metrics.jwksFetched("okta", true, 2);
        metrics.configLoaded("abc", true);
        metrics.clientTimeout(Metrics.ClientTimeout.HEADER);
        metrics.intrusionListener().alert(dev.portcullis.detect.IntrusionListener.AlertOutcome.DELIVERED);
        dev.portcullis.forward.UpstreamEvents upstream = metrics.upstreams().forRoute("orders");
        upstream.failed("http://10.0.0.1:80", dev.portcullis.forward.UpstreamEvents.Failure.CONNECT);
        upstream.ejected("http://10.0.0.1:80");
        upstream.retried();
        metrics.upstreams().upSource(sink -> sink.up("orders", "http://10.0.0.1:80", false));
        new OktaEventMetrics(metrics.registry(), () -> 0).delivery(Reason.OKTA_EVENT_HOOK); // made by Portcullis
        metrics.overlay().entries(() -> 3);
        metrics.overlay().applied(dev.portcullis.membership.DirectoryEvent.Type.MEMBERSHIP_REMOVE);
        SessionMetrics sessions = new SessionMetrics(metrics.registry(), () -> 2); // made by SessionSetup
        sessions.refreshed(dev.portcullis.session.SessionEvents.RefreshOutcome.REFRESHED);
        sessions.ended(dev.portcullis.session.SessionEnd.IDLE_TIMEOUT, 1);
        new SharedStateMetrics(metrics.registry()).failed(dev.portcullis.shared.SharedStateListener.Op.GET); // SharedSetup
        new FleetEventMetrics(metrics.registry(), () -> 0); // FleetEventsSetup
    }

    @Test
    void everyExportedPortcullisMetricIsInTheReadmeAndEveryDocumentedOneIsExported() throws IOException {
        Map<String, Set<String>> documented = documented(metricsBullet());
        Map<String, MetricSnapshot> exported = exported();

        assertThat(new TreeSet<>(documented.keySet())).as("the README's /metrics list (left) against the registry")
                .isEqualTo(new TreeSet<>(exported.keySet()));
    }

    @Test
    void theLabelsTheReadmeNamesAreTheLabelsExported() throws IOException {
        Map<String, Set<String>> documented = documented(metricsBullet());
        Map<String, MetricSnapshot> exported = exported();
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, MetricSnapshot> e : exported.entrySet()) {
            List<? extends DataPointSnapshot> points = e.getValue().getDataPoints();
            if (points.isEmpty() || !documented.containsKey(e.getKey())) {
                continue;
            }
            Set<String> labels = new TreeSet<>();
            points.get(0).getLabels().forEach(l -> labels.add(l.getName()));
            if (!labels.equals(documented.get(e.getKey()))) {
                wrong.add(e.getKey() + ": README " + documented.get(e.getKey()) + ", exported " + labels);
            }
            checked++;
        }
        assertThat(wrong).isEmpty();
        assertThat(checked).as("families with a series to compare").isGreaterThanOrEqualTo(15);
        assertThat(documented.get("portcullis_requests_total"))
                .containsExactlyInAnyOrder("route", "method", "decision", "reason", "status_class");
    }

    @Test
    void theJvmAndProcessFamiliesAreDocumentedAsAGroupAndExported() throws IOException {
        String bullet = metricsBullet();
        assertThat(bullet).contains("`jvm_*`", "`process_*`");

        Set<String> names = new TreeSet<>();
        metrics.registry().scrape().forEach(s -> names.add(s.getMetadata().getPrometheusName()));
        assertThat(names).anyMatch(n -> n.startsWith("jvm_memory_")).anyMatch(n -> n.startsWith("process_cpu_"));
        assertThat(names).as("every family is documented, by name or as a group")
                .allMatch(n -> n.startsWith("portcullis_") || n.startsWith("jvm_") || n.startsWith("process_"));
    }

    /** The README's {@code GET /metrics} bullet, up to the next bullet or blank line. */
    static String metricsBullet() throws IOException {
        List<String> lines = Files.readAllLines(README);
        StringBuilder out = new StringBuilder();
        boolean in = false;
        for (String line : lines) {
            if (line.startsWith("* `GET /metrics`")) {
                in = true;
            } else if (in && (line.isBlank() || line.startsWith("* ") || line.startsWith("#"))) {
                break;
            }
            if (in) {
                out.append(line).append('\n');
            }
        }
        assertThat(out).as("README's GET /metrics bullet").isNotEmpty();
        return out.toString();
    }

    /** Documented name → the label names given with it (empty when none are given). */
    private static Map<String, Set<String>> documented(String bullet) {
        Map<String, Set<String>> out = new TreeMap<>();
        Matcher m = DOCUMENTED.matcher(bullet);
        while (m.find()) {
            Set<String> labels = new TreeSet<>();
            if (m.group(3) != null && !m.group(3).isEmpty()) {
                labels.addAll(List.of(m.group(3).split(",")));
            }
            Set<String> before = out.putIfAbsent(m.group(1), labels);
            if (before != null && before.isEmpty()) {
                out.put(m.group(1), labels); // named again, now with its labels
            }
        }
        return out;
    }

    /** Exported name (as a scrape shows it) → its family, for the portcullis_ families. */
    private Map<String, MetricSnapshot> exported() {
        Map<String, MetricSnapshot> out = new TreeMap<>();
        for (MetricSnapshot s : metrics.registry().scrape()) {
            String name = s.getMetadata().getPrometheusName();
            if (!name.startsWith("portcullis_")) {
                continue;
            }
            if (s instanceof CounterSnapshot) {
                name += "_total";
            } else if (s instanceof InfoSnapshot) {
                name += "_info";
            }
            out.put(name, s);
        }
        return out;
    }
}
