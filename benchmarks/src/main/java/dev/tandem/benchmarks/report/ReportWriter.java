package dev.tandem.benchmarks.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link BenchResults} as a report into a directory: {@code index.html} (the run's description, a table of
 * ratios, per group a PNG percentile plot and a table), {@code summary.md} (the same tables in Markdown),
 * {@code results.json} (the metrics, flat, for {@code --compare}, and every histogram, HdrHistogram-encoded in
 * base64, to re-plot later) and the PNGs.
 * <p>
 * Threading: stateless, any thread.
 */
public final class ReportWriter
{
    /** The baseline each node-level Tandem series is divided by in the ratio table, and the floor. */
    static final String QUICKFIXJ = "quickfixj-filestore";
    static final String RAW_ECHO = "raw-echo";
    /** The switchover group: its other series are phases of its outage, not alternatives to compare it with. */
    static final String SWITCHOVER = "switchover";

    private ReportWriter()
    {
    }

    /** Writes the report into {@code dir} (created if needed); returns the path of {@code index.html}. */
    public static Path write(final BenchResults results, final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        System.setProperty("java.awt.headless", "true");
        final List<String> images = new ArrayList<>();
        for (final Map.Entry<String, BenchResults.Group> group : results.groups().entrySet())
        {
            final List<BenchResults.Series> series = results.series(group.getKey());
            final String png = group.getKey() + ".png";
            if (!series.isEmpty())
            {
                PercentilePlot.write(dir.resolve(png), group.getValue().title(), series);
            }
            images.add(series.isEmpty() ? null : png);
        }
        Files.writeString(dir.resolve("results.json"), json(results), StandardCharsets.UTF_8);
        final List<Table> tables = tables(results);
        Files.writeString(dir.resolve("summary.md"), markdown(results, tables), StandardCharsets.UTF_8);
        final Path index = dir.resolve("index.html");
        Files.writeString(index, html(results, tables, images), StandardCharsets.UTF_8);
        return index;
    }

    /** A titled table of text cells; the first row is the header. */
    record Table(String title, List<List<String>> rows)
    {
    }

    static List<Table> tables(final BenchResults results)
    {
        final List<Table> tables = new ArrayList<>();
        tables.add(ratios(results));
        for (final Map.Entry<String, BenchResults.Group> group : results.groups().entrySet())
        {
            final List<List<String>> rows = new ArrayList<>();
            final List<BenchResults.Series> series = results.series(group.getKey());
            if (series.isEmpty())
            {
                continue;
            }
            final String unit = series.get(0).unit();
            rows.add(List.of("", "p50 " + unit, "p90 " + unit, "p99 " + unit, "p99.9 " + unit, "max " + unit, "n"));
            for (final BenchResults.Series s : series)
            {
                rows.add(List.of(s.label(), number(s.at(50)), number(s.at(90)), number(s.at(99)), number(s.at(99.9)),
                    number(s.histogram().getMaxValue() / s.divisor()),
                    String.format(Locale.ROOT, "%,d", s.histogram().getTotalCount())));
            }
            tables.add(new Table(group.getValue().title(), rows));
        }
        final List<List<String>> cpu = new ArrayList<>();
        cpu.add(List.of("process", "idle CPU, % of one core"));
        final List<List<String>> throughput = new ArrayList<>();
        throughput.add(List.of("acceptor", "highest rate with p99 < 1 ms (orders/s)"));
        final List<List<String>> other = new ArrayList<>();
        other.add(List.of("metric", "value"));
        for (final Map.Entry<String, Double> metric : results.metrics().entrySet())
        {
            final String name = metric.getKey();
            if (name.startsWith("idle_cpu."))
            {
                cpu.add(List.of(name.substring("idle_cpu.".length()).replace("_pct", ""),
                    String.format(Locale.ROOT, "%.1f%%", metric.getValue())));
            }
            else if (name.startsWith("throughput_p99_under_1ms."))
            {
                throughput.add(List.of(name.substring("throughput_p99_under_1ms.".length())
                    .replace(".orders_per_sec", ""), metric.getValue() == 0 ? "none (< lowest rate tried)" :
                    String.format(Locale.ROOT, "%,.0f", metric.getValue())));
            }
            else if (name.startsWith("extra."))
            {
                other.add(List.of(name.substring("extra.".length()), number(metric.getValue())));
            }
        }
        if (cpu.size() > 1)
        {
            tables.add(new Table("Idle CPU per process (logged on, no traffic; from /proc/<pid>/stat)", cpu));
        }
        if (throughput.size() > 1)
        {
            tables.add(new Table("Throughput: highest offered rate with node-level p99 under 1 ms", throughput));
        }
        if (other.size() > 1)
        {
            tables.add(new Table("Other figures", other));
        }
        return tables;
    }

    /**
     * The ratio table: each Tandem series of a node-level group over QuickFIX/J and over the raw echo server, and
     * each non-baseline series of the other groups over the group's first (baseline) series, at p50, p99, p99.9.
     */
    private static Table ratios(final BenchResults results)
    {
        final List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("what", "over", "p50", "p99", "p99.9"));
        for (final String group : results.groups().keySet())
        {
            final List<BenchResults.Series> series = results.series(group);
            if (group.startsWith("node-"))
            {
                final BenchResults.Series qfj = results.find(group, QUICKFIXJ);
                final BenchResults.Series echo = results.find(group, RAW_ECHO);
                for (final BenchResults.Series s : series)
                {
                    if (!s.key().startsWith("tandem"))
                    {
                        continue;
                    }
                    final String what = s.label() + " @ " + group.substring("node-".length()) + "/s";
                    if (qfj != null)
                    {
                        rows.add(ratioRow(what, qfj, s));
                    }
                    if (echo != null)
                    {
                        rows.add(ratioRow(what, echo, s));
                    }
                }
            }
            else if (series.size() > 1 && !SWITCHOVER.equals(group))
            {
                final BenchResults.Series baseline = series.get(0);
                for (final BenchResults.Series s : series.subList(1, series.size()))
                {
                    rows.add(ratioRow(s.label(), baseline, s));
                }
            }
        }
        return new Table("Ratios (below 1: faster than what it is compared with)", rows);
    }

    private static List<String> ratioRow(final String what, final BenchResults.Series over,
        final BenchResults.Series s)
    {
        return List.of(what, over.label(), ratio(s, over, 50), ratio(s, over, 99), ratio(s, over, 99.9));
    }

    private static String ratio(final BenchResults.Series a, final BenchResults.Series b, final double percentile)
    {
        final double denominator = b.histogram().getValueAtPercentile(percentile);
        if (a.histogram().getTotalCount() == 0 || b.histogram().getTotalCount() == 0 || denominator == 0)
        {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2fx", a.histogram().getValueAtPercentile(percentile) / denominator);
    }

    private static String number(final double value)
    {
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String markdown(final BenchResults results, final List<Table> tables)
    {
        final StringBuilder md = new StringBuilder("# Tandem benchmark report\n\n");
        for (final Map.Entry<String, String> meta : results.meta().entrySet())
        {
            md.append("- **").append(meta.getKey()).append("**: ").append(meta.getValue().replace("\n", " ")).append('\n');
        }
        for (final String note : results.notes())
        {
            md.append("- NOTE: ").append(note).append('\n');
        }
        for (final Table table : tables)
        {
            md.append("\n## ").append(table.title()).append("\n\n");
            final List<List<String>> rows = table.rows();
            for (int r = 0; r < rows.size(); r++)
            {
                md.append("| ").append(String.join(" | ", rows.get(r))).append(" |\n");
                if (r == 0)
                {
                    md.append("|").append(" --- |".repeat(rows.get(0).size())).append('\n');
                }
            }
        }
        return md.toString();
    }

    private static String html(final BenchResults results, final List<Table> tables, final List<String> images)
    {
        final StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">" +
            "<title>Tandem benchmark report</title><style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}" +
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}" +
            "td:first-child,th:first-child{text-align:left}.note{color:#a00}pre{background:#f4f4f4;padding:6px;" +
            "white-space:pre-wrap}</style></head><body>\n<h1>Tandem benchmark report</h1>\n<table>\n");
        for (final Map.Entry<String, String> meta : results.meta().entrySet())
        {
            html.append("<tr><th>").append(escape(meta.getKey())).append("</th><td style=\"text-align:left\"><pre>")
                .append(escape(meta.getValue())).append("</pre></td></tr>\n");
        }
        html.append("</table>\n");
        for (final String note : results.notes())
        {
            html.append("<p class=\"note\">NOTE: ").append(escape(note)).append("</p>\n");
        }
        html.append(table(tables.get(0)));
        int image = 0;
        int tableIndex = 1;
        for (final Map.Entry<String, BenchResults.Group> group : results.groups().entrySet())
        {
            final String png = images.get(image++);
            html.append("<h2>").append(escape(group.getValue().title())).append("</h2>\n<p>")
                .append(escape(group.getValue().description())).append("</p>\n");
            if (png != null)
            {
                html.append("<img src=\"").append(png).append("\" alt=\"").append(escape(group.getValue().title()))
                    .append(": latency by percentile, log scales\" width=\"900\">\n");
                html.append(table(tables.get(tableIndex++)).replaceFirst("<h3>[^<]*</h3>", ""));
            }
            else
            {
                html.append("<p class=\"note\">not measured in this run</p>\n");
            }
        }
        for (; tableIndex < tables.size(); tableIndex++)
        {
            html.append(table(tables.get(tableIndex)).replace("<h3>", "<h2>").replace("</h3>", "</h2>"));
        }
        html.append("<p>The numbers are also in <a href=\"results.json\">results.json</a> (compare two runs with " +
            "<code>./tandem bench --compare old.json</code>) and <a href=\"summary.md\">summary.md</a>.</p>\n");
        html.append("</body></html>\n");
        return html.toString();
    }

    private static String table(final Table table)
    {
        final StringBuilder html = new StringBuilder("<h3>").append(escape(table.title())).append("</h3>\n<table>\n");
        final List<List<String>> rows = table.rows();
        for (int r = 0; r < rows.size(); r++)
        {
            final String cell = r == 0 ? "th" : "td";
            html.append("<tr>");
            for (final String value : rows.get(r))
            {
                html.append('<').append(cell).append('>').append(escape(value)).append("</").append(cell).append('>');
            }
            html.append("</tr>\n");
        }
        return html.append("</table>\n").toString();
    }

    static String json(final BenchResults results)
    {
        final StringBuilder json = new StringBuilder("{\n  \"meta\": {");
        String separator = "\n";
        for (final Map.Entry<String, String> meta : results.meta().entrySet())
        {
            json.append(separator).append("    ").append(quote(meta.getKey())).append(": ")
                .append(quote(meta.getValue()));
            separator = ",\n";
        }
        json.append("\n  },\n  \"notes\": [");
        separator = "\n";
        for (final String note : results.notes())
        {
            json.append(separator).append("    ").append(quote(note));
            separator = ",\n";
        }
        json.append("\n  ],\n  \"metrics\": {");
        separator = "\n";
        for (final Map.Entry<String, Double> metric : results.metrics().entrySet())
        {
            final double value = metric.getValue();
            json.append(separator).append("    ").append(quote(metric.getKey())).append(": ")
                .append(Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f", value) : "null");
            separator = ",\n";
        }
        json.append("\n  },\n  \"histograms\": {");
        separator = "\n";
        for (final BenchResults.Series s : results.series())
        {
            final ByteBuffer buffer = ByteBuffer.allocate(s.histogram().getNeededByteBufferCapacity());
            final int length = s.histogram().encodeIntoCompressedByteBuffer(buffer);
            json.append(separator).append("    ").append(quote(s.group() + "/" + s.key())).append(": ")
                .append(quote(Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length))));
            separator = ",\n";
        }
        return json.append("\n  }\n}\n").toString();
    }

    static String quote(final String text)
    {
        final StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
