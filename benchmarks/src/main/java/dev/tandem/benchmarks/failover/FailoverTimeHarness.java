package dev.tandem.benchmarks.failover;

import dev.tandem.failover.FailoverInitiator;
import dev.tandem.failover.FailoverListener;
import dev.tandem.node.Dirs;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.OrderFlow;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Failover time, measured end to end over real processes: per run, a fresh primary and secondary JVM pair on
 * loopback, a failover initiator in this JVM sending orders at a steady rate, then SIGKILL to the primary; the time
 * is from just before the kill to the initiator's Logon on the secondary. Baseline in the same run: after the
 * failover, the initiator's connection is dropped and the time to log on again to the (already Hot) secondary is
 * taken: the floor any failover pays for reconnect and Logon. Each run prints the detection path (a refused re-dial
 * or the heartbeat delay, from the secondary's TANDEM HOT line) and the activation's own time.
 * <pre>
 * java @tandem.args -cp benchmarks/target/benchmarks.jar dev.tandem.benchmarks.failover.FailoverTimeHarness \
 *     [--runs 20] [--delay-ms 300] [--ack WaitForever] [--rate 200] [--activate-on-refusal true]
 * </pre>
 * ({@code tandem.args}: Tandem's JVM flags, from {@code ./tandem jvm-options} or
 * {@code java -cp benchmarks/target/benchmarks.jar dev.tandem.journal.JvmOptions > tandem.args}.)
 * Each sample is one event, so there is no coordinated omission to correct: the kill happens at a chosen time and
 * the Logon is observed by a listener called as it completes. {@code ./tandem bench} runs the client in a JVM of its
 * own on C1 only ({@link #measureInClientJvm}, {@link ClientJvm}).
 */
public final class FailoverTimeHarness
{
    private static final String STRATEGY = "!Failover { attemptsPerAddress: 1, connectTimeoutMs: 500, " +
        "logonTimeoutMs: 1000, backoffInitialMs: 10, backoffMaxMs: 100, jitterPercent: 20 }";

    private FailoverTimeHarness()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int runs = 20;
        long delayMs = 300;
        String ack = "WaitForever";
        int rate = 200;
        boolean activateOnRefusal = true;
        boolean histograms = false;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--delay-ms" -> delayMs = Long.parseLong(args[i + 1]);
                case "--ack" -> ack = args[i + 1];
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--activate-on-refusal" -> activateOnRefusal = Boolean.parseBoolean(args[i + 1]);
                case "--histograms" -> histograms = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (histograms)
        {
            // for the parent of a client JVM (ClientJvm): exactly what ./tandem bench measures
            final Histogram[] measured = measure(runs, ack, delayMs, rate);
            ClientJvm.print("failover", measured[0]);
            ClientJvm.print("reconnect", measured[1]);
            return;
        }
        final Histogram failover = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final Histogram reconnect = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final String activation = "!TryHeartbeat { delayMs: " + delayMs + ", activateOnRefusal: " +
            activateOnRefusal + " }";
        System.out.printf("settings: runs=%d, ack=!%s, activation=%s, replication heartbeat 100 ms, initiator %s, " +
            "%d orders/s%n", runs, ack, activation, STRATEGY, rate);
        for (int run = 1; run <= runs; run++)
        {
            final Sample sample;
            try
            {
                sample = runOnce(ack, activation, rate);
            }
            catch (final IllegalStateException ex)
            {
                // a node that did not start in time on an overloaded host: no sample, said so, the next run goes on
                System.out.printf("run %2d: no sample: %s%n", run, ex.getMessage().lines().findFirst().orElse(""));
                continue;
            }
            failover.recordValue(sample.failoverNs);
            reconnect.recordValue(sample.reconnectNs);
            System.out.printf(
                "run %2d: SIGKILL -> Logon on secondary %6.1f ms (detection: %s, activation took %s ms); " +
                "reconnect + Logon (baseline) %5.1f ms%n",
                run, sample.failoverNs / 1e6, sample.path, sample.activationMs, sample.reconnectNs / 1e6);
        }
        report("failover (SIGKILL -> Logon on secondary)", failover);
        report("baseline (reconnect + Logon to a Hot acceptor)", reconnect);
    }

    /**
     * {@code runs} failovers of a fresh pair each ({@code ack}, TryHeartbeat {@code delayMs}, orders at {@code rate}/s);
     * for {@code ./tandem bench}.
     *
     * @return {failover (SIGKILL to Logon on the secondary), baseline (reconnect and Logon to a Hot acceptor)}, in
     * nanoseconds.
     */
    public static Histogram[] measure(final int runs, final String ack, final long delayMs, final int rate)
        throws IOException
    {
        final Histogram failover = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final Histogram reconnect = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (int run = 1; run <= runs; run++)
        {
            final Sample sample = runOnce(ack, "!TryHeartbeat { delayMs: " + delayMs + " }", rate);
            failover.recordValue(sample.failoverNs);
            reconnect.recordValue(sample.reconnectNs);
            System.out.printf("  failover run %2d: SIGKILL -> Logon on secondary %6.1f ms (detection: %s); " +
                "reconnect + Logon %5.1f ms%n", run, sample.failoverNs / 1e6, sample.path, sample.reconnectNs / 1e6);
        }
        return new Histogram[]{failover, reconnect};
    }

    /**
     * {@link #measure} with the client (the initiator and its order flow) in a JVM of its own on C1 only, as
     * {@code ./tandem bench} runs it: see {@link ClientJvm} for why.
     */
    public static Histogram[] measureInClientJvm(final int runs, final String ack, final long delayMs,
        final int rate) throws IOException
    {
        final ClientJvm.Output output = ClientJvm.run(FailoverTimeHarness.class, java.util.List.of("--runs",
            Integer.toString(runs), "--ack", ack, "--delay-ms", Long.toString(delayMs), "--rate",
            Integer.toString(rate)), TimeUnit.SECONDS.toMillis(120) + runs * TimeUnit.SECONDS.toMillis(60));
        return new Histogram[]{output.histogram("failover"), output.histogram("reconnect")};
    }

    /** The initiator's connection strategy in every run. */
    public static String strategy()
    {
        return STRATEGY;
    }

    private static void report(final String name, final Histogram histogram)
    {
        System.out.printf("%-48s n=%d  p50 %7.1f ms  p99 %7.1f ms  p99.9 %7.1f ms  max %7.1f ms%n", name,
            histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1e6,
            histogram.getValueAtPercentile(99) / 1e6, histogram.getValueAtPercentile(99.9) / 1e6,
            histogram.getMaxValue() / 1e6);
    }

    private record Sample(long failoverNs, long reconnectNs, String path, String activationMs)
    {
    }

    /** The detection path, from the why of the secondary's TANDEM HOT line. */
    private static String path(final String hotLine)
    {
        if (hotLine.contains("re-dial was refused"))
        {
            return "refused re-dial";
        }
        if (hotLine.contains("silent for"))
        {
            return "heartbeat delay";
        }
        return "other: " + hotLine;
    }

    private static Sample runOnce(final String ack, final String activation, final int rate) throws IOException
    {
        final Path dir = Files.createTempDirectory("tandem-failover-bench-");
        final DemoCluster.Options options = new DemoCluster.Options()
            .ackStrategy("!" + ack + " { }")
            .activation(activation)
            .echo(line ->
            {
                if (line.contains("TANDEM") || line.contains("WARN") || line.contains("ERROR"))
                {
                    System.out.println(line);
                }
            });
        try (DemoCluster cluster = DemoCluster.start(dir, options))
        {
            cluster.awaitReplicating(30_000);
            final OrderFlow flow = new OrderFlow(rate);
            final AtomicLong secondaryLogonNs = new AtomicLong();
            final FailoverInitiator initiator = FailoverInitiator.start(cluster.initiatorConfig(STRATEGY), flow,
                new FailoverListener()
                {
                    @Override
                    public void onLoggedOn(final InetSocketAddress address, final int index)
                    {
                        if (index == 1)
                        {
                            secondaryLogonNs.set(System.nanoTime());
                        }
                    }
                });
            try
            {
                await(() -> flow.sent() >= rate / 2, "orders flowing");
                final long killNs = System.nanoTime();
                cluster.primary().kill();
                await(() -> secondaryLogonNs.get() != 0, "Logon on the secondary");
                final long failoverNs = secondaryLogonNs.get() - killNs;

                // wait on the Logon's own timestamp, taken after the drop: a Logon count could still be catching up
                // with the failover's Logon
                final long dropNs = System.nanoTime();
                initiator.disconnect();
                await(() -> secondaryLogonNs.get() - dropNs > 0, "re-Logon on the secondary");
                final long reconnectNs = secondaryLogonNs.get() - dropNs;
                final String hot = cluster.secondary().awaitEvent("TANDEM HOT", 10_000);
                if (System.getenv("DEBUG_HARNESS") != null)
                {
                    cluster.secondary().transcript().forEach(System.out::println);
                }
                final java.util.regex.Matcher took = java.util.regex.Pattern.compile("tookMs=(\\d+)").matcher(hot);
                return new Sample(failoverNs, reconnectNs, path(hot), took.find() ? took.group(1) : "?");
            }
            finally
            {
                initiator.close();
            }
        }
        finally
        {
            Dirs.deleteRecursively(dir);
        }
    }

    private static void await(final java.util.function.BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            LockSupport.parkNanos(100_000);
        }
    }
}
