package dev.tandem.benchmarks.failover;

import dev.tandem.benchmarks.report.Machine;
import dev.tandem.failover.FailoverInitiator;
import dev.tandem.failover.FailoverListener;
import dev.tandem.node.Dirs;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.NodeProcess;
import dev.tandem.node.demo.OrderFlow;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Planned switchover outage, measured end to end over real processes as issue 11 defines it: one primary and
 * secondary JVM pair on loopback ({@code WaitForever}, the secondary serving replication once Hot), Tandem's
 * {@link FailoverInitiator} sending orders at a steady rate, then {@code PUT /service/switchover} on the Hot node,
 * back and forth, {@code runs} times, after {@code warmupMs} of traffic. Each outage runs from the initiator's last
 * answer before its session ended (the Logout) to its Logon on the new primary.
 * <p>
 * Each run also says where the time went, from what the initiator saw (last answer, end of its session, attempts
 * that failed, Logon), from when this JVM read the new primary's {@code TANDEM HOT} line, and from what the nodes
 * report: the old primary's {@code TANDEM WARM} line (drain, acceptor closed, HANDOVER sent, answer) and the new
 * primary's {@code TANDEM HOT} steps (sink stopped, onward replication source, epoch stored, application's
 * activation, FIX acceptor). The phases, as distributions:
 * <ul>
 *   <li>{@code logout}: last answer to the end of the initiator's session (the Logout handshake);</li>
 *   <li>{@code to-hot}: end of the session to the new primary's {@code TANDEM HOT} line read here (the old primary
 *       closes its acceptor, waits for the acknowledgement, sends HANDOVER; the secondary activates);</li>
 *   <li>{@code activation}: the new primary's own activation, HANDOVER seen to Hot (the sum of its steps, but for
 *       the epoch's write, which runs beside them: only what waiting for it added counts);</li>
 *   <li>{@code to-logon}: the {@code TANDEM HOT} line to the Logon (the initiator's reconnect and Logon; 0 when the
 *       Logon was seen first, the line being read through a pipe).</li>
 * </ul>
 * <pre>
 * java @tandem.args -cp benchmarks/target/benchmarks.jar dev.tandem.benchmarks.failover.SwitchoverTimeHarness \
 *     [--runs 20] [--rate 200] [--warmup-ms 10000] [--strategy '!Failover { ... }']
 * </pre>
 * Run this way, the client shares this JVM's JIT; {@code ./tandem bench} runs it in a JVM of its own on C1 only
 * ({@link #measureInClientJvm}, {@link ClientJvm}): add {@code -XX:TieredStopAtLevel=1} to compare the same way.
 * Each sample is one event (the switchover is asked at a chosen time, the Logon observed by a listener as it
 * completes): there is no coordinated omission to correct.
 * <p>
 * Threading: the main thread; the initiator's listener and the nodes' output pumps record timestamps.
 */
public final class SwitchoverTimeHarness
{
    /** The initiator's strategy: the failover harness's, so both parts measure the same initiator. */
    private static final String STRATEGY = FailoverTimeHarness.strategy();
    /**
     * Steady traffic before the first switchover: a pair that has served a while, past its JVMs' start-up (first
     * young collections, the message path compiled). The switchovers' own code stays as cold as it is in service:
     * it runs once per switchover.
     */
    public static final long DEFAULT_WARMUP_MS = 10_000;
    /** The phases reported beside the outage, in order. */
    public static final List<String> PHASES = List.of("logout", "to-hot", "activation", "to-logon");

    private static final Pattern WARM_PHASES = Pattern.compile(
        "drainUs=(\\d+) closeUs=(\\d+) handoverUs=(\\d+) answerUs=(\\d+)");
    private static final Pattern HOT_STEPS = Pattern.compile("steps=\"([^\"]*)\"");
    private static final Pattern MICROS = Pattern.compile("(\\w+)Us=(\\d+)");

    private SwitchoverTimeHarness()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int runs = 20;
        int rate = 200;
        long warmupMs = DEFAULT_WARMUP_MS;
        String strategy = STRATEGY;
        boolean histograms = false;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--strategy" -> strategy = args[i + 1];
                case "--warmup-ms" -> warmupMs = Long.parseLong(args[i + 1]);
                case "--histograms" -> histograms = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final Result result = measure(runs, rate, strategy, warmupMs);
        System.out.println(result.verdict());
        if (histograms)
        {
            // for the parent of a client JVM (ClientJvm)
            ClientJvm.print("outage", result.outage());
            for (final Map.Entry<String, Histogram> phase : result.phases().entrySet())
            {
                ClientJvm.print(phase.getKey(), phase.getValue());
            }
            ClientJvm.print("verdict", result.verdict());
            ClientJvm.print("lost", Long.toString(result.lost()));
            return;
        }
        report("outage (last answer -> Logon on the new primary)", result.outage());
        for (final Map.Entry<String, Histogram> phase : result.phases().entrySet())
        {
            report("  " + phase.getKey(), phase.getValue());
        }
    }

    /**
     * {@link #measure} with the client (the initiator, its order flow and this harness's bookkeeping) in a JVM of its
     * own on C1 only, as {@code ./tandem bench} runs it: see {@link ClientJvm} for why.
     */
    public static Result measureInClientJvm(final int runs, final int rate, final String strategy,
        final long warmupMs) throws IOException
    {
        final long timeoutMs = TimeUnit.SECONDS.toMillis(120) + warmupMs * 3 + runs * TimeUnit.SECONDS.toMillis(30);
        final ClientJvm.Output output = ClientJvm.run(SwitchoverTimeHarness.class, List.of("--runs",
            Integer.toString(runs), "--rate", Integer.toString(rate), "--strategy", strategy, "--warmup-ms",
            Long.toString(warmupMs)), timeoutMs);
        final Map<String, Histogram> phases = new LinkedHashMap<>();
        for (final String phase : PHASES)
        {
            phases.put(phase, output.histogram(phase));
        }
        final String lost = output.results().get("lost");
        if (lost == null)
        {
            throw new IllegalStateException("the client JVM printed no count of lost orders");
        }
        return new Result(output.histogram("outage"), phases, output.results().getOrDefault("verdict", ""),
            Long.parseLong(lost));
    }

    /** The initiator's connection strategy in every run. */
    public static String strategy()
    {
        return STRATEGY;
    }

    /**
     * What {@link #measure} found.
     *
     * @param outage  the outage per switchover, ns.
     * @param phases  each of {@link #PHASES} per switchover, ns.
     * @param verdict orders sent, answered, duplicated, and the Logons: nothing lost or repeated is the claim.
     * @param lost    orders never answered plus answers repeated without PossDupFlag or PossResend.
     */
    public record Result(Histogram outage, Map<String, Histogram> phases, String verdict, long lost)
    {
    }

    /**
     * {@code runs} switchovers back and forth on one fresh pair under {@code rate} orders/s from Tandem's initiator;
     * for {@code ./tandem bench} and {@link #main}. A switchover that does not complete stops the measurement with
     * the nodes' output.
     */
    public static Result measure(final int runs, final int rate, final String strategy, final long warmupMs)
        throws IOException
    {
        final Histogram outage = histogram();
        final Map<String, Histogram> phases = new LinkedHashMap<>();
        for (final String phase : PHASES)
        {
            phases.put(phase, histogram());
        }
        final Path dir = Files.createTempDirectory("tandem-switchover-bench-");
        final AtomicLong hotSeenNs = new AtomicLong();
        final AtomicLong warmSeenNs = new AtomicLong();
        final DemoCluster.Options options = new DemoCluster.Options()
            .ackStrategy("!WaitForever { }")
            .switchover(true)
            .echo(line ->
            {
                if (line.contains("TANDEM HOT"))
                {
                    hotSeenNs.set(System.nanoTime());
                }
                if (line.contains("TANDEM WARM"))
                {
                    warmSeenNs.set(System.nanoTime());
                }
                if (line.contains("TANDEM STALE") || line.contains("TANDEM FAILED") ||
                    line.contains("TANDEM DIVERGED"))
                {
                    System.out.println(line);
                }
            });
        System.out.printf("switchover: %d runs back and forth after %d ms of traffic, ack !WaitForever, %d orders/s, " +
            "initiator %s%n", runs, warmupMs, rate, strategy);
        try (DemoCluster cluster = DemoCluster.start(dir, options))
        {
            cluster.awaitReplicating(30_000);
            final OrderFlow flow = new OrderFlow(rate);
            final Listener listener = new Listener(flow);
            final FailoverInitiator initiator = FailoverInitiator.start(
                cluster.initiatorConfig(strategy), flow, listener);
            try
            {
                await(() -> initiator.isLoggedOn() && initiator.currentIndex() == 0, "Logon on the primary");
                final long warmedAnswers = flow.answers() + rate * warmupMs / 1_000;
                final long warmupDeadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMs * 3 + 30_000);
                while (flow.answers() < warmedAnswers)
                {
                    if (System.nanoTime() - warmupDeadlineNs > 0)
                    {
                        throw new IllegalStateException("the warm-up's " + warmedAnswers + " answers did not come");
                    }
                    LockSupport.parkNanos(1_000_000);
                }
                int hot = 0;
                for (int run = 1; run <= runs; run++)
                {
                    final long answers = flow.answers();
                    await(() -> flow.answers() >= answers + Math.max(20, rate / 2), "orders answered");
                    final int to = 1 - hot;
                    final NodeProcess from = hot == 0 ? cluster.primary() : cluster.secondary();
                    final NodeProcess next = hot == 0 ? cluster.secondary() : cluster.primary();
                    final String load = Machine.loadAverage();
                    final int logonsBefore = listener.logons.get();
                    final int failedBefore = listener.failed.get();
                    hotSeenNs.set(0);
                    warmSeenNs.set(0);
                    final String answer = DemoCluster.http("PUT", hot == 0 ? cluster.primaryAdminPort() :
                        cluster.secondaryAdminPort(), "/service/switchover?timeoutMs=5000", cluster.adminToken());
                    if (!answer.startsWith("200 ") || !answer.contains("\"outcome\":\"switchover\""))
                    {
                        throw new IllegalStateException("switchover " + run + " asked of " + from.name() +
                            " did not switch over: " + answer);
                    }
                    await(() -> listener.logons.get() > logonsBefore && listener.lastIndex == to &&
                        hotSeenNs.get() != 0, "the initiator's Logon on " + next.name());
                    final String warm = from.awaitEvent("TANDEM WARM", 10_000);
                    final String hotLine = next.awaitEvent("TANDEM HOT", 10_000);
                    final long logonNs = listener.lastLogonNs;
                    final long lastAnswerNs = listener.lastAnswerBeforeEndNs;
                    final long endedNs = listener.sessionEndedNs;
                    final long hotNs = hotSeenNs.get();
                    final Map<String, Long> steps = micros(HOT_STEPS, hotLine);
                    // the steps in sequence; "epoch" is the write's own time, which runs beside them (its wait counts)
                    final long activationNs = TimeUnit.MICROSECONDS.toNanos(steps.entrySet().stream()
                        .filter(step -> !"epoch".equals(step.getKey()) || !steps.containsKey("epochWait"))
                        .mapToLong(Map.Entry::getValue).sum());
                    final long outageNs = logonNs - lastAnswerNs;
                    outage.recordValue(outageNs);
                    record(phases.get("logout"), endedNs - lastAnswerNs);
                    record(phases.get("to-hot"), hotNs - endedNs);
                    record(phases.get("activation"), activationNs);
                    record(phases.get("to-logon"), logonNs - hotNs);
                    System.out.printf(Locale.ROOT, "  switchover %2d %s -> %s: outage %6.1f ms = logout %5.1f + " +
                        "to-hot %5.1f + to-logon %5.1f; failed attempts %d; old primary Warm (following) %+.1f ms " +
                        "from the HOT line: %s; new primary: %s; load %s%n", run, from.name(), next.name(),
                        ms(outageNs), ms(endedNs - lastAnswerNs), ms(hotNs - endedNs), ms(logonNs - hotNs),
                        listener.failed.get() - failedBefore, ms(warmSeenNs.get() - hotNs), warmPhases(warm),
                        hotSteps(steps), load);
                    hot = to;
                    if (hot == 1)
                    {
                        cluster.awaitPrimaryReplicating(30_000);
                    }
                    else
                    {
                        cluster.awaitReplicating(30_000);
                    }
                }
                flow.stopSending();
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (flow.answers() < flow.sent() && System.nanoTime() - deadlineNs < 0)
                {
                    LockSupport.parkNanos(1_000_000);
                }
                final long unanswered = flow.sent() - flow.answers();
                final String verdict = String.format(Locale.ROOT, "switchover: orders sent %d, answered %d, " +
                    "never answered %d, repeated without PossDup/PossResend %d, repeated with it %d, logons %d",
                    flow.sent(), flow.answers(), unanswered, flow.duplicates(), flow.possDupRepeats(),
                    listener.logons.get());
                return new Result(outage, phases, verdict, unanswered + flow.duplicates());
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

    /** The initiator's view: the last answer before each session ended, the end, the Logons, failed attempts. */
    private static final class Listener implements FailoverListener
    {
        private final OrderFlow flow;
        private final AtomicInteger logons = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private volatile long lastAnswerBeforeEndNs;
        private volatile long sessionEndedNs;
        private volatile long lastLogonNs;
        private volatile int lastIndex = -1;

        Listener(final OrderFlow flow)
        {
            this.flow = flow;
        }

        @Override
        public void onLoggedOn(final InetSocketAddress address, final int index)
        {
            lastLogonNs = System.nanoTime();
            lastIndex = index;
            logons.incrementAndGet();
        }

        @Override
        public void onSessionEnded(final InetSocketAddress address, final int index)
        {
            sessionEndedNs = System.nanoTime();
            lastAnswerBeforeEndNs = flow.lastAnswerNs();
        }

        @Override
        public void onAttemptFailed(final InetSocketAddress address, final int index, final String reason)
        {
            failed.incrementAndGet();
        }
    }

    private static Histogram histogram()
    {
        return new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    }

    /** Records a phase; a negative one (two clocks' readings seen in the other order) counts as 0. */
    private static void record(final Histogram histogram, final long ns)
    {
        histogram.recordValue(Math.max(0, ns));
    }

    private static Map<String, Long> micros(final Pattern outer, final String line)
    {
        final Map<String, Long> values = new LinkedHashMap<>();
        final Matcher matcher = outer.matcher(line);
        if (matcher.find())
        {
            final Matcher each = MICROS.matcher(matcher.group(1));
            while (each.find())
            {
                values.put(each.group(1), Long.parseLong(each.group(2)));
            }
        }
        return values;
    }

    private static String warmPhases(final String warmLine)
    {
        final Matcher matcher = WARM_PHASES.matcher(warmLine);
        if (!matcher.find())
        {
            return "?";
        }
        return String.format(Locale.ROOT, "drain %.1f close %.1f handover %.1f answer %.1f ms",
            Long.parseLong(matcher.group(1)) / 1e3, Long.parseLong(matcher.group(2)) / 1e3,
            Long.parseLong(matcher.group(3)) / 1e3, Long.parseLong(matcher.group(4)) / 1e3);
    }

    private static String hotSteps(final Map<String, Long> steps)
    {
        final List<String> parts = new ArrayList<>();
        steps.forEach((name, us) -> parts.add(String.format(Locale.ROOT, "%s %.1f", name, us / 1e3)));
        return String.join(" ", parts) + " ms";
    }

    private static double ms(final long ns)
    {
        return ns / 1e6;
    }

    private static void report(final String name, final Histogram histogram)
    {
        System.out.printf(Locale.ROOT, "%-52s n=%d  p50 %6.1f ms  p90 %6.1f ms  p99 %6.1f ms  max %6.1f ms%n", name,
            histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1e6,
            histogram.getValueAtPercentile(90) / 1e6, histogram.getValueAtPercentile(99) / 1e6,
            histogram.getMaxValue() / 1e6);
    }

    private static void await(final BooleanSupplier condition, final String what)
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
