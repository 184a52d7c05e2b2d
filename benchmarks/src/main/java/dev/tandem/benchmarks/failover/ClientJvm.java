package dev.tandem.benchmarks.failover;

import dev.tandem.journal.JvmOptions;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
 * Threading: the calling thread only.
 */
final class ClientJvm
{
    /** The client's JIT: C1 only (see the class comment). */
    static final List<String> CLIENT_JIT = List.of("-XX:TieredStopAtLevel=1");

    private static final String HISTOGRAM = "HISTOGRAM ";
    private static final String RESULT = "RESULT ";
    private static final int LAST_LINES = 40;

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
    static Output run(final Class<?> main, final List<String> args, final long timeoutMs) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmOptions.forThisJvm());
        command.addAll(CLIENT_JIT);
        final String logLevel = System.getProperty("org.slf4j.simpleLogger.defaultLogLevel");
        if (logLevel != null)
        {
            command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + logLevel);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(args);
        command.add("--histograms");
        command.add("true");
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final Map<String, Histogram> histograms = new HashMap<>();
        final Map<String, String> results = new HashMap<>();
        final Deque<String> last = new ArrayDeque<>();
        // the output is read on a thread of its own so that the deadline holds even if the child goes silent
        final Thread pump = new Thread(new Runnable()
        {
            @Override
            public void run()
            {
                try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
                {
                    String line;
                    while ((line = reader.readLine()) != null)
                    {
                        take(line, histograms, results, last);
                    }
                }
                catch (final IOException ex)
                {
                    // the child was killed: what it printed so far is all there is
                }
            }
        }, "client-jvm-output");
        pump.setDaemon(true);
        pump.start();
        try
        {
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                throw new IllegalStateException("the client JVM (" + main.getSimpleName() + ") did not finish within " +
                    timeoutMs + " ms; its last lines:\n" + lastLines(last));
            }
            pump.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the client JVM ran", ex);
        }
        if (process.exitValue() != 0)
        {
            throw new IllegalStateException("the client JVM (" + main.getSimpleName() + ") exited with " +
                process.exitValue() + "; its last lines:\n" + lastLines(last));
        }
        synchronized (last)
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

    private static void take(final String line, final Map<String, Histogram> histograms,
        final Map<String, String> results, final Deque<String> last)
    {
        synchronized (last)
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
                    throw new IllegalStateException("unreadable histogram line from the client JVM: " + line, ex);
                }
                return;
            }
            if (line.startsWith(RESULT))
            {
                final String[] parts = line.split(" ", 3);
                results.put(parts[1], parts.length > 2 ? parts[2] : "");
                return;
            }
            System.out.println(line);
            last.addLast(line);
            if (last.size() > LAST_LINES)
            {
                last.removeFirst();
            }
        }
    }

    private static String lastLines(final Deque<String> last)
    {
        synchronized (last)
        {
            return String.join("\n", last);
        }
    }
}
