package dev.tandem.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A latency-by-percentile plot in the HdrHistogram style, drawn with JFreeChart: the x axis is the percentile on a
 * log scale of {@code 1 / (1 - p)} (so 90%, 99%, 99.9%, 99.99% are evenly spaced), the y axis the latency on a log
 * scale; every series of a group on the same axes.
 * <p>
 * Threading: stateless, any thread (JFreeChart renders off screen; run with {@code java.awt.headless=true}).
 */
final class PercentilePlot
{
    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    /** The curve stops at this percentile: beyond it a short run has one or two samples. */
    private static final double LAST_PERCENTILE = 99.999;
    private static final Color[] COLORS = {
        new Color(0xD62728), new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0x7F7F7F),
        new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x17BECF), new Color(0xBCBD22)};

    private PercentilePlot()
    {
    }

    /** Writes a PNG of {@code series} (all of one group) to {@code file}. */
    static void write(final Path file, final String title, final List<BenchResults.Series> series)
        throws IOException
    {
        final XYSeriesCollection dataset = new XYSeriesCollection();
        String unit = "us";
        for (final BenchResults.Series s : series)
        {
            unit = s.unit();
            dataset.addSeries(curve(s));
        }
        final LogAxis x = new LogAxis("percentile");
        x.setBase(10);
        x.setTickUnit(new NumberTickUnit(1));
        x.setNumberFormatOverride(new PercentileFormat());
        x.setRange(1, 1 / (1 - LAST_PERCENTILE / 100));
        x.setMinorTickCount(0);
        final LogAxis y = new LogAxis("latency (" + ("us".equals(unit) ? "µs" : unit) + ", log scale)");
        y.setBase(10);
        y.setTickUnit(new NumberTickUnit(1));
        y.setMinorTickCount(9);
        y.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
        y.setSmallestValue(1e-3);
        final XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < series.size(); i++)
        {
            renderer.setSeriesPaint(i, COLORS[i % COLORS.length]);
            renderer.setSeriesStroke(i, new BasicStroke(i == 0 ? 3.0f : 2.0f));
        }
        final XYPlot plot = new XYPlot(dataset, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        final JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    private static XYSeries curve(final BenchResults.Series s)
    {
        final XYSeries curve = new XYSeries(s.label(), false, true);
        final Histogram histogram = s.histogram();
        if (histogram.getTotalCount() == 0)
        {
            return curve;
        }
        for (final HistogramIterationValue value : histogram.percentiles(5))
        {
            final double percentile = value.getPercentileLevelIteratedTo();
            if (percentile > LAST_PERCENTILE)
            {
                break;
            }
            curve.add(1 / (1 - percentile / 100), Math.max(1e-3, value.getValueIteratedTo() / s.divisor()));
        }
        curve.add(1 / (1 - LAST_PERCENTILE / 100), Math.max(1e-3, histogram.getMaxValue() / s.divisor()));
        return curve;
    }

    /** Labels 10^k on the x axis as the percentile it stands for: 1 → 0%, 10 → 90%, 100 → 99%, .... */
    private static final class PercentileFormat extends NumberFormat
    {
        private static final long serialVersionUID = 1L;

        @Override
        public StringBuffer format(final double number, final StringBuffer toAppendTo, final FieldPosition pos)
        {
            final double percentile = 100 * (1 - 1 / number);
            if (percentile < 0.5)
            {
                return toAppendTo.append("0%");
            }
            final int decimals = Math.max(0, (int)Math.round(Math.log10(number)) - 2);
            return toAppendTo.append(String.format(java.util.Locale.ROOT, "%." + decimals + "f%%", percentile));
        }

        @Override
        public StringBuffer format(final long number, final StringBuffer toAppendTo, final FieldPosition pos)
        {
            return format((double)number, toAppendTo, pos);
        }

        @Override
        public Number parse(final String source, final ParsePosition parsePosition)
        {
            throw new UnsupportedOperationException("labels only");
        }
    }
}
