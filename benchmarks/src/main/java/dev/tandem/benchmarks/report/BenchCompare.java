package dev.tandem.benchmarks.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares the metrics of two {@code results.json} files written by {@link ReportWriter}: one line per metric in
 * either, old value, new value and the change in percent ({@code ./tandem bench --compare old.json}). Latency and idle
 * CPU are better lower, the throughput search's rate better higher: the line says which way it moved. It reads only
 * the flat {@code "metrics"} object (name to number), which is the part {@link ReportWriter} keeps stable.
 * <p>
 * Threading: stateless, any thread.
 */
public final class BenchCompare
{
    private static final Pattern ENTRY = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"\\s*:\\s*(-?[0-9.eE+-]+|null)");

    private BenchCompare()
    {
    }

    /** Reads the {@code "metrics"} object of a results file; fails loudly when there is none. */
    public static Map<String, Double> metrics(final Path file) throws IOException
    {
        final String json = Files.readString(file, StandardCharsets.UTF_8);
        final int start = json.indexOf("\"metrics\"");
        if (start < 0)
        {
            throw new IllegalArgumentException(file + " has no \"metrics\" object: not a results.json of ./tandem " +
                "bench");
        }
        final int open = json.indexOf('{', start);
        final int close = json.indexOf('}', open);
        final Map<String, Double> metrics = new LinkedHashMap<>();
        final Matcher matcher = ENTRY.matcher(json.substring(open + 1, close));
        while (matcher.find())
        {
            metrics.put(matcher.group(1), "null".equals(matcher.group(2)) ? Double.NaN :
                Double.parseDouble(matcher.group(2)));
        }
        return metrics;
    }

    /** Prints the differences between {@code oldFile} and {@code newFile}; returns how many metrics both have. */
    public static int print(final Path oldFile, final Path newFile, final PrintStream out) throws IOException
    {
        final Map<String, Double> before = metrics(oldFile);
        final Map<String, Double> after = metrics(newFile);
        out.printf(Locale.ROOT, "comparing %s (old) with %s (new)%n", oldFile, newFile);
        out.printf(Locale.ROOT, "%-72s %14s %14s %9s%n", "metric", "old", "new", "change");
        int both = 0;
        for (final Map.Entry<String, Double> entry : after.entrySet())
        {
            final Double old = before.get(entry.getKey());
            if (old == null)
            {
                out.printf(Locale.ROOT, "%-72s %14s %14.1f %9s%n", entry.getKey(), "-", entry.getValue(), "new");
                continue;
            }
            both++;
            final double value = entry.getValue();
            final String change = old == 0 || !Double.isFinite(old) || !Double.isFinite(value) ? "-" :
                String.format(Locale.ROOT, "%+.1f%%", 100 * (value - old) / old);
            out.printf(Locale.ROOT, "%-72s %14.1f %14.1f %9s%s%n", entry.getKey(), old, value, change,
                verdict(entry.getKey(), old, value));
        }
        for (final String name : before.keySet())
        {
            if (!after.containsKey(name))
            {
                out.printf(Locale.ROOT, "%-72s %14.1f %14s %9s%n", name, before.get(name), "-", "gone");
            }
        }
        return both;
    }

    /** " better" or " worse" when a latency, CPU or rate metric moved by more than 10%. */
    private static String verdict(final String name, final double old, final double value)
    {
        if (name.endsWith(".count") || old == 0 || Math.abs(value - old) / Math.abs(old) <= 0.10)
        {
            return "";
        }
        final boolean higherIsBetter = name.startsWith("throughput_");
        return (value > old) == higherIsBetter ? "  better" : "  worse";
    }
}
