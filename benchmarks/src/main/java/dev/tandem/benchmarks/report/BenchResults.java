package dev.tandem.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * What one benchmark invocation measured: latency distributions (HdrHistogram, nanoseconds) grouped by the plot they
 * belong on, named scalar metrics (idle CPU, highest rate under a bound, ...), and a description of the run (command,
 * machine). The {@link ReportWriter} turns it into JSON, PNG plots and an HTML page.
 * <p>
 * Threading: not thread safe; filled by one thread, then written.
 */
public final class BenchResults
{
    /**
     * One latency distribution.
     *
     * @param group the plot it belongs on (same axes as the others of its group), e.g. {@code node-5000}.
     * @param key a short stable name within the group, e.g. {@code tandem-pair-waitforever}.
     * @param label what it is, for people.
     * @param histogram the values in nanoseconds.
     * @param unit {@code us} or {@code ms}: how the report shows it.
     */
    public record Series(String group, String key, String label, Histogram histogram, String unit)
    {
        /** The divisor from nanoseconds to {@link #unit}. */
        public double divisor()
        {
            return "ms".equals(unit) ? 1e6 : 1e3;
        }

        /** The value at {@code percentile} in {@link #unit}. */
        public double at(final double percentile)
        {
            return histogram.getValueAtPercentile(percentile) / divisor();
        }
    }

    /**
     * A group's title and what it measures, for the report.
     *
     * @param title the heading of its plot and table.
     * @param description one paragraph on what was measured and how.
     */
    public record Group(String title, String description)
    {
    }

    private final Map<String, String> meta = new LinkedHashMap<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final List<Series> series = new ArrayList<>();
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    /** Describes the run: e.g. {@code command}, {@code machine}, {@code started}. Kept in insertion order. */
    public BenchResults meta(final String name, final String value)
    {
        meta.put(name, value);
        return this;
    }

    /** Declares a group (a plot) before its series are added; the report keeps this order. */
    public BenchResults group(final String group, final String title, final String description)
    {
        groups.put(group, new Group(title, description));
        return this;
    }

    /** Adds a distribution, and its p50/p90/p99/p99.9/max/count as metrics {@code group.key.p50_us}, .... */
    public BenchResults series(final String group, final String key, final String label, final Histogram histogram,
        final String unit)
    {
        if (!groups.containsKey(group))
        {
            throw new IllegalArgumentException("group " + group + " was not declared");
        }
        final Series added = new Series(group, key, label, histogram, unit);
        series.add(added);
        final String prefix = group + "." + key + ".";
        metric(prefix + "p50_" + unit, added.at(50));
        metric(prefix + "p90_" + unit, added.at(90));
        metric(prefix + "p99_" + unit, added.at(99));
        metric(prefix + "p99_9_" + unit, added.at(99.9));
        metric(prefix + "max_" + unit, histogram.getMaxValue() / added.divisor());
        metric(prefix + "count", histogram.getTotalCount());
        return this;
    }

    /** Records a scalar, e.g. {@code idle_cpu.tandem-node.node_pct}. */
    public BenchResults metric(final String name, final double value)
    {
        metrics.put(name, value);
        return this;
    }

    /** A line the report shows under its header (a warning, a run that did not complete). */
    public BenchResults note(final String note)
    {
        notes.add(note);
        return this;
    }

    public Map<String, String> meta()
    {
        return meta;
    }

    public Map<String, Group> groups()
    {
        return groups;
    }

    public List<Series> series()
    {
        return series;
    }

    /** The series of one group, in the order they were added. */
    public List<Series> series(final String group)
    {
        final List<Series> result = new ArrayList<>();
        for (final Series s : series)
        {
            if (s.group().equals(group))
            {
                result.add(s);
            }
        }
        return result;
    }

    /** The series {@code key} of {@code group}, or null. */
    public Series find(final String group, final String key)
    {
        for (final Series s : series)
        {
            if (s.group().equals(group) && s.key().equals(key))
            {
                return s;
            }
        }
        return null;
    }

    public Map<String, Double> metrics()
    {
        return metrics;
    }

    public List<String> notes()
    {
        return notes;
    }
}
