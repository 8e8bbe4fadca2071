import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Turns bench/scale/scale.sh's results.tsv into report.md, a self-contained report.html (inline
 * SVG line charts, no scripts) and, for gnuplot, charts.gp plus one data file per curve.
 * Plain JDK, single-file: {@code java bench/scale/Report.java RESULTS_DIR}.
 *
 * <p>Points whose status is not {@code ok} are never drawn as measurements: the line skips them
 * and a red cross on the x axis marks where they were.
 */
public final class Report {
    record Row(String curve, double x, String label, int conns, long requests, double rps, double p50, double p99,
            double cpu, double rss, long non2xx, long sockErr, String hitRate, String hitSource, String readyS,
            String status, double cpuAll, String upstreamConnects) {
        boolean ok() {
            return status.equals("ok");
        }
    }

    record Curve(String id, String title, String xName) {
    }

    static final List<Curve> CURVES = List.of(
            new Curve("a", "(a) routes in the config", "routes"),
            new Curve("b", "(b) groups per token", "groups"),
            new Curve("c", "(c) distinct tokens (random pick per request)", "distinct tokens"),
            new Curve("d", "(d) concurrent connections", "connections"),
            new Curve("e", "(e) 10 routes × 5-group token → 10,000 routes × 100-group token", "routes"));

    record Metric(String name, String unit, ToDoubleFunction<Row> value) {
    }

    static final List<Metric> METRICS = List.of(
            new Metric("throughput", "requests/s", Row::rps),
            new Metric("p99 latency", "ms", Row::p99),
            new Metric("proxy CPU per request, JIT excluded", "µs", Row::cpu));

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        List<String> lines = Files.readAllLines(dir.resolve("results.tsv"), StandardCharsets.UTF_8);
        Map<String, String> meta = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("#")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    meta.put(line.substring(1, eq).trim(), line.substring(eq + 1).trim());
                }
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f[0].equals("curve") || f.length < 16) {
                continue;
            }
            rows.add(new Row(f[0], num(f[1]), f[2], (int) num(f[3]), (long) num(f[4]), num(f[5]), num(f[6]),
                    num(f[7]), num(f[8]), num(f[9]), (long) num(f[10]), (long) num(f[11]), f[12], f[13], f[14], f[15],
                    f.length > 16 ? num(f[16]) : Double.NaN, f.length > 17 ? f[17] : "-"));
        }
        Files.writeString(dir.resolve("report.md"), markdown(rows, meta), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), html(rows, meta), StandardCharsets.UTF_8);
        gnuplot(dir, rows);
    }

    static double num(String s) {
        try {
            return s.isEmpty() || s.equals("-") ? Double.NaN : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static List<Row> of(List<Row> rows, String curve) {
        return rows.stream().filter(r -> r.curve().equals(curve)).toList();
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    static String xLabel(double x) {
        return x == Math.rint(x) ? String.format(Locale.ROOT, "%,.0f", x) : fmt(x);
    }

    // ---------------------------------------------------------------- markdown

    static String markdown(List<Row> rows, Map<String, String> meta) {
        StringBuilder md = new StringBuilder();
        md.append("# Portcullis scale curves, ").append(meta.getOrDefault("date", "")).append("\n\n");
        meta.forEach((k, v) -> {
            if (!k.equals("date")) {
                md.append("- ").append(k).append(": ").append(v).append('\n');
            }
        });
        md.append('\n');
        for (Curve c : CURVES) {
            List<Row> rs = of(rows, c.id());
            if (rs.isEmpty()) {
                continue;
            }
            md.append("## ").append(c.title()).append("\n\n");
            md.append("| ").append(c.xName()).append(" | conns | requests | rps | p50 ms | p99 ms | CPU µs/req | with JIT | RSS MiB")
                    .append(c.id().equals("c") ? " | cache hit rate | source" : "")
                    .append(c.id().equals("a") ? " | proxy ready s" : "").append(" | upstream connects | status |\n");
            md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:")
                    .append(c.id().equals("c") ? "|---:|---" : "").append(c.id().equals("a") ? "|---:" : "")
                    .append("|---:|---|\n");
            List<Row> all = new ArrayList<>(rs);
            all.addAll(of(rows, c.id() + "-ref"));
            for (Row r : all) {
                md.append("| ").append(r.label()).append(" | ").append(r.conns()).append(" | ").append(r.requests())
                        .append(" | ").append(fmt(r.rps())).append(" | ").append(fmt(r.p50())).append(" | ")
                        .append(fmt(r.p99())).append(" | ").append(fmt(r.cpu())).append(" | ").append(fmt(r.cpuAll()))
                        .append(" | ").append(fmt(r.rss()));
                if (c.id().equals("c")) {
                    md.append(" | ").append(r.hitRate()).append(" | ").append(r.hitSource());
                }
                if (c.id().equals("a")) {
                    md.append(" | ").append(r.readyS());
                }
                md.append(" | ").append(r.upstreamConnects()).append(" | ").append(r.status()).append(" |\n");
            }
            md.append('\n').append(growth(c, rs)).append("\n\n");
        }
        return md.toString();
    }

    /** First valid point to last valid point, per metric. */
    static String growth(Curve c, List<Row> rs) {
        List<Row> ok = rs.stream().filter(Row::ok).toList();
        if (ok.size() < 2) {
            return "Growth: not enough valid points.";
        }
        Row a = ok.get(0);
        Row b = ok.get(ok.size() - 1);
        StringBuilder s = new StringBuilder("Growth from ").append(a.label()).append(" to ").append(b.label())
                .append(' ').append(c.xName()).append(": ");
        List<String> parts = new ArrayList<>();
        for (Metric m : METRICS) {
            double va = m.value().applyAsDouble(a);
            double vb = m.value().applyAsDouble(b);
            parts.add(m.name() + " " + fmt(va) + " → " + fmt(vb) + " " + m.unit() + " (×"
                    + String.format(Locale.ROOT, "%.2f", vb / va) + ")");
        }
        return s.append(String.join("; ", parts)).append('.').toString();
    }

    // ---------------------------------------------------------------- html + svg

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String html(List<Row> rows, Map<String, String> meta) {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Portcullis scale curves</title><style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}")
                .append("h1{font-size:22px}h2{font-size:18px;margin-top:32px}")
                .append("table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;")
                .append("text-align:right}th{background:#f4f4f4}td.bad{color:#c00;text-align:left}")
                .append("td.ok{color:#070;text-align:left}.charts{display:flex;flex-wrap:wrap;gap:12px}")
                .append("svg{background:#fff;border:1px solid #ddd}.meta{color:#555}.growth{color:#333}")
                .append("</style></head><body>\n");
        h.append("<h1>Portcullis scale curves</h1>\n<ul class=\"meta\">");
        meta.forEach((k, v) -> h.append("<li>").append(esc(k)).append(": ").append(esc(v)).append("</li>"));
        h.append("</ul>\n<p>Invalid points (unexpected statuses or socket errors) are marked with a red ✕ on the x ")
                .append("axis and never drawn as measurements. Absolute numbers depend on what else the 2-core ")
                .append("machine was doing; the shape of each curve and CPU µs per request are the result.</p>\n");
        for (Curve c : CURVES) {
            List<Row> rs = of(rows, c.id());
            if (rs.isEmpty()) {
                continue;
            }
            List<Row> refs = of(rows, c.id() + "-ref");
            h.append("<h2>").append(esc(c.title())).append("</h2>\n<div class=\"charts\">");
            for (Metric m : METRICS) {
                h.append(svg(c, m, rs, refs));
            }
            h.append("</div>\n<table><tr><th>").append(esc(c.xName()))
                    .append("</th><th>conns</th><th>requests</th><th>rps</th><th>p50 ms</th><th>p99 ms</th>")
                    .append("<th>CPU µs/req</th><th>with JIT</th><th>RSS MiB</th>")
                    .append(c.id().equals("c") ? "<th>cache hit rate</th><th>source</th>" : "")
                    .append(c.id().equals("a") ? "<th>proxy ready s</th>" : "")
                    .append("<th>upstream connects</th><th>status</th></tr>\n");
            List<Row> all = new ArrayList<>(rs);
            all.addAll(refs);
            for (Row r : all) {
                h.append("<tr><td>").append(esc(r.label())).append("</td><td>").append(r.conns()).append("</td><td>")
                        .append(r.requests()).append("</td><td>").append(fmt(r.rps())).append("</td><td>")
                        .append(fmt(r.p50())).append("</td><td>").append(fmt(r.p99())).append("</td><td>")
                        .append(fmt(r.cpu())).append("</td><td>").append(fmt(r.cpuAll())).append("</td><td>")
                        .append(fmt(r.rss())).append("</td>");
                if (c.id().equals("c")) {
                    h.append("<td>").append(esc(r.hitRate())).append("</td><td>").append(esc(r.hitSource()))
                            .append("</td>");
                }
                if (c.id().equals("a")) {
                    h.append("<td>").append(esc(r.readyS())).append("</td>");
                }
                h.append("<td>").append(esc(r.upstreamConnects())).append("</td>");
                h.append("<td class=\"").append(r.ok() ? "ok" : "bad").append("\">").append(esc(r.status()))
                        .append("</td></tr>\n");
            }
            h.append("</table>\n<p class=\"growth\">").append(esc(growth(c, rs))).append("</p>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    /** One line chart: log x, linear y from 0, valid points joined, invalid ones crossed on the axis. */
    static String svg(Curve c, Metric m, List<Row> rs, List<Row> refs) {
        int w = 440, hgt = 280, left = 64, right = 16, top = 30, bottom = 48;
        int pw = w - left - right, ph = hgt - top - bottom;
        double xmin = rs.stream().mapToDouble(Row::x).min().orElse(1);
        double xmax = rs.stream().mapToDouble(Row::x).max().orElse(10);
        double lmin = Math.log10(Math.max(xmin, 1e-9));
        double lmax = Math.log10(Math.max(xmax, xmin * 10));
        double ymax = 0;
        for (Row r : rs) {
            if (r.ok() && !Double.isNaN(m.value().applyAsDouble(r))) {
                ymax = Math.max(ymax, m.value().applyAsDouble(r));
            }
        }
        for (Row r : refs) {
            if (r.ok() && !Double.isNaN(m.value().applyAsDouble(r))) {
                ymax = Math.max(ymax, m.value().applyAsDouble(r));
            }
        }
        ymax = niceCeil(ymax <= 0 ? 1 : ymax * 1.1);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\">", w, hgt, w, hgt));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s (%s)</text>",
                left, esc(m.name()), esc(m.unit())));
        // grid and y ticks
        for (int i = 0; i <= 4; i++) {
            double yv = ymax * i / 4;
            double y = top + ph - ph * i / 4.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>",
                    left, y, left + pw, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>",
                    left - 6, y + 4, yv == Math.rint(yv) ? xLabel(yv) : fmt(yv)));
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>",
                left, top, pw, ph));
        // x ticks at the measured x values
        for (Row r : rs) {
            double x = xpos(r.x(), lmin, lmax, left, pw);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>",
                    x, top + ph, x, top + ph + 4));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                    x, top + ph + 16, esc(xLabel(r.x()))));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s (log scale)</text>",
                left + pw / 2, hgt - 8, esc(c.xName())));
        // reference lines (e.g. token cache off)
        for (Row r : refs) {
            double v = m.value().applyAsDouble(r);
            if (!r.ok() || Double.isNaN(v)) {
                continue;
            }
            double y = top + ph - ph * v / ymax;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d62\" "
                    + "stroke-dasharray=\"5,4\"/><text x=\"%d\" y=\"%.1f\" font-size=\"10\" fill=\"#d62\">%s: %s</text>",
                    left, y, left + pw, y, left + 4, y - 3, esc(r.label()), fmt(v)));
        }
        // the line through valid points; a gap where a point is invalid
        StringBuilder path = new StringBuilder();
        boolean pen = false;
        for (Row r : rs) {
            double v = m.value().applyAsDouble(r);
            if (!r.ok() || Double.isNaN(v)) {
                pen = false;
                continue;
            }
            path.append(pen ? " L" : " M").append(String.format(Locale.ROOT, "%.1f %.1f",
                    xpos(r.x(), lmin, lmax, left, pw), top + ph - ph * v / ymax));
            pen = true;
        }
        if (path.length() > 0) {
            s.append("<path d=\"").append(path.toString().trim()).append("\" fill=\"none\" stroke=\"#1f6fb4\" stroke-width=\"2\"/>");
        }
        for (Row r : rs) {
            double x = xpos(r.x(), lmin, lmax, left, pw);
            double v = m.value().applyAsDouble(r);
            if (r.ok() && !Double.isNaN(v)) {
                double y = top + ph - ph * v / ymax;
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#1f6fb4\">"
                        + "<title>%s %s: %s %s</title></circle>", x, y, esc(r.label()), esc(c.xName()), fmt(v),
                        esc(m.unit())));
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\" "
                        + "fill=\"#1f6fb4\">%s</text>", x, y - 8, fmt(v)));
            } else {
                double y = top + ph;
                s.append(String.format(Locale.ROOT, "<g stroke=\"#c00\" stroke-width=\"2\"><line x1=\"%.1f\" y1=\"%.1f\" "
                        + "x2=\"%.1f\" y2=\"%.1f\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                        + "<title>%s: %s</title></g>", x - 5, y - 5, x + 5, y + 5, x - 5, y + 5, x + 5, y - 5,
                        esc(r.label()), esc(r.status())));
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\" "
                        + "fill=\"#c00\">invalid</text>", x, y - 9));
            }
        }
        return s.append("</svg>").toString();
    }

    static double xpos(double x, double lmin, double lmax, int left, int pw) {
        double pad = 0.06;
        double f = (Math.log10(Math.max(x, 1e-9)) - lmin) / (lmax - lmin);
        return left + pw * (pad + f * (1 - 2 * pad));
    }

    static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    // ---------------------------------------------------------------- gnuplot

    static void gnuplot(Path dir, List<Row> rows) throws IOException {
        StringBuilder gp = new StringBuilder();
        gp.append("set terminal pngcairo size 1500,1875 font 'sans,10'\nset output 'report.png'\n")
                .append("set multiplot layout 5,3 title 'Portcullis scale curves (invalid points omitted)'\n")
                .append("set logscale x\nset yrange [0:*]\nset grid\nset key off\nset datafile missing 'NaN'\n");
        for (Curve c : CURVES) {
            List<Row> rs = of(rows, c.id());
            StringBuilder dat = new StringBuilder("# x rps p99_ms cpu_us (NaN: invalid point)\n");
            for (Row r : rs) {
                dat.append(String.format(Locale.ROOT, "%s %s %s %s%n", r.x(), r.ok() ? r.rps() : "NaN",
                        r.ok() ? r.p99() : "NaN", r.ok() ? r.cpu() : "NaN"));
            }
            Files.writeString(dir.resolve("curve_" + c.id() + ".dat"), dat.toString(), StandardCharsets.UTF_8);
            int col = 2;
            for (Metric m : METRICS) {
                String shortName = m.unit().equals("µs") ? "CPU µs/request (JIT excluded)" : m.name() + " (" + m.unit() + ")";
                gp.append("set title \"(").append(c.id()).append(") ").append(c.xName()).append(": ").append(shortName)
                        .append("\"\nset xlabel '").append(c.xName()).append("'\n")
                        .append("plot 'curve_").append(c.id()).append(".dat' using 1:").append(col)
                        .append(" with linespoints lw 2 pt 7\n");
                col++;
            }
        }
        gp.append("unset multiplot\n");
        Files.writeString(dir.resolve("charts.gp"), gp.toString(), StandardCharsets.UTF_8);
    }
}
