package dev.tandem.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.tandem.benchmarks.failover.FailoverTimeHarness;
import dev.tandem.benchmarks.failover.SwitchoverTimeHarness;
import dev.tandem.benchmarks.journal.JournalLatencyHarness;
import dev.tandem.benchmarks.node.NodeLatencyHarness;
import dev.tandem.benchmarks.node.NodeSuiteOptions;
import dev.tandem.benchmarks.replication.ReplicationLatencyHarness;
import org.HdrHistogram.Histogram;

/**
 * {@code ./tandem bench}: the benchmark suite in one command, with its baselines in the same invocation, written as a
 * report ({@code index.html} with PNG plots, {@code summary.md}, {@code results.json}; see {@link ReportWriter}).
 * <ol>
 *   <li>node-level round trips ({@link NodeLatencyHarness}): a Tandem node, a Tandem pair (WaitForever,
 *       BoundedWait), QuickFIX/J 3.0.0 with a FileStore and a raw echo server, each in its own process, at 500, 5,000
 *       and 20,000 orders/s; idle CPU per process; the highest rate with p99 under 1 ms (pair WaitForever,
 *       QuickFIX/J);</li>
 *   <li>replication: the WaitForever and BoundedWait acknowledged round trip beside a TCP ping-pong of the same frame
 *       (busy-spinning alone, and blocking interleaved with the round trips);</li>
 *   <li>the store: Tandem's journal append beside QuickFIX/J's FileStore at a fixed rate;</li>
 *   <li>failover: SIGKILL of a primary to Logon on the secondary, beside reconnect-and-Logon to a Hot node;</li>
 *   <li>switchover: planned switchovers back and forth on one pair, the outage of each and where its time went.</li>
 * </ol>
 * Options: {@code --quick} (a smoke test of 1-2 minutes instead of about 10), {@code --out DIR} (default
 * {@code target/bench-report}), {@code --compare OLD.json} (after the run, print the differences from an earlier
 * run; with {@code --against NEW.json}, compare two files and run nothing), {@code --parts node,replication,journal,
 * failover,switchover} (default all), {@code --failover-runs N}, {@code --switchover-runs N} (default 20, quick 3),
 * {@code --switchover-warmup-ms MS} (traffic before the first switchover: default 10,000, quick 2,000),
 * and the node-level options of {@link NodeSuiteOptions} ({@code --node-yaml}, {@code --node-jvm-arg},
 * {@code --variant}, {@code --rates}, {@code --acceptors}, ...).
 * <p>
 * Threading: the main thread.
 */
public final class BenchMain
{
    private static final List<String> PARTS = List.of("node", "replication", "journal", "failover", "switchover");
    /** Orders per second from the initiator during the switchovers: the failover part's rate. */
    private static final int SWITCHOVER_RATE = 200;
    /** Why the failover and switchover clients run in a JVM of their own, for the report (see ClientJvm). */
    private static final String CLIENT_JVM_WHY = "the client stands for a counterparty on another host: on a " +
        "small host its C2 compiler, recompiling the reconnect path as the failover happens, would take a core " +
        "from the nodes measured";

    private BenchMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int status;
        try
        {
            status = run(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("tandem bench: " + ex.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    /** Runs the suite as {@code args} say; returns the exit status. */
    static int run(final String[] args) throws Exception
    {
        boolean quick = false;
        Path out = Path.of(System.getProperty("tandem.bench.out", "target/bench-report"));
        Path compare = null;
        Path against = null;
        Set<String> parts = new LinkedHashSet<>(PARTS);
        int failoverRuns = -1;
        int switchoverRuns = -1;
        long switchoverWarmupMs = -1;
        final NodeSuiteOptions nodeOptions = NodeSuiteOptions.parse(new String[0], NodeLatencyHarness.Plan.full());
        final List<String> passed = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            passed.add(args[i]);
            if ("--quick".equals(args[i]))
            {
                quick = true;
                continue;
            }
            if ("--help".equals(args[i]) || "-h".equals(args[i]))
            {
                System.out.println("usage: ./tandem bench [--quick] [--out DIR] [--compare OLD.json [--against " +
                    "NEW.json]] [--parts node,replication,journal,failover,switchover] [--failover-runs N] " +
                    "[--switchover-runs N] [--switchover-warmup-ms MS] [--rates R,...] " +
                    "[--acceptors A,...] [--search A,...|none] [--node-yaml 'KEY: VALUE']... [--node-jvm-arg ARG]... " +
                    "[--variant LABEL=ENTRY]...  (see benchmarks/README.md)");
                return 0;
            }
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException("unknown option or missing value: " + args[i]);
            }
            if (nodeOptions.accept(args, i))
            {
                passed.add(args[++i]);
                continue;
            }
            final String value = args[++i];
            passed.add(value);
            switch (args[i - 1])
            {
                case "--out" -> out = Path.of(value);
                case "--compare" -> compare = Path.of(value);
                case "--against" -> against = Path.of(value);
                case "--failover-runs" -> failoverRuns = positive("--failover-runs", value);
                case "--switchover-runs" -> switchoverRuns = positive("--switchover-runs", value);
                case "--switchover-warmup-ms" -> switchoverWarmupMs = positive("--switchover-warmup-ms", value);
                case "--parts" ->
                {
                    parts = new LinkedHashSet<>();
                    for (final String part : value.split(","))
                    {
                        if (!PARTS.contains(part.trim()))
                        {
                            throw new IllegalArgumentException("--parts: unknown part '" + part + "'; known: " +
                                String.join(",", PARTS));
                        }
                        parts.add(part.trim());
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i - 1]);
            }
        }
        if (against != null)
        {
            if (compare == null)
            {
                throw new IllegalArgumentException("--against needs --compare OLD.json");
            }
            return BenchCompare.print(compare, against, System.out) > 0 ? 0 : 1;
        }
        if (compare != null && !Files.isReadable(compare))
        {
            throw new IllegalArgumentException("--compare: cannot read " + compare);
        }
        if (quick)
        {
            final int[] rates = nodeOptions.plan().rates();
            nodeOptions.plan(NodeLatencyHarness.Plan.quick().withRates(rates));
        }
        final BenchResults results = new BenchResults();
        final long startNs = System.nanoTime();
        results.meta("command", "./tandem bench " + String.join(" ", passed))
            .meta("mode", quick ? "quick (smoke test: short runs, indicative only)" : "full")
            .meta("started", Instant.now().toString())
            .meta("machine", Machine.describe())
            .meta("load average at start", Machine.loadAverage());
        if (!nodeOptions.passThrough().isEmpty())
        {
            results.meta("passed to the Tandem nodes", nodeOptions.passThrough());
        }
        if (parts.contains("node"))
        {
            NodeLatencyHarness.declareGroups(results, nodeOptions.plan());
        }
        declareOtherGroups(results, parts, quick);
        if (parts.contains("node"))
        {
            nodeOptions.run(results);
        }
        if (parts.contains("replication"))
        {
            replication(results, quick);
        }
        if (parts.contains("journal"))
        {
            journal(results, quick);
        }
        if (parts.contains("failover"))
        {
            failover(results, failoverRuns > 0 ? failoverRuns : quick ? 3 : 10);
        }
        if (parts.contains("switchover"))
        {
            switchover(results, switchoverRuns > 0 ? switchoverRuns : quick ? 3 : 20,
                switchoverWarmupMs > 0 ? switchoverWarmupMs : quick ? 2_000 : SwitchoverTimeHarness.DEFAULT_WARMUP_MS);
        }
        results.meta("load average at end", Machine.loadAverage())
            .meta("duration", String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - startNs) / 1e9));
        final Path index = ReportWriter.write(results, out);
        System.out.println();
        System.out.println(Files.readString(out.resolve("summary.md")));
        System.out.println("report: " + index.toAbsolutePath());
        if (compare != null)
        {
            BenchCompare.print(compare, out.resolve("results.json"), System.out);
        }
        return 0;
    }

    private static void declareOtherGroups(final BenchResults results, final Set<String> parts, final boolean quick)
    {
        if (parts.contains("replication"))
        {
            results.group("replication", "Replication: acknowledged round trip vs TCP ping-pong",
                "In one JVM over loopback: append a 200-byte message to the primary's journal and wait until its " +
                "ack strategy releases it (the secondary's ack is back), alternating with a blocking TCP ping-pong " +
                "of the 268-byte data frame so both see the same load. The replication source runs on the thread " +
                "that appends, as under the node's default threading profile (SHARED: the FIX engine, the source " +
                "and the sink share one thread per node), the sink on a thread of its own (the secondary's); both " +
                "yield when idle. The first line is a busy-spinning TCP ping-pong measured alone (the floor); then " +
                "WaitForever with the source on a thread of its own (the DEDICATED profiles' layout: three threads " +
                "on the round trip), and WaitForever with both journals' pretouching off (before/after of " +
                "Journal.pretouch). " + replicationIterations(quick) + " round trips each.");
        }
        if (parts.contains("journal"))
        {
            results.group("journal", "Store: journal append vs QuickFIX/J FileStore",
                "Append latency of a ~200-byte message at " + journalRate(quick) + " appends/s, timed from each " +
                "append's scheduled time (coordinated omission corrected): QuickFIX/J 3.0.0 FileStore (sync off) " +
                "and Tandem's journal (BUFFERED), one after the other in one JVM.");
        }
        if (parts.contains("failover"))
        {
            results.group("failover", "Failover time",
                "Per run a fresh primary and secondary JVM pair (WaitForever, !TryHeartbeat { delayMs: 300 }), an " +
                "initiator sending 200 orders/s, then SIGKILL to the primary: the time from the kill to the " +
                "initiator's Logon on the secondary. Baseline: after the failover the initiator is disconnected " +
                "and logs on again to the now-Hot secondary (reconnect and Logon, the floor of any failover). " +
                "Initiator " + FailoverTimeHarness.strategy() + ", in a JVM of its own with C1 only (" +
                CLIENT_JVM_WHY + ").");
        }
        if (parts.contains("switchover"))
        {
            results.group("switchover", "Planned switchover outage",
                "One primary and secondary JVM pair (WaitForever; the secondary serves replication once Hot), " +
                "Tandem's FailoverInitiator sending " + SWITCHOVER_RATE + " orders/s, after a warm-up of traffic " +
                "(--switchover-warmup-ms) PUT /service/switchover on the Hot node, back and forth: the outage of " +
                "each is the time from the initiator's last answer " +
                "before its session ended (the Logout) to its Logon on the new primary. Where it went: logout (last " +
                "answer to the end of the session), to-hot (end of the session to the new primary's TANDEM HOT " +
                "line: the old primary closes its acceptor, waits for the acknowledgement and sends HANDOVER, the " +
                "secondary activates), activation (the new primary's own steps, HANDOVER seen to Hot), to-logon " +
                "(the TANDEM HOT line to the Logon: the initiator's reconnect). Initiator " +
                SwitchoverTimeHarness.strategy() + ", in a JVM of its own with C1 only (" + CLIENT_JVM_WHY + ").");
        }
    }

    private static int positive(final String option, final String value)
    {
        try
        {
            final int parsed = Integer.parseInt(value);
            if (parsed > 0)
            {
                return parsed;
            }
        }
        catch (final NumberFormatException ex)
        {
            // answered below with the option and the value
        }
        throw new IllegalArgumentException(option + ": bad value '" + value + "', expected a whole number above 0");
    }

    private static int replicationIterations(final boolean quick)
    {
        return quick ? 5_000 : 50_000;
    }

    private static int journalRate(final boolean quick)
    {
        return quick ? 20_000 : 50_000;
    }

    private static void replication(final BenchResults results, final boolean quick) throws IOException
    {
        final int iterations = replicationIterations(quick);
        System.out.println("replication: spinning ping-pong, then WaitForever and BoundedWait interleaved with a " +
            "blocking ping-pong, " + iterations + " round trips each");
        results.series("replication", "tcp-pingpong-spin", "TCP ping-pong, busy-spinning (alone)",
            ReplicationLatencyHarness.spinningPingPong(iterations), "us");
        // the source on the session's thread, as a node's default threading profile (SHARED) runs it
        final Histogram[] waitForever = ReplicationLatencyHarness.interleaved("WaitForever", true, iterations);
        final Histogram[] boundedWait = ReplicationLatencyHarness.interleaved("BoundedWait", true, iterations);
        // the source on a thread of its own, as the DEDICATED profiles (BALANCED, LOW_LATENCY, BACKOFF) run it
        final Histogram[] ownThread = ReplicationLatencyHarness.interleaved("WaitForever", false, iterations);
        // before/after of Journal.pretouch in the same run: both journals with pretouchAheadBytes 0
        final Histogram[] noPretouch = ReplicationLatencyHarness.interleaved("WaitForever", true, iterations, false);
        results.series("replication", "tcp-pingpong-blocking", "TCP ping-pong, blocking (interleaved with " +
            "WaitForever)", waitForever[1], "us");
        results.series("replication", "waitforever", "WaitForever acked round trip", waitForever[0], "us");
        results.series("replication", "boundedwait", "BoundedWait 5 ms acked round trip", boundedWait[0], "us");
        results.series("replication", "waitforever-own-thread", "WaitForever acked round trip, source on a thread " +
            "of its own (DEDICATED profiles)", ownThread[0], "us");
        results.series("replication", "waitforever-no-pretouch", "WaitForever acked round trip, journals without " +
            "pretouch (pretouchAheadBytes 0)", noPretouch[0], "us");
    }

    private static void journal(final BenchResults results, final boolean quick) throws Exception
    {
        final int rate = journalRate(quick);
        System.out.println("journal: " + rate + " appends/s, Tandem journal and QuickFIX/J FileStore");
        final Histogram[] stores = JournalLatencyHarness.tandemAndFileStore(rate, quick ? 500 : 2_000,
            quick ? 1_000 : 5_000);
        results.series("journal", "quickfixj-filestore", "QuickFIX/J 3.0.0 FileStore (sync off)", stores[1], "us");
        results.series("journal", "tandem-journal", "Tandem journal (BUFFERED)", stores[0], "us");
    }

    private static void failover(final BenchResults results, final int runs) throws IOException
    {
        System.out.println("failover: " + runs + " runs");
        final Histogram[] failover = FailoverTimeHarness.measureInClientJvm(runs, "WaitForever", 300, 200);
        results.series("failover", "reconnect", "reconnect + Logon to a Hot node (baseline)", failover[1], "ms");
        results.series("failover", "failover", "SIGKILL of the primary to Logon on the secondary", failover[0], "ms");
        results.metric("extra.failover.runs", runs);
        results.metric("extra.failover.delay_ms", 300);
    }

    private static void switchover(final BenchResults results, final int runs, final long warmupMs)
        throws IOException
    {
        final SwitchoverTimeHarness.Result result = SwitchoverTimeHarness.measureInClientJvm(runs, SWITCHOVER_RATE,
            SwitchoverTimeHarness.strategy(), warmupMs);
        System.out.println(result.verdict());
        results.series("switchover", "outage", "outage: last answer to Logon on the new primary", result.outage(),
            "ms");
        for (final Map.Entry<String, Histogram> phase : result.phases().entrySet())
        {
            results.series("switchover", phase.getKey(), "phase: " + phase.getKey(), phase.getValue(), "ms");
        }
        results.metric("extra.switchover.runs", runs);
        results.metric("extra.switchover.warmup_ms", warmupMs);
        results.metric("extra.switchover.lost_or_duplicated", result.lost());
        if (result.lost() > 0)
        {
            results.note("switchover: " + result.verdict());
        }
    }
}
