package dev.tandem.benchmarks.session;

import java.util.Locale;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * Session round-trip latency on loopback at a fixed rate, Tandem beside QuickFIX/J 3.0.0 in the same run: an
 * initiator sends NewOrderSingles, the acceptor echoes them, and each round trip is timed from its intended send time
 * with HdrHistogram (coordinated omission corrected). Tandem journals both ends to Chronicle Queue; QuickFIX/J uses
 * FileStores.
 * <p>
 * Run from the shaded jar, with Tandem's JVM flags:
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tandem.journal.JvmOptions &gt; tandem.args
 * java @tandem.args -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
 *   -cp benchmarks/target/benchmarks.jar dev.tandem.benchmarks.session.SessionRoundTripBenchmark \
 *   [ratePerSec=2000] [warmupSec=5] [measureSec=10] [idle=backoff|default|yield|busy, or shared-&lt;idle&gt;]
 * </pre>
 * ({@code tandem.args} holds Tandem's JVM flags for the running Java, one per line; {@code ./tandem jvm-options}
 * prints the same.)
 * The idle strategy applies to Tandem's two duty-cycle threads: {@code backoff} spins, yields, then parks up to
 * 50 us when idle; {@code default} is the engine's default (parks up to 1 ms, adding up to a millisecond per hop);
 * {@code yield} and {@code busy} trade CPU for latency (on a busy 2-core machine they make it worse).
 * <p>
 * Both engines keep their stores under {@code java.io.tmpdir}: add {@code -Djava.io.tmpdir=/dev/shm} to take the
 * disk out of the measurement (the first write to each page of a memory-mapped journal file takes a page fault, which
 * on a disk-backed file system can add to the tail). On a shared machine the tails mostly follow the machine's load:
 * report the load average beside the figures.
 */
public final class SessionRoundTripBenchmark
{
    private SessionRoundTripBenchmark()
    {
    }

    /**
     * Runs Tandem, then QuickFIX/J, and prints both distributions.
     *
     * @param args rate per second, warm-up seconds, measured seconds, idle strategy; all optional.
     */
    public static void main(final String[] args) throws Exception
    {
        final int ratePerSec = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        final int warmupSec = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final int measureSec = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        final String idle = args.length > 3 ? args[3] : "backoff";
        if (ratePerSec <= 0 || ratePerSec > 1_000_000)
        {
            throw new IllegalArgumentException("ratePerSec must be in 1..1000000, was " + ratePerSec);
        }
        if (warmupSec < 0 || measureSec <= 0)
        {
            throw new IllegalArgumentException("warmupSec must be >= 0 and measureSec > 0, were " + warmupSec +
                " and " + measureSec);
        }
        final long intervalNs = 1_000_000_000L / ratePerSec;
        final int warmup = ratePerSec * warmupSec;
        final int total = warmup + ratePerSec * measureSec;

        System.out.printf(Locale.ROOT, "session round trip: %,d msg/s, %d s warm-up, %d s measured, Tandem idle=%s%n",
            ratePerSec, warmupSec, measureSec, idle);
        // "shared-<idle>": the acceptor and the initiator on one duty-cycle thread
        final boolean sharedThread = idle.startsWith("shared-");
        final String idleName = sharedThread ? idle.substring("shared-".length()) : idle;
        final RoundTripRecorder tandem = TandemRoundTrip.run(new RoundTripRecorder(intervalNs, warmup, total),
            idleStrategy(idleName), idleStrategy(idleName), sharedThread);
        print("Tandem (Chronicle journal)", tandem.histogram());
        final RoundTripRecorder quickFixJ = QuickFixJRoundTrip.run(new RoundTripRecorder(intervalNs, warmup, total));
        print("QuickFIX/J 3.0.0 (FileStore)", quickFixJ.histogram());
        System.exit(0);
    }

    private static IdleStrategy idleStrategy(final String name)
    {
        switch (name)
        {
            case "default":
                return new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
            case "backoff":
                return new BackoffIdleStrategy(100, 10, 1_000, 50_000);
            case "yield":
                return new YieldingIdleStrategy();
            case "busy":
                return new BusySpinIdleStrategy();
            default:
                throw new IllegalArgumentException("idle must be backoff, default, yield or busy, was " + name);
        }
    }

    private static void print(final String name, final Histogram histogram)
    {
        System.out.printf(Locale.ROOT,
            "%-30s n=%,d  p50=%,.1f us  p90=%,.1f us  p99=%,.1f us  p99.9=%,.1f us  max=%,.1f us%n",
            name, histogram.getTotalCount(), us(histogram, 50), us(histogram, 90), us(histogram, 99),
            us(histogram, 99.9), histogram.getMaxValue() / 1_000.0);
    }

    private static double us(final Histogram histogram, final double percentile)
    {
        return histogram.getValueAtPercentile(percentile) / 1_000.0;
    }
}
