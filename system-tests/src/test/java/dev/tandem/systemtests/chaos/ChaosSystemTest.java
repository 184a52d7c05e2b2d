package dev.tandem.systemtests.chaos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seeded chaos test of a primary/secondary pair of node JVMs under a FIX initiator sending orders (issue 14):
 * SIGKILL, SIGSTOP and SIGTERM of the Hot node, SIGKILL of the Warm node, replication-link drops and stalls, with the
 * checks of {@link ChaosVerdict} made after each run from its artefacts.
 * <ul>
 *   <li>Quick mode (the normal suite): two fixed seeds, one with the node's default ack strategy and a QuickFIX/J
 *       initiator (no 789), three faults; one with {@code !WaitForever} and Tandem's initiator (789), four faults;
 *       each has a pause of the Hot node and together they have every kind; 1.5-2.5 s apart.
 *       {@code -Dtandem.chaos.seed=N} (with {@code tandem.chaos.ack}, {@code tandem.chaos.initiator},
 *       {@code tandem.chaos.faults}) replays one quick run.</li>
 *   <li>Long mode, by command, when {@code tandem.chaos.minutes} is set: faults every 15-25 s for that many
 *       minutes, {@code tandem.chaos.runs} runs (default 1), seed random unless given.</li>
 * </ul>
 */
class ChaosSystemTest
{
    static final String SEED = "tandem.chaos.seed";
    static final String MINUTES = "tandem.chaos.minutes";
    static final String ACK = "tandem.chaos.ack";
    static final String ACK_WHEN_HOT = "tandem.chaos.ackWhenHot";
    static final String INITIATOR = "tandem.chaos.initiator";
    static final String RATE = "tandem.chaos.rate";
    static final String RUNS = "tandem.chaos.runs";
    static final String FAULTS = "tandem.chaos.faults";

    /** The rate. */
    private static final int DEFAULT_RATE = 200;
    /** Quick mode: faults close together (each after the pair is back and the initiator in flow again). */
    private static final long QUICK_MIN_INTERVAL_MS = 1_500;
    private static final long QUICK_MAX_INTERVAL_MS = 2_500;
    /** Faults of a replayed quick run when {@code tandem.chaos.faults} is not given. */
    private static final int QUICK_DEFAULT_FAULTS = 4;
    /** Long mode: the 15-25 s between faults. */
    private static final long LONG_MIN_INTERVAL_MS = 15_000;
    private static final long LONG_MAX_INTERVAL_MS = 25_000;

    /**
     * The fixed quick runs: the counterparty most at risk (no 789) on the default strategy, and ours on WaitForever.
     * Seeds chosen so that each run has a pause of the Hot node and the two together have every kind (see
     * {@code shouldCoverEveryFaultKindInTheQuickSeeds}): 14001 draws PAUSE_HOT, KILL_HOT, LINK_STALL; 14011 draws
     * LINK_DROP, TERM_HOT, PAUSE_HOT, KILL_WARM.
     */
    static final Object[][] QUICK_RUNS = {
        {14_001L, 3, "default", "quickfixj"},
        {14_011L, 4, "WaitForever", "tandem"},
    };

    @Test
    void shouldCoverEveryFaultKindInTheQuickSeeds()
    {
        final EnumSet<FaultKind> covered = EnumSet.noneOf(FaultKind.class);
        for (final Object[] run : QUICK_RUNS)
        {
            final List<FaultKind> plan = ChaosRun.plan((Long)run[0], (Integer)run[1]);
            assertTrue(plan.contains(FaultKind.PAUSE_HOT), "a pause in every quick run: " + plan);
            covered.addAll(plan);
        }
        assertEquals(EnumSet.allOf(FaultKind.class), covered);
        assertEquals(ChaosRun.plan(42, 12), ChaosRun.plan(42, 12), "a seed replays the same faults");
        assertEquals(EnumSet.allOf(FaultKind.class), EnumSet.copyOf(ChaosRun.plan(42, 6)), "a deck of every kind");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    @DisabledIfSystemProperty(named = MINUTES, matches = ".+")
    void quick()
    {
        final List<ChaosRun.Settings> runs = new ArrayList<>();
        if (System.getProperty(SEED) != null)
        {
            final long seed = Long.parseLong(System.getProperty(SEED));
            runs.add(quickSettings(seed, Integer.getInteger(FAULTS, QUICK_DEFAULT_FAULTS),
                System.getProperty(ACK, "default"), System.getProperty(INITIATOR, initiatorFor(seed))));
        }
        else
        {
            for (final Object[] run : QUICK_RUNS)
            {
                runs.add(quickSettings((Long)run[0], (Integer)run[1], System.getProperty(ACK, (String)run[2]),
                    System.getProperty(INITIATOR, (String)run[3])));
            }
        }
        runAll(runs);
    }

    @Test
    @Timeout(value = 3_600, unit = TimeUnit.SECONDS)
    @EnabledIfSystemProperty(named = MINUTES, matches = ".+")
    void long_()
    {
        final double minutes = Double.parseDouble(System.getProperty(MINUTES));
        final int count = Integer.getInteger(RUNS, 1);
        final List<ChaosRun.Settings> runs = new ArrayList<>();
        long seed = System.getProperty(SEED) != null ? Long.parseLong(System.getProperty(SEED)) :
            System.nanoTime() ^ System.currentTimeMillis();
        for (int i = 0; i < count; i++, seed++)
        {
            final String ack = System.getProperty(ACK, "default");
            runs.add(new ChaosRun.Settings(seed, ack, System.getProperty(ACK_WHEN_HOT, ack),
                System.getProperty(INITIATOR, initiatorFor(seed)),
                Integer.getInteger(RATE, DEFAULT_RATE), LONG_MIN_INTERVAL_MS, LONG_MAX_INTERVAL_MS, 0,
                (long)(minutes * 60_000)));
        }
        runAll(runs);
    }

    private static ChaosRun.Settings quickSettings(final long seed, final int faults, final String ack,
        final String initiator)
    {
        return new ChaosRun.Settings(seed, ack, System.getProperty(ACK_WHEN_HOT, ack), initiator,
            Integer.getInteger(RATE, DEFAULT_RATE), QUICK_MIN_INTERVAL_MS, QUICK_MAX_INTERVAL_MS, faults, 0);
    }

    private static void runAll(final List<ChaosRun.Settings> runs)
    {
        final List<String> failed = new ArrayList<>();
        final List<String> tallies = new ArrayList<>();
        for (final ChaosRun.Settings settings : runs)
        {
            // a misspelt strategy fails here, before any JVM starts
            ChaosRun.Settings.yaml(settings.ack());
            ChaosRun.Settings.yaml(settings.ackWhenHot());
        }
        for (final ChaosRun.Settings settings : runs)
        {
            final ChaosVerdict verdict = new ChaosRun(settings, System.out).run();
            System.out.println(verdict.tally());
            tallies.add(verdict.tally());
            if (!verdict.passed())
            {
                failed.add(verdict.failureMessage());
            }
        }
        assertTrue(failed.isEmpty(), String.join("\n\n", failed));
    }

    /** Which initiator a seed runs when none is named: both kinds across seeds. */
    static String initiatorFor(final long seed)
    {
        return (seed & 1) == 0 ? "tandem" : "quickfixj";
    }
}
