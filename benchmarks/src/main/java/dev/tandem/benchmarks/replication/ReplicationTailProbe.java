package dev.tandem.benchmarks.replication;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.tandem.journal.ReleaseGate;
import org.HdrHistogram.Histogram;

/**
 * Where the tail of the acknowledged round trip comes from: the interleaved round trips of
 * {@link ReplicationLatencyHarness} (WaitForever, source on its own thread, blocking ping-pong in between), with each
 * round trip classified after it is timed (outside the timed window) by what happened in this JVM while it ran:
 * a page fault (minor or major, from {@code /proc/self/stat}: the journals are memory-mapped, so the first write to a
 * page of either journal faults), a garbage collection (the collectors' MXBean counts), both, or neither. Prints each
 * class's share and distribution, and which classes the samples above the overall p99 and p99.9 fall into.
 * Each round runs the journals without pretouching, then with it ({@code Journal#pretouch}), so both see the same
 * machine.
 * <pre>
 * java @tandem.args -cp benchmarks/target/benchmarks.jar dev.tandem.benchmarks.replication.ReplicationTailProbe \
 *     [iterations=50000] [strategy=WaitForever] [rounds=2]
 * </pre>
 * Add {@code -Djava.io.tmpdir=/dev/shm} to put both journals on tmpfs (cheaper faults than a disk file system's).
 * <p>
 * Threading: the main thread; the rig's agents on their own threads.
 */
public final class ReplicationTailProbe
{
    private static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(60);
    private static final String[] CLASSES = {"clean", "page fault", "gc", "page fault + gc"};

    private ReplicationTailProbe()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        final int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        final String strategy = args.length > 1 ? args[1] : "WaitForever";
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        for (int round = 1; round <= rounds; round++)
        {
            for (final boolean pretouch : new boolean[]{false, true})
            {
                System.out.printf(Locale.ROOT, "== round %d, journals' pretouch %s%n", round, pretouch ? "on" : "off");
                probe(iterations, strategy, pretouch);
            }
        }
    }

    private static void probe(final int iterations, final String strategy, final boolean pretouch) throws IOException
    {
        final List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
        final Histogram all = new Histogram(HIGHEST_NS, 3);
        final Histogram ping = new Histogram(HIGHEST_NS, 3);
        final Histogram[] byClass = new Histogram[CLASSES.length];
        for (int i = 0; i < byClass.length; i++)
        {
            byClass[i] = new Histogram(HIGHEST_NS, 3);
        }
        final long[] samples = new long[iterations];
        final byte[] classOf = new byte[iterations];
        try (ReplicationRig rig = new ReplicationRig(ReplicationLatencyHarness.strategy(strategy), "yield", false,
            pretouch);
            PingPong pingPong = new PingPong(ReplicationRoundTripBenchmark.FRAME_BYTES, false))
        {
            final ReleaseGate gate = rig.source.newReleaseGate();
            final java.util.Map<String, Long> threadFaultsBefore = threadFaults();
            long faults = faults();
            long collections = collections(gcs);
            for (int i = -iterations / 5; i < iterations; i++)
            {
                final long t0 = System.nanoTime();
                rig.appendUntilReleased(gate, t0);
                final long t1 = System.nanoTime();
                pingPong.roundTrip();
                final long t2 = System.nanoTime();
                // classified outside the timed window; the ping-pong ran in between, so a fault or GC counted here
                // may have hit the ping-pong instead: the attribution is an upper bound
                final long faultsNow = faults();
                final long collectionsNow = collections(gcs);
                final int cls = (faultsNow != faults ? 1 : 0) + (collectionsNow != collections ? 2 : 0);
                faults = faultsNow;
                collections = collectionsNow;
                if (i >= 0)
                {
                    final long value = Math.min(HIGHEST_NS, t1 - t0);
                    all.recordValue(value);
                    ping.recordValue(Math.min(HIGHEST_NS, t2 - t1));
                    byClass[cls].recordValue(value);
                    samples[i] = value;
                    classOf[i] = (byte)cls;
                }
            }
            final StringBuilder byThread = new StringBuilder("page faults by thread during the run:");
            threadFaults().forEach((thread, count) ->
            {
                final long delta = count - threadFaultsBefore.getOrDefault(thread, 0L);
                if (delta > 0)
                {
                    byThread.append(' ').append(thread).append('=').append(delta);
                }
            });
            System.out.println(byThread);
        }
        print("tcp ping-pong (blocking, interleaved)", ping, iterations);
        print(strategy + " acked round trip, all", all, iterations);
        for (int c = 0; c < CLASSES.length; c++)
        {
            print("  with " + CLASSES[c], byClass[c], iterations);
        }
        for (final double percentile : new double[]{99, 99.9})
        {
            final long threshold = all.getValueAtPercentile(percentile);
            final int[] counts = new int[CLASSES.length];
            int above = 0;
            for (int i = 0; i < iterations; i++)
            {
                if (samples[i] > threshold)
                {
                    counts[classOf[i]]++;
                    above++;
                }
            }
            final StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "above p%s (%.1f us), %d samples:", percentile, threshold / 1e3, above));
            for (int c = 0; c < CLASSES.length; c++)
            {
                line.append(String.format(Locale.ROOT, " %s %d", CLASSES[c], counts[c]));
            }
            System.out.println(line);
        }
    }

    private static void print(final String name, final Histogram histogram, final int iterations)
    {
        System.out.printf(Locale.ROOT, "%-40s %6.2f%%  p50 %8.1f us  p99 %8.1f us  p99.9 %9.1f us  max %9.1f us%n",
            name, 100.0 * histogram.getTotalCount() / iterations, histogram.getValueAtPercentile(50) / 1e3,
            histogram.getValueAtPercentile(99) / 1e3, histogram.getValueAtPercentile(99.9) / 1e3,
            histogram.getMaxValue() / 1e3);
    }

    /** Minor + major page faults of this process so far. */
    private static long faults() throws IOException
    {
        final String stat = Files.readString(Path.of("/proc/self/stat"));
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[10 - 3]) + Long.parseLong(fields[12 - 3]);
    }

    /** Minor + major page faults so far per thread of this process, by thread name (comm) and id. */
    private static java.util.Map<String, Long> threadFaults() throws IOException
    {
        final java.util.Map<String, Long> faults = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                try
                {
                    final String stat = Files.readString(task.resolve("stat"));
                    final String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    faults.put(name + "/" + task.getFileName(),
                        Long.parseLong(fields[10 - 3]) + Long.parseLong(fields[12 - 3]));
                }
                catch (final IOException ignore)
                {
                    // the thread ended
                }
            }
        }
        return faults;
    }

    private static long collections(final List<GarbageCollectorMXBean> gcs)
    {
        long count = 0;
        for (final GarbageCollectorMXBean gc : gcs)
        {
            count += gc.getCollectionCount();
        }
        return count;
    }
}
