package dev.tandem.benchmarks.replication;

import dev.tandem.journal.ReleaseGate;
import dev.tandem.node.Dirs;
import dev.tandem.replication.AckStrategy;
import dev.tandem.replication.BoundedWait;
import dev.tandem.replication.NeverTimesOut;
import dev.tandem.replication.WaitForever;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Latency under a fixed offered load, timed from each message's <em>intended</em> send time so that a stall delays
 * every message behind it in the histogram (no coordinated omission), and pipelined throughput.
 * <p>
 * {@code latency}: the session thread appends one 200-byte message every 1/rate seconds and releases them in order
 * through the strategy's gate; a message's latency is release time minus intended send time. The baseline in the
 * same run is a plain Java loopback TCP echo of the 268-byte data frame at the same rate, timed the same way.
 * <p>
 * {@code throughput}: appends as fast as it can while releasing in order through a WaitForever gate (pipelined: many
 * messages in flight), and reports messages released per second; baseline: plain appends per second.
 * <p>
 * {@code roundtrip}: one acknowledged round trip and one TCP ping-pong alternately, so both see the same load.
 * <pre>
 * java ... ReplicationLatencyHarness roundtrip 200000 NeverTimesOut,WaitForever,BoundedWait thread,composite
 * java --add-opens ... -cp benchmarks/target/benchmarks.jar dev.tandem.benchmarks.replication.ReplicationLatencyHarness \
 *     latency 20000 5 WaitForever
 * java ... ReplicationLatencyHarness throughput 2000000
 * java ... ReplicationLatencyHarness tls 50000 WaitForever
 * </pre>
 * {@code tls}: one acknowledged round trip over a plain link, one over a TLS link and one TCP ping-pong, in turn.
 */
public final class ReplicationLatencyHarness
{
    private static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(60);

    private ReplicationLatencyHarness()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        final String mode = args.length > 0 ? args[0] : "latency";
        if ("roundtrip".equals(mode))
        {
            final int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
            final String strategies = args.length > 2 ? args[2] : "NeverTimesOut,WaitForever,BoundedWait";
            final String sourceModes = args.length > 3 ? args[3] : "thread,composite";
            for (final String sourceMode : sourceModes.split(","))
            {
                for (final String name : strategies.split(","))
                {
                    interleavedRoundTrips(name, "composite".equals(sourceMode), iterations);
                }
            }
            return;
        }
        if ("tls".equals(mode))
        {
            final int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
            final String strategies = args.length > 2 ? args[2] : "WaitForever";
            for (final String name : strategies.split(","))
            {
                interleavedPlainAndTls(name, iterations);
            }
            return;
        }
        if ("throughput".equals(mode))
        {
            final int count = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
            throughput(count);
            return;
        }
        final int rate = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        final int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        final String strategy = args.length > 3 ? args[3] : "WaitForever";
        System.out.printf(Locale.ROOT, "fixed rate %,d msg/s for %d s (after %d s warm-up), 200-byte messages%n",
            rate, seconds, Math.max(1, seconds / 2));
        final Histogram ping = pingPongAtRate(rate, seconds);
        print("tcp ping-pong (baseline)", ping);
        for (final String name : strategy.split(","))
        {
            final Histogram replicated = replicatedAtRate(strategy(name), rate, seconds);
            print("replicated " + name, replicated);
        }
    }

    /**
     * One acknowledged round trip, then one plain TCP ping-pong of the data frame's size, alternately, so both see the
     * same machine load at the same moments; reports both distributions and their ratios. The ping-pong uses
     * blocking sockets, so its two threads take no core while idle and do not slow the replication agents.
     */
    private static void interleavedRoundTrips(final String name, final boolean composite, final int iterations)
        throws IOException
    {
        final Histogram[] result = interleaved(name, composite, iterations);
        final Histogram replicated = result[0];
        final Histogram ping = result[1];
        final String label = name + (composite ? " (source on session thread)" : " (source on own thread)");
        print("tcp ping-pong", ping);
        print(label, replicated);
        System.out.printf(Locale.ROOT, "%-48s p50 %8.2fx     p99 %9.2fx     p99.9 %9.2fx%n", "  ratio",
            ratio(replicated, ping, 50), ratio(replicated, ping, 99), ratio(replicated, ping, 99.9));
    }

    /**
     * Alternates {@code iterations} acknowledged round trips of strategy {@code name} with blocking TCP ping-pongs of
     * the data frame's size (a fifth more are run first as warm-up); for {@code ./tandem bench}.
     *
     * @return {replicated, ping-pong}: round trips in nanoseconds.
     */
    public static Histogram[] interleaved(final String name, final boolean composite, final int iterations)
        throws IOException
    {
        return interleaved(name, composite, iterations, true);
    }

    /** As {@link #interleaved(String, boolean, int)}, with the journals' pretouching on or off. */
    public static Histogram[] interleaved(final String name, final boolean composite, final int iterations,
        final boolean pretouch) throws IOException
    {
        try (ReplicationRig rig = new ReplicationRig(strategy(name), "yield", composite, pretouch);
            PingPong pingPong = new PingPong(ReplicationRoundTripBenchmark.FRAME_BYTES, false))
        {
            final ReleaseGate gate = rig.source.newReleaseGate();
            final Histogram replicated = new Histogram(HIGHEST_NS, 3);
            final Histogram ping = new Histogram(HIGHEST_NS, 3);
            for (int i = -iterations / 5; i < iterations; i++)
            {
                final long t0 = System.nanoTime();
                rig.appendUntilReleased(gate, t0);
                final long t1 = System.nanoTime();
                pingPong.roundTrip();
                final long t2 = System.nanoTime();
                if (i >= 0)
                {
                    replicated.recordValue(Math.min(HIGHEST_NS, t1 - t0));
                    ping.recordValue(Math.min(HIGHEST_NS, t2 - t1));
                }
            }
            return new Histogram[]{replicated, ping};
        }
    }

    /**
     * The latency cost of TLS: one acknowledged round trip over a plain link, one over a TLS link (TLSv1.3, mutual
     * certificate authentication, both rigs up for the whole run, each with its source on its own thread), and one
     * blocking TCP ping-pong, in turn, so all three see the same machine load at the same moments; prints the three
     * distributions and the TLS link against the plain one.
     */
    private static void interleavedPlainAndTls(final String name, final int iterations) throws IOException
    {
        final Histogram[] result = interleavedPlainAndTlsHistograms(name, iterations);
        print("tcp ping-pong", result[2]);
        print(name + " plain link", result[0]);
        print(name + " TLS link", result[1]);
        System.out.printf(Locale.ROOT, "%-48s p50 %8.2fx     p99 %9.2fx     p99.9 %9.2fx%n", "  TLS / plain",
            ratio(result[1], result[0], 50), ratio(result[1], result[0], 99), ratio(result[1], result[0], 99.9));
    }

    /**
     * Alternates {@code iterations} acknowledged round trips on a plain rig, on a TLS rig and blocking TCP
     * ping-pongs (a fifth more of each first as warm-up).
     *
     * @return {plain, TLS, ping-pong}: round trips in nanoseconds.
     */
    public static Histogram[] interleavedPlainAndTlsHistograms(final String name, final int iterations)
        throws IOException
    {
        try (ReplicationRig plainRig = new ReplicationRig(strategy(name), "yield", false, true, false);
            ReplicationRig tlsRig = new ReplicationRig(strategy(name), "yield", false, true, true);
            PingPong pingPong = new PingPong(ReplicationRoundTripBenchmark.FRAME_BYTES, false))
        {
            final ReleaseGate plainGate = plainRig.source.newReleaseGate();
            final ReleaseGate tlsGate = tlsRig.source.newReleaseGate();
            final Histogram plain = new Histogram(HIGHEST_NS, 3);
            final Histogram tls = new Histogram(HIGHEST_NS, 3);
            final Histogram ping = new Histogram(HIGHEST_NS, 3);
            for (int i = -iterations / 5; i < iterations; i++)
            {
                final long t0 = System.nanoTime();
                plainRig.appendUntilReleased(plainGate, t0);
                final long t1 = System.nanoTime();
                tlsRig.appendUntilReleased(tlsGate, t1);
                final long t2 = System.nanoTime();
                pingPong.roundTrip();
                final long t3 = System.nanoTime();
                if (i >= 0)
                {
                    plain.recordValue(Math.min(HIGHEST_NS, t1 - t0));
                    tls.recordValue(Math.min(HIGHEST_NS, t2 - t1));
                    ping.recordValue(Math.min(HIGHEST_NS, t3 - t2));
                }
            }
            if (tlsRig.sink.sessions() != 1 || plainRig.sink.sessions() != 1)
            {
                throw new IllegalStateException("a link was re-established during the run: plain " +
                    plainRig.sink.sessions() + " sessions, TLS " + tlsRig.sink.sessions());
            }
            return new Histogram[]{plain, tls, ping};
        }
    }

    /**
     * A busy-spinning TCP ping-pong of the data frame's size (both ends spin on non-blocking sockets), the floor the
     * JMH benchmark compares the acked round trip with; {@code iterations} measured after a fifth as many.
     */
    public static Histogram spinningPingPong(final int iterations) throws IOException
    {
        try (PingPong pingPong = new PingPong(ReplicationRoundTripBenchmark.FRAME_BYTES, true))
        {
            final Histogram ping = new Histogram(HIGHEST_NS, 3);
            for (int i = -iterations / 5; i < iterations; i++)
            {
                final long t0 = System.nanoTime();
                pingPong.roundTrip();
                if (i >= 0)
                {
                    ping.recordValue(Math.min(HIGHEST_NS, System.nanoTime() - t0));
                }
            }
            return ping;
        }
    }

    private static double ratio(final Histogram a, final Histogram b, final double percentile)
    {
        return (double)a.getValueAtPercentile(percentile) / b.getValueAtPercentile(percentile);
    }

    static AckStrategy strategy(final String name)
    {
        switch (name)
        {
            case "NeverTimesOut":
                return new NeverTimesOut();
            case "BoundedWait":
                return new BoundedWait().timeoutMs(5);
            default:
                return new WaitForever();
        }
    }

    private static Histogram replicatedAtRate(final AckStrategy strategy, final int rate, final int seconds)
    {
        try (ReplicationRig rig = new ReplicationRig(strategy, "yield"))
        {
            final ReleaseGate gate = rig.source.newReleaseGate();
            runAtRate(rig, gate, rate, Math.max(1, seconds / 2), null);
            final Histogram histogram = new Histogram(HIGHEST_NS, 3);
            runAtRate(rig, gate, rate, seconds, histogram);
            return histogram;
        }
    }

    private static void runAtRate(
        final ReplicationRig rig, final ReleaseGate gate, final int rate, final int seconds, final Histogram histogram)
    {
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
        final int total = rate * seconds;
        final long[] intendedNs = new long[total];
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        long firstPosition = -1;
        int sent = 0;
        int released = 0;
        while (released < total)
        {
            final long now = System.nanoTime();
            boolean worked = false;
            while (sent < total && start + sent * intervalNs - now <= 0)
            {
                intendedNs[sent] = start + sent * intervalNs;
                final long position = rig.append();
                if (firstPosition < 0)
                {
                    firstPosition = position;
                }
                sent++;
                worked = true;
            }
            while (released < sent &&
                gate.check(firstPosition + released, intendedNs[released], now) != ReleaseGate.WAIT)
            {
                if (histogram != null)
                {
                    histogram.recordValue(Math.min(HIGHEST_NS, now - intendedNs[released]));
                }
                released++;
                worked = true;
            }
            if (!worked)
            {
                Thread.yield();
            }
        }
    }

    private static Histogram pingPongAtRate(final int rate, final int seconds) throws IOException
    {
        try (PingPong pingPong = new PingPong(ReplicationRoundTripBenchmark.FRAME_BYTES, true, false))
        {
            pingPongRun(pingPong, rate, Math.max(1, seconds / 2), null);
            final Histogram histogram = new Histogram(HIGHEST_NS, 3);
            pingPongRun(pingPong, rate, seconds, histogram);
            return histogram;
        }
    }

    private static void pingPongRun(
        final PingPong pingPong, final int rate, final int seconds, final Histogram histogram) throws IOException
    {
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
        final int total = rate * seconds;
        final long[] intendedNs = new long[total];
        final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        long bytesBack = 0;
        int sent = 0;
        int received = 0;
        while (received < total)
        {
            final long now = System.nanoTime();
            boolean worked = false;
            while (sent < total && start + sent * intervalNs - now <= 0)
            {
                intendedNs[sent] = start + sent * intervalNs;
                pingPong.send();
                sent++;
                worked = true;
            }
            scratch.clear();
            final int read = pingPong.receive(scratch);
            if (read > 0)
            {
                bytesBack += read;
                final long now2 = System.nanoTime();
                while (received < sent && bytesBack >= (long)(received + 1) * ReplicationRoundTripBenchmark.FRAME_BYTES)
                {
                    if (histogram != null)
                    {
                        histogram.recordValue(Math.min(HIGHEST_NS, now2 - intendedNs[received]));
                    }
                    received++;
                }
                worked = true;
            }
            if (!worked)
            {
                Thread.yield();
            }
        }
    }

    private static void throughput(final int count)
    {
        try (ReplicationRig rig = new ReplicationRig(new WaitForever(), "yield"))
        {
            final ReleaseGate gate = rig.source.newReleaseGate();
            pipelined(rig, gate, count / 4);
            final long start = System.nanoTime();
            final int released = pipelined(rig, gate, count);
            final long elapsedNs = System.nanoTime() - start;
            System.out.printf(Locale.ROOT, "pipelined WaitForever: %,d messages released in order in %.3f s = " +
                "%,.0f msg/s (acked %,d, sink appended %,d)%n", released, elapsedNs / 1e9,
                released * 1e9 / elapsedNs, rig.source.ackedPosition(), rig.sink.lastAppendedPosition());
        }
        final java.nio.file.Path dir = ReplicationRig.tempDir("bench-plain");
        try (dev.tandem.journal.Journal journal = ReplicationRig.openJournal(dir))
        {
            final org.agrona.concurrent.UnsafeBuffer message =
                new org.agrona.concurrent.UnsafeBuffer(new byte[ReplicationRig.MESSAGE_BYTES]);
            ReplicationRig.fill(message);
            final long start = System.nanoTime();
            for (int i = 1; i <= count; i++)
            {
                journal.appendMessage(1, dev.tandem.journal.Direction.OUTBOUND, i, start, 0, message, 0,
                    ReplicationRig.MESSAGE_BYTES);
            }
            final long elapsedNs = System.nanoTime() - start;
            System.out.printf(Locale.ROOT, "plain journal append (baseline): %,d in %.3f s = %,.0f msg/s%n", count,
                elapsedNs / 1e9, count * 1e9 / elapsedNs);
        }
        finally
        {
            Dirs.deleteRecursively(dir);
        }
    }

    /** Appends {@code count} messages as fast as possible while releasing them in order; returns released. */
    private static int pipelined(final ReplicationRig rig, final ReleaseGate gate, final int count)
    {
        final long first = rig.primary.lastPosition() + 1;
        int appended = 0;
        int released = 0;
        while (released < count)
        {
            for (int i = 0; i < 64 && appended < count; i++)
            {
                rig.append();
                appended++;
            }
            final long now = System.nanoTime();
            boolean worked = false;
            while (released < appended && gate.check(first + released, now, now) == ReleaseGate.RELEASE)
            {
                released++;
                worked = true;
            }
            if (!worked && appended == count)
            {
                Thread.yield();
            }
        }
        return released;
    }

    private static void print(final String name, final Histogram histogram)
    {
        System.out.printf(Locale.ROOT, "%-48s p50 %8.1f us  p99 %9.1f us  p99.9 %9.1f us  max %9.1f us  (n=%,d)%n",
            name, histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
            histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3,
            histogram.getTotalCount());
    }
}
