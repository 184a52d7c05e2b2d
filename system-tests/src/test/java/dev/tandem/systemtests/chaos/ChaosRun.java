package dev.tandem.systemtests.chaos;

import dev.tandem.systemtests.chaos.ChaosPair.Node;
import dev.tandem.test.Tests;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One seeded chaos run: a pair of node JVMs ({@link ChaosPair}), an initiator sending orders at a fixed rate, and a
 * fault every few seconds drawn by a {@link Random} seeded with {@link Settings#seed}: the kinds come from a shuffled
 * deck of all {@link FaultKind}s (refilled and reshuffled when empty, so every kind shows once in every six faults),
 * the pause and stall lengths and the intervals from the same generator. After each fault the run restores a pair:
 * a dead or Stale node is restarted as the secondary of the Hot one. At the end the initiator stops sending, the
 * last secondary catches up, both nodes stop, and {@link ChaosVerdict} checks the artefacts: the initiator's counts
 * and received messages, and both journals.
 * <p>
 * Threading: one thread runs the whole run; node output pumps print events.
 */
final class ChaosRun
{
    /** What a run does; the seed alone decides the faults, so a failing run is replayed with its seed. */
    record Settings(long seed, String ack, String ackWhenHot, String initiator, int ratePerSecond,
        long minIntervalMs, long maxIntervalMs, int faults, long durationMs)
    {
        @Override
        public String toString()
        {
            return "seed=" + seed + " ack=" + ack + (ack.equals(ackWhenHot) ? "" : " ackWhenHot=" + ackWhenHot) +
                " initiator=" + initiator + " rate=" + ratePerSecond + "/s interval=" + minIntervalMs + "-" +
                maxIntervalMs + "ms " + (faults > 0 ? "faults=" + faults : "duration=" + durationMs / 1000 + "s");
        }

        /** The system properties that replay this run. */
        String replay()
        {
            return "-Dtandem.chaos.seed=" + seed + " -Dtandem.chaos.ack=" + ack +
                (ack.equals(ackWhenHot) ? "" : " -Dtandem.chaos.ackWhenHot=" + ackWhenHot) +
                " -Dtandem.chaos.initiator=" + initiator + (faults > 0 ? " -Dtandem.chaos.faults=" + faults :
                " -Dtandem.chaos.minutes=" + durationMs / 60_000.0) + " -Dtandem.chaos.rate=" + ratePerSecond;
        }

        /**
         * The YAML of an ack strategy name: {@code default} (the node's own default, nothing configured),
         * {@code WaitForever}, {@code NeverTimesOut}, {@code BoundedWait}, or any {@code !Tag { ... }} as written.
         */
        static String yaml(final String ack)
        {
            if (ack.startsWith("!"))
            {
                return ack;
            }
            return switch (ack.toLowerCase(Locale.ROOT))
            {
                case "default" -> null;
                case "waitforever" -> "!WaitForever { }";
                case "nevertimesout" -> "!NeverTimesOut { }";
                case "boundedwait" -> "!BoundedWait { timeoutMs: 5 }";
                default -> throw new IllegalArgumentException("tandem.chaos.ack: " + ack +
                    " (default, WaitForever, NeverTimesOut, BoundedWait or a !Tag { ... })");
            };
        }
    }

    /** The secondaries' activation: fast, as the issue's runs had it. */
    static final String ACTIVATION = "!TryHeartbeat { delayMs: 300 }";
    /** FIX heartbeat of both sides; short so a silent link is noticed within seconds. */
    static final int HEARTBEAT_SEC = 5;
    /** Shortest and longest SIGSTOP or link stall. */
    static final int MIN_HOLD_MS = 500;
    static final int MAX_HOLD_MS = 3_000;
    /** How long the pair may take to be a pair again after a fault (node JVM start-ups on a loaded machine). */
    static final long SETTLE_TIMEOUT_MS = 90_000;
    /** How long the initiator may take to get every order answered once it stopped sending. */
    static final long DRAIN_TIMEOUT_MS = 15_000;
    /**
     * After the pair is back, how long the initiator may take to log on again and get answers before the next fault
     * comes anyway (a counterparty stuck on "MsgSeqNum too low" never does; that fails the run, after it ends).
     */
    static final long INITIATOR_BACK_TIMEOUT_MS = 10_000;
    /** The same wait once the session failed to resume after an earlier fault (the run fails anyway). */
    static final long AFTER_FIRST_STUCK_TIMEOUT_MS = 2_000;
    /** Answers the initiator must get after the pair is back, so that each fault hits a session in full flow. */
    static final long ANSWERS_BEFORE_FAULT = 50;
    /** Salt of the timing generator's seed, so that kinds and timings are drawn independently. */
    private static final long TIMING_SALT = 0x9E3779B97F4A7C15L;
    /** How long the last secondary may take to catch up with the final primary. */
    static final long CATCH_UP_TIMEOUT_MS = 60_000;
    private static final DateTimeFormatter SENDING_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HH:mm:ss[.SSS]");

    private final Settings settings;
    private final PrintStream out;
    /** Draws the fault kinds only, so the plan of a seed is known before the run ({@link #plan}). */
    private final Random kinds;
    /** Draws the intervals and the pause and stall lengths. */
    private final Random timing;
    private final List<FaultKind> deck = new ArrayList<>();
    private final long startNs = System.nanoTime();
    private final Map<FaultKind, Integer> injected = new EnumMap<>(FaultKind.class);
    /** Wall-clock ms of each fault and its description, to name the fault a leaked message came after. */
    private final List<long[]> faultTimes = new ArrayList<>();
    private final List<String> faultNames = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    /** Faults after which the session did not resume in time. */
    private final List<String> notFlowing = new ArrayList<>();

    ChaosRun(final Settings settings, final PrintStream out)
    {
        this.settings = settings;
        this.out = out;
        this.kinds = new Random(settings.seed);
        this.timing = new Random(Long.reverse(settings.seed) ^ TIMING_SALT);
    }

    /** The first {@code count} fault kinds a run with {@code seed} injects. */
    static List<FaultKind> plan(final long seed, final int count)
    {
        final Random random = new Random(seed);
        final List<FaultKind> deck = new ArrayList<>();
        final List<FaultKind> plan = new ArrayList<>();
        while (plan.size() < count)
        {
            draw(random, deck);
            plan.add(deck.remove(0));
        }
        return plan;
    }

    private static void draw(final Random random, final List<FaultKind> deck)
    {
        if (deck.isEmpty())
        {
            deck.addAll(Arrays.asList(FaultKind.values()));
            Collections.shuffle(deck, random);
        }
    }

    /** Runs the whole scenario and checks it; never leaves a process or a thread of its own behind. */
    ChaosVerdict run()
    {
        print("CHAOS START " + settings + " plan " + (settings.faults > 0 ? plan(settings.seed, settings.faults) :
            plan(settings.seed, FaultKind.values().length) + "...") + " (replay: " + settings.replay() + ")");
        final Path dir = Tests.tempDir("chaos-" + settings.seed);
        ChaosInitiator initiator = null;
        ChaosVerdict verdict = null;
        try (ChaosPair pair = new ChaosPair(dir, Settings.yaml(settings.ack), Settings.yaml(settings.ackWhenHot), ACTIVATION, HEARTBEAT_SEC, this::print))
        {
            pair.start();
            settle(pair, "start");
            initiator = startInitiator(pair, dir);
            final ChaosInitiator running = initiator;
            Tests.await("first Logon and " + settings.ratePerSecond + " orders answered (" + settings + ")",
                Duration.ofMillis(SETTLE_TIMEOUT_MS), () -> running.answered() >= settings.ratePerSecond);

            long lastFaultNs = System.nanoTime();
            int faults = 0;
            while (settings.faults > 0 ? faults < settings.faults :
                System.nanoTime() - startNs < TimeUnit.MILLISECONDS.toNanos(settings.durationMs))
            {
                final long intervalMs = interval();
                checkFlow(initiator, faults == 0 ? "start" : faultNames.get(faultNames.size() - 1));
                hold(lastFaultNs, intervalMs);
                lastFaultNs = System.nanoTime();
                faults++;
                final String fault = inject(pair, nextKind(), faults);
                final long settleStartNs = System.nanoTime();
                if (!settle(pair, fault))
                {
                    break;
                }
                print("after " + fault + ": pair again in " +
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - settleStartNs) + " ms; orders sent " +
                    initiator.sent() + " answered " + initiator.answered() + " logons " + initiator.logons() +
                    " loggedOn " + initiator.isLoggedOn());
            }
            // some steady traffic after the last fault, then drain
            final long lastIntervalMs = interval();
            checkFlow(initiator, faultNames.isEmpty() ? "start" : faultNames.get(faultNames.size() - 1));
            hold(lastFaultNs, lastIntervalMs);
            initiator.stopSending();
            final long drainDeadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MS);
            while (initiator.answered() < initiator.sent() && System.nanoTime() - drainDeadlineNs < 0)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                checkInterrupt();
            }
            initiator.close();

            final Node hot = hotNode(pair);
            final Node warm = hot == null ? null : pair.other(hot);
            if (hot != null)
            {
                awaitCatchUp(pair, hot, warm);
                if (warm.alive())
                {
                    pair.terminate(warm);
                }
                pair.terminate(hot);
            }
            else
            {
                problems.add("no single Hot node at the end: node-1 " + pair.mode(pair.node(0)) + ", node-2 " +
                    pair.mode(pair.node(1)));
            }
            pair.close();
            verdict = ChaosVerdict.check(settings, initiator, hot, warm, injected, pair.hotLines(),
                notFlowing.size(), faultTimes, faultNames, problems);
            return verdict;
        }
        finally
        {
            if (initiator != null)
            {
                initiator.close();
            }
            if (verdict != null && verdict.passed())
            {
                Tests.deleteRecursively(dir);
            }
            else
            {
                print("CHAOS artefacts kept in " + dir + " (seed=" + settings.seed + ")");
            }
        }
    }

    private ChaosInitiator startInitiator(final ChaosPair pair, final Path dir)
    {
        if ("quickfixj".equals(settings.initiator))
        {
            return new QuickFixJChaosInitiator(pair.fixPorts(), dir.resolve("quickfixj-store"), HEARTBEAT_SEC,
                settings.ratePerSecond);
        }
        return new TandemChaosInitiator(pair.fixPorts(), dir.resolve("initiator-journal"), HEARTBEAT_SEC,
            settings.ratePerSecond);
    }

    private FaultKind nextKind()
    {
        draw(kinds, deck);
        return deck.remove(0);
    }

    private long interval()
    {
        return settings.minIntervalMs + (long)(timing.nextDouble() * (settings.maxIntervalMs - settings.minIntervalMs));
    }

    private int holdMs()
    {
        return MIN_HOLD_MS + timing.nextInt(MAX_HOLD_MS - MIN_HOLD_MS + 1);
    }

    /** Injects one fault on the current pair; returns its description. */
    private String inject(final ChaosPair pair, final FaultKind kind, final int number)
    {
        final Node hot = hotNode(pair);
        if (hot == null)
        {
            throw new IllegalStateException("no Hot node before fault #" + number + " (seed=" + settings.seed + ")");
        }
        final Node warm = pair.other(hot);
        final String fault;
        switch (kind)
        {
            case KILL_HOT ->
            {
                fault = "fault #" + number + " KILL_HOT " + hot;
                mark(kind, fault);
                hot.process.kill();
            }
            case KILL_WARM ->
            {
                fault = "fault #" + number + " KILL_WARM " + warm;
                mark(kind, fault);
                warm.process.kill();
            }
            case PAUSE_HOT ->
            {
                final int ms = holdMs();
                fault = "fault #" + number + " PAUSE_HOT " + hot + " " + ms + "ms";
                mark(kind, fault);
                pair.pause(hot);
                park(ms);
                pair.resume(hot);
            }
            case TERM_HOT ->
            {
                fault = "fault #" + number + " TERM_HOT " + hot;
                mark(kind, fault);
                pair.terminate(hot);
            }
            case LINK_DROP ->
            {
                fault = "fault #" + number + " LINK_DROP " + warm + "->" + hot;
                mark(kind, fault);
                hot.proxy.cutAll();
            }
            case LINK_STALL ->
            {
                final int ms = holdMs();
                fault = "fault #" + number + " LINK_STALL " + warm + "->" + hot + " " + ms + "ms";
                mark(kind, fault);
                hot.proxy.stall(true);
                park(ms);
                hot.proxy.stall(false);
            }
            default -> throw new IllegalStateException("unknown fault " + kind);
        }
        return fault;
    }

    private void mark(final FaultKind kind, final String fault)
    {
        injected.merge(kind, 1, Integer::sum);
        faultTimes.add(new long[]{System.currentTimeMillis()});
        faultNames.add(fault);
        print(fault);
    }

    /**
     * Makes the two nodes a pair again: a Stale node, or a dead one once the other is Hot, is restarted as the Hot
     * one's secondary; done when one node is Hot and the other Warm and streaming from it. A deadline bounds it; on
     * failure the problem is recorded (with the seed) and false returned, so the run stops injecting and still checks
     * what it has.
     */
    private boolean settle(final ChaosPair pair, final String after)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_TIMEOUT_MS);
        String last = "";
        while (System.nanoTime() - deadlineNs < 0)
        {
            final Node a = pair.node(0);
            final Node b = pair.node(1);
            final String modeA = pair.mode(a);
            final String modeB = pair.mode(b);
            last = "node-1 " + modeA + ", node-2 " + modeB;
            if (restartIfNeeded(pair, a, modeA, modeB) || restartIfNeeded(pair, b, modeB, modeA))
            {
                continue;
            }
            if ("Hot".equals(modeA) && "Warm".equals(modeB) && pair.replicating(b) ||
                "Hot".equals(modeB) && "Warm".equals(modeA) && pair.replicating(a))
            {
                return true;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            checkInterrupt();
        }
        problems.add("the nodes were not a replicating pair again within " + SETTLE_TIMEOUT_MS + " ms after " +
            after + " (" + last + ")");
        print("CHAOS no pair after " + after + ": " + last);
        return false;
    }

    private boolean restartIfNeeded(final ChaosPair pair, final Node node, final String mode, final String otherMode)
    {
        if ("Stale".equals(mode) || "Down".equals(mode) && "Hot".equals(otherMode))
        {
            print("restarting " + node + " (" + mode + ") as the secondary of " + pair.other(node));
            pair.restartAsSecondary(node);
            return true;
        }
        return false;
    }

    private static Node hotNode(final ChaosPair pair)
    {
        final boolean hotA = "Hot".equals(pair.mode(pair.node(0)));
        final boolean hotB = "Hot".equals(pair.mode(pair.node(1)));
        if (hotA == hotB)
        {
            return null;
        }
        return hotA ? pair.node(0) : pair.node(1);
    }

    private void checkFlow(final ChaosInitiator initiator, final String after)
    {
        // once the run has failed that way, later faults wait less for it
        if (!awaitFlow(initiator, notFlowing.isEmpty() ? INITIATOR_BACK_TIMEOUT_MS : AFTER_FIRST_STUCK_TIMEOUT_MS))
        {
            if (notFlowing.isEmpty())
            {
                problems.add("the session did not resume (logged on, " + ANSWERS_BEFORE_FAULT + " more answers) " +
                    "within " + INITIATOR_BACK_TIMEOUT_MS + " ms of the pair being back, first after " + after +
                    " (see 'not in flow' lines)");
            }
            notFlowing.add(after);
            print("initiator not in flow after " + after + ": sent " + initiator.sent() + " answered " +
                initiator.answered() + " loggedOn " + initiator.isLoggedOn() + " 'MsgSeqNum too low' so far " +
                initiator.sequenceTooLow());
        }
    }

    /** Waits (bounded) until the initiator is logged on and got {@link #ANSWERS_BEFORE_FAULT} more answers. */
    private static boolean awaitFlow(final ChaosInitiator initiator, final long timeoutMs)
    {
        final long answeredBefore = initiator.answered();
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() - deadlineNs < 0)
        {
            if (initiator.isLoggedOn() && initiator.answered() >= answeredBefore + ANSWERS_BEFORE_FAULT)
            {
                return true;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            checkInterrupt();
        }
        return false;
    }

    private void awaitCatchUp(final ChaosPair pair, final Node hot, final Node warm)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CATCH_UP_TIMEOUT_MS);
        long target = -1;
        long appended = -1;
        while (System.nanoTime() - deadlineNs < 0)
        {
            target = pair.journalPosition(hot);
            appended = pair.appendedPosition(warm);
            if (target > 0 && appended == target)
            {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            checkInterrupt();
        }
        problems.add("the last secondary " + warm + " did not catch up with " + hot + " within " +
            CATCH_UP_TIMEOUT_MS + " ms (appended " + appended + ", primary at " + target + ")");
    }

    /** Lets traffic flow until {@code intervalMs} after {@code sinceNs}: the fault schedule, not a synchronisation. */
    private static void hold(final long sinceNs, final long intervalMs)
    {
        final long untilNs = sinceNs + TimeUnit.MILLISECONDS.toNanos(intervalMs);
        long leftNs;
        while ((leftNs = untilNs - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(leftNs);
            checkInterrupt();
        }
    }

    /** The test's timeout interrupts the run: stop at once (the finally blocks kill everything). */
    private static void checkInterrupt()
    {
        if (Thread.currentThread().isInterrupted())
        {
            throw new IllegalStateException("chaos run interrupted");
        }
    }

    private static void park(final long ms)
    {
        hold(System.nanoTime(), ms);
    }

    void print(final String line)
    {
        synchronized (out)
        {
            out.printf(Locale.ROOT, "chaos %s +%.3fs %s%n", Long.toString(settings.seed),
                (System.nanoTime() - startNs) / 1e9, line);
            out.flush();
        }
    }

    /** The wall-clock ms of a FIX SendingTime (52), or -1. */
    static long sendingTimeMs(final String message)
    {
        final int start = message.indexOf("\u000152=");
        if (start < 0)
        {
            return -1;
        }
        final int end = message.indexOf('\u0001', start + 4);
        try
        {
            return LocalDateTime.parse(message.substring(start + 4, end < 0 ? message.length() : end), SENDING_TIME)
                .toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        catch (final RuntimeException ex)
        {
            return -1;
        }
    }

    static String text(final byte[] message)
    {
        return new String(message, StandardCharsets.ISO_8859_1).replace('\u0001', '|');
    }
}
