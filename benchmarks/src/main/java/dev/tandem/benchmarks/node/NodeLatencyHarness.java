package dev.tandem.benchmarks.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import dev.tandem.benchmarks.report.BenchResults;
import org.HdrHistogram.Histogram;

/**
 * Node-level latency as a user gets it: one independent FIX client ({@link FixLoadClient}, fixed rate, corrected for
 * coordinated omission) sends NewOrderSingles to an acceptor running in its own process(es) and times each echoed
 * answer; the same client, the same orders and the same schedule for every acceptor ({@link Acceptors}): a Tandem
 * node alone, a Tandem pair (WaitForever, BoundedWait), QuickFIX/J 3.0.0 with a FileStore, and a raw echo server.
 * <p>
 * Per acceptor: start it, log on, warm both ends up, measure its idle CPU over a quiet interval (logged on, no
 * traffic; its threads but the JIT compiler's, from {@code /proc/<pid>/task/<tid>/stat}), then one short run per rate
 * (warm-up orders dropped), then optionally the throughput
 * search: the highest rate whose p99 stays under a bound (1 ms), doubling from a start rate and then bisecting.
 * <pre>
 * java @tandem.args -cp benchmarks/target/benchmarks.jar dev.tandem.benchmarks.node.NodeLatencyHarness \
 *     [--rates 500,5000,20000] [--warmup-ms 2000] [--measure-ms 8000] [--idle-ms 5000] \
 *     [--acceptors node,pair-waitforever,pair-boundedwait,quickfixj,raw-echo] [--search pair-waitforever,quickfixj] \
 *     [--node-yaml 'KEY: VALUE']... [--node-jvm-arg ARG]...
 * </pre>
 * {@code ./tandem bench} runs this as part of its suite and writes the report.
 * <p>
 * Threading: the caller's thread drives; the client has a reader thread.
 */
public final class NodeLatencyHarness
{
    /** The line a baseline acceptor child prints when it listens, followed by its port. */
    public static final String READY = "ACCEPTOR READY port=";
    /** The throughput search's bound: the highest rate whose p99 stays below it. */
    public static final long SEARCH_P99_BOUND_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The throughput search halves the rate after a failure at its start rate down to this. */
    public static final int SEARCH_MIN_RATE = 250;
    /** Every acceptor is warmed up at this rate (orders/s) before its first measured run. */
    public static final int PREWARM_RATE = 5_000;

    /**
     * How long each part runs.
     *
     * @param prewarmMs warm-up at {@link #PREWARM_RATE} before the first rate (JIT, first page faults).
     * @param rates offered rates, orders per second.
     * @param warmupMs warm-up per rate (orders sent, not recorded).
     * @param measureMs measured time per rate.
     * @param idleMs the quiet interval over which idle CPU is measured.
     * @param searchStartRate the throughput search's first rate.
     * @param searchMaxRate it never offers more than this.
     * @param searchBisections steps of bisection between the last rate that passed and the first that failed.
     * @param searchWarmupMs warm-up per search step.
     * @param searchMeasureMs measured time per search step.
     */
    public record Plan(long prewarmMs, int[] rates, long warmupMs, long measureMs, long idleMs, int searchStartRate,
        int searchMaxRate, int searchBisections, long searchWarmupMs, long searchMeasureMs)
    {
        /** About 8 minutes of node-level runs for the full suite. */
        public static Plan full()
        {
            return new Plan(5_000, new int[]{500, 5_000, 20_000}, 2_000, 8_000, 5_000, 1_000, 160_000, 3, 1_000, 3_000);
        }

        /** This plan with other rates. */
        public Plan withRates(final int[] newRates)
        {
            return new Plan(prewarmMs, newRates, warmupMs, measureMs, idleMs, searchStartRate, searchMaxRate,
                searchBisections, searchWarmupMs, searchMeasureMs);
        }

        /** This plan with other times, in milliseconds. */
        public Plan withTimes(final long newPrewarmMs, final long newWarmupMs, final long newMeasureMs,
            final long newIdleMs)
        {
            return new Plan(newPrewarmMs, rates, newWarmupMs, newMeasureMs, newIdleMs, searchStartRate,
                searchMaxRate, searchBisections, searchWarmupMs, searchMeasureMs);
        }

        /** A smoke test: about a minute. */
        public static Plan quick()
        {
            return new Plan(2_000, new int[]{500, 5_000, 20_000}, 500, 1_500, 1_000, 2_000, 64_000, 1, 200, 600);
        }
    }

    private NodeLatencyHarness()
    {
    }

    /** Declares the node-level groups (one plot per rate) in {@code results}. */
    public static void declareGroups(final BenchResults results, final Plan plan)
    {
        for (final int rate : plan.rates())
        {
            results.group(group(rate), String.format(Locale.ROOT, "Node-level round trip at %,d orders/s", rate),
                String.format(Locale.ROOT, "One FIX client sends NewOrderSingles at %,d/s (open loop, fixed rate) to " +
                "an acceptor in its own process and times each echoed answer from the order's intended send time " +
                "(coordinated omission corrected); each acceptor first warmed up for %,d ms at %,d/s, then %,d ms " +
                "of warm-up at this rate dropped, %,d ms measured.", rate, plan.prewarmMs(), PREWARM_RATE,
                plan.warmupMs(), plan.measureMs()));
        }
    }

    /** The group of the runs at {@code rate}. */
    public static String group(final int rate)
    {
        return "node-" + rate;
    }

    /**
     * Starts the acceptor, measures it as {@code plan} says into {@code results}, and closes it.
     *
     * @param search whether to run the throughput search on it too.
     */
    public static void measure(final Supplier<Acceptor> starter, final Plan plan, final boolean search,
        final BenchResults results)
    {
        try (Acceptor acceptor = starter.get())
        {
            System.out.printf(Locale.ROOT, "  %s: started (pids %s)%n", acceptor.label(), acceptor.processes());
            try (FixLoadClient client = FixLoadClient.connect("127.0.0.1", acceptor.fixPort(), "TW", "ISLD", 30))
            {
                client.logon(30_000);
                // JIT and first-touch warm-up of both ends before any rate is measured; not recorded
                final FixLoadClient.RunResult warm =
                    client.run(PREWARM_RATE, 0, (int)Math.max(1, PREWARM_RATE * plan.prewarmMs() / 1000), 10_000);
                if (!warm.complete())
                {
                    throw new IllegalStateException(acceptor.label() + ": only " + warm.answers() + " of " +
                        warm.sent() + " warm-up orders answered");
                }
                // after the warm-up: the steady cost of an idle acceptor, not its start-up's (the JIT compiler
                // threads compiling what the first seconds ran, a journal's first pretouching)
                idleCpu(acceptor, plan.idleMs(), results);
                for (final int rate : plan.rates())
                {
                    final FixLoadClient.RunResult run = client.run(rate, (int)(rate * plan.warmupMs() / 1000),
                        (int)Math.max(1, rate * plan.measureMs() / 1000), 10_000);
                    results.series(group(rate), acceptor.key(), acceptor.label(), run.histogram(), "us");
                    print(acceptor.label(), run);
                    if (!run.complete())
                    {
                        results.note(String.format(Locale.ROOT, "%s at %,d/s: only %,d of %,d orders answered " +
                            "within the run plus 10 s; its percentiles leave the missing ones out", acceptor.label(),
                            rate, run.answers(), run.sent()));
                        results.metric(group(rate) + "." + acceptor.key() + ".missing", run.sent() - run.answers());
                        return;
                    }
                }
                if (search)
                {
                    final int highest = search(client, acceptor.label(), plan);
                    results.metric("throughput_p99_under_1ms." + acceptor.key() + ".orders_per_sec", highest);
                }
            }
        }
    }

    private static void idleCpu(final Acceptor acceptor, final long idleMs, final BenchResults results)
    {
        if (!CpuTime.available())
        {
            results.note("idle CPU not measured: /proc is not readable here");
            return;
        }
        // let start-up work (JIT, first page faults) settle before the quiet interval
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(1_000, idleMs)));
        final List<Acceptor.Proc> procs = acceptor.processes();
        final long[] before = new long[procs.size()];
        for (int i = 0; i < before.length; i++)
        {
            before[i] = CpuTime.processCpuNsWithoutJit(procs.get(i).pid());
        }
        final long startNs = System.nanoTime();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(idleMs));
        final long elapsedNs = System.nanoTime() - startNs;
        final StringBuilder line = new StringBuilder("    idle CPU (% of one core, JIT compiler threads left out):");
        for (int i = 0; i < before.length; i++)
        {
            final double pct = 100.0 * (CpuTime.processCpuNsWithoutJit(procs.get(i).pid()) - before[i]) / elapsedNs;
            results.metric("idle_cpu." + acceptor.key() + "." + procs.get(i).role() + "_pct", pct);
            line.append(String.format(Locale.ROOT, " %s %.1f%%", procs.get(i).role(), pct));
        }
        System.out.println(line);
    }

    /**
     * Doubles the rate from {@code searchStartRate} while p99 stays under {@link #SEARCH_P99_BOUND_NS} and every order
     * is answered, then bisects between the last rate that passed and the first that failed.
     *
     * @return the highest rate that passed, 0 when none did (below the start rate it halves, down to
     * {@link #SEARCH_MIN_RATE}).
     */
    private static int search(final FixLoadClient client, final String label, final Plan plan)
    {
        int pass = 0;
        int fail = 0;
        int rate = plan.searchStartRate();
        while (rate <= plan.searchMaxRate())
        {
            if (passes(client, label, rate, plan))
            {
                pass = rate;
                if (fail > 0)
                {
                    break;
                }
                rate *= 2;
            }
            else
            {
                fail = rate;
                if (pass > 0)
                {
                    break;
                }
                rate /= 2;
                if (rate < SEARCH_MIN_RATE)
                {
                    break;
                }
            }
        }
        if (pass > 0 && fail > 0)
        {
            for (int i = 0; i < plan.searchBisections() && fail - pass > pass / 10; i++)
            {
                final int middle = (pass + fail) / 2;
                if (passes(client, label, middle, plan))
                {
                    pass = middle;
                }
                else
                {
                    fail = middle;
                }
            }
        }
        System.out.printf(Locale.ROOT, "    %s: highest rate with p99 < 1 ms: %s%n", label,
            pass == 0 ? String.format(Locale.ROOT, "none (%,d/s failed)", fail) :
            String.format(Locale.ROOT, "%,d/s", pass));
        return pass;
    }

    private static boolean passes(final FixLoadClient client, final String label, final int rate, final Plan plan)
    {
        final FixLoadClient.RunResult run = client.run(rate, (int)(rate * plan.searchWarmupMs() / 1000),
            (int)Math.max(1, rate * plan.searchMeasureMs() / 1000), 2_000);
        final boolean pass = run.complete() && run.histogram().getValueAtPercentile(99) < SEARCH_P99_BOUND_NS;
        System.out.printf(Locale.ROOT, "    search %,7d/s: p99 %,9.1f us%s -> %s%n", rate,
            run.histogram().getValueAtPercentile(99) / 1e3,
            run.complete() ? "" : String.format(Locale.ROOT, " (%,d of %,d answered)", run.answers(), run.sent()),
            pass ? "pass" : "fail");
        if (!run.complete())
        {
            // the acceptor is behind: let it drain before anything else is offered
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
        }
        return pass;
    }

    private static void print(final String label, final FixLoadClient.RunResult run)
    {
        final Histogram h = run.histogram();
        System.out.printf(Locale.ROOT, "    %,7d/s  p50 %,9.1f us  p99 %,9.1f us  p99.9 %,9.1f us  max %,9.1f us  " +
            "(n=%,d)%s%n", run.ratePerSec(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
            h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, h.getTotalCount(),
            run.complete() ? "" : String.format(Locale.ROOT, "  INCOMPLETE: %,d of %,d answered", run.answers(),
            run.sent()));
    }

    /** Runs the node-level suite alone and prints it; see the class comment for the options. */
    public static void main(final String[] args)
    {
        final NodeSuiteOptions options = NodeSuiteOptions.parse(args, Plan.full());
        final BenchResults results = new BenchResults();
        declareGroups(results, options.plan());
        options.run(results);
        for (final String note : results.notes())
        {
            System.out.println("NOTE " + note);
        }
        System.exit(0);
    }

    /** The acceptor names {@code --acceptors} knows, in the order they run. */
    static List<String> allAcceptors()
    {
        return new ArrayList<>(List.of("node", "pair-waitforever", "pair-boundedwait", "quickfixj", "raw-echo"));
    }
}
