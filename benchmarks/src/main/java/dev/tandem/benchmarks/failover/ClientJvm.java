package dev.tandem.benchmarks.failover;

import dev.tandem.benchmarks.node.ChildProcess;
import dev.tandem.journal.JvmOptions;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the client side of the failover and switchover harnesses (Tandem's initiator, its order flow and the
 * bookkeeping) in a JVM of its own, for {@code ./tandem bench}, whose own JVM also runs the in-process benchmarks.
 * <p>
 * Why a JVM of its own, and why {@link #CLIENT_JIT C1 only}: the client stands for a counterparty, which runs on
 * another host. On a small host that runs the client beside both nodes, the client's C2 compiler recompiles the
 * initiator's reconnect path exactly when a failover or switchover happens (code its steady state never took), and
 * takes a core from the nodes whose outage is measured. Measured on the 2-core build machine on 2026-12-03 (eight
 * alternated rounds of {@code SwitchoverTimeHarness --runs 3}): the first switchover 79.6 ms on average with the
 * client on C2, 66.8 with it on C1; the second 51.5 and 38.9. C1's code is slower than C2's, so whatever the client
 * itself adds to an outage is, if anything, overstated.
 * <p>
 * Protocol: the child is the harness's own {@code main} with {@code --histograms true}; it prints its usual lines,
 * which are passed through, and then one {@code HISTOGRAM name base64} line per distribution (HdrHistogram's
 * compressed encoding) and {@code RESULT key value} lines.
 * <p>
 * Threading: {@link #run} on the calling thread, the child's output read on its pump's ({@link ChildProcess}).
 */
final class ClientJvm
{
    /** The client's JIT: C1 only (see the class comment). */
    static final List<String> CLIENT_JIT = List.of("-XX:TieredStopAtLevel=1");

    private static final String HISTOGRAM = "HISTOGRAM ";
    private static final String RESULT = "RESULT ";

    /** What the child printed for the parent. */
    record Output(Map<String, Histogram> histograms, Map<String, String> results)
    {
        Histogram histogram(final String name)
        {
            final Histogram histogram = histograms.get(name);
            if (histogram == null)
            {
                throw new IllegalStateException("the client JVM printed no histogram '" + name + "'");
            }
            return histogram;
        }
    }

    private ClientJvm()
    {
    }

    /**
     * Runs {@code main} with {@code args} (and {@code --histograms true}) in a new JVM with Tandem's JVM flags and
     * {@link #CLIENT_JIT}, for at most {@code timeoutMs}.
     *
     * @throws IllegalStateException when it fails, times out (it is killed then), or prints no result.
     */
    static Output run(final Class<?> main, final List<String> args, final long timeoutMs)
    {
        final List<String> jvmArgs = new ArrayList<>(JvmOptions.forThisJvm());
        jvmArgs.addAll(CLIENT_JIT);
        final String logLevel = System.getProperty("org.slf4j.simpleLogger.defaultLogLevel");
        if (logLevel != null)
        {
            jvmArgs.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + logLevel);
        }
        final List<String> childArgs = new ArrayList<>(args);
        childArgs.add("--histograms");
        childArgs.add("true");
        final Map<String, Histogram> histograms = new HashMap<>();
        final Map<String, String> results = new HashMap<>();
        final String name = "the client JVM (" + main.getSimpleName() + ")";
        try (ChildProcess child = ChildProcess.start(name, jvmArgs, main, childArgs,
            line -> take(line, histograms, results)))
        {
            final int exit = child.awaitExit(timeoutMs);
            if (exit != 0)
            {
                throw new IllegalStateException(name + " exited with " + exit + "; its last lines:\n" +
                    child.lastLines());
            }
        }
        synchronized (histograms)
        {
            return new Output(Map.copyOf(histograms), Map.copyOf(results));
        }
    }

    /** Prints {@code histogram} under {@code name} (no spaces) for the parent: the child's side. */
    static void print(final String name, final Histogram histogram)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        final int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        final byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        System.out.println(HISTOGRAM + name + " " + Base64.getEncoder().encodeToString(bytes));
    }

    /** Prints a result (a key without spaces, a one-line value) for the parent: the child's side. */
    static void print(final String key, final String value)
    {
        System.out.println(RESULT + key + " " + value.replace('\n', ' '));
    }

    /** One line of the child's output, on its pump's thread: a histogram, a result, or passed through. */
    private static void take(final String line, final Map<String, Histogram> histograms,
        final Map<String, String> results)
    {
        synchronized (histograms)
        {
            if (line.startsWith(HISTOGRAM))
            {
                final String[] parts = line.split(" ", 3);
                try
                {
                    histograms.put(parts[1], Histogram.decodeFromCompressedByteBuffer(
                        ByteBuffer.wrap(Base64.getDecoder().decode(parts[2])), 0));
                }
                catch (final java.util.zip.DataFormatException | RuntimeException ex)
                {
                    // left out: the caller then names the histogram it lacks
                    System.out.println("unreadable histogram line from the client JVM: " + ex);
                }
                return;
            }
            if (line.startsWith(RESULT))
            {
                final String[] parts = line.split(" ", 3);
                results.put(parts[1], parts.length > 2 ? parts[2] : "");
                return;
            }
        }
        System.out.println(line);
    }
}
