package dev.tandem.systemtests.chaos;

import dev.tandem.systemtests.chaos.ChaosPair.Node;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checks of a chaos run, made after it from its artefacts (the initiator's counts and the messages it received,
 * both nodes' journals), and the tally printed for every run:
 * <ul>
 *   <li>every order answered (by ClOrdID), and no answer repeated without PossDupFlag or PossResend;</li>
 *   <li>never two nodes releasing at once: every message the counterparty received is the entry with its MsgSeqNum in
 *       the final primary's journal, byte for byte (a PossDupFlag resend: the same fields apart from the header fields
 *       a resend changes), or lies in a range that journal skipped by a journaled sequence change; anything else was
 *       released by a node whose history did not survive (a leak);</li>
 *   <li>the two journals identical entry by entry once the last secondary caught up;</li>
 *   <li>the session resumed after every fault (recorded by {@link ChaosRun} as it went, reported here);</li>
 *   <li>the run really ran: a minimum of orders, and every fault kind of the plan injected.</li>
 * </ul>
 * <p>
 * Threading: one thread.
 */
final class ChaosVerdict
{
    /**
     * Header fields a resend (PossDupFlag=Y) may change: BodyLength, CheckSum, PossDupFlag, SendingTime, PossResend,
     * OrigSendingTime.
     */
    private static final int[] RESEND_CHANGES = {9, 10, 43, 52, 97, 122};
    /** Seconds of orders a run must at least have sent, at its rate, not to pass by running nothing. */
    private static final int MIN_ORDER_SECONDS = 5;
    private static final int EXAMPLES = 3;

    private final List<String> failures = new ArrayList<>();
    private final StringBuilder tally = new StringBuilder();
    private final ChaosRun.Settings settings;

    private ChaosVerdict(final ChaosRun.Settings settings)
    {
        this.settings = settings;
    }

    static ChaosVerdict check(final ChaosRun.Settings settings, final ChaosInitiator initiator, final Node hot,
        final Node warm, final Map<FaultKind, Integer> injected, final int failovers, final int notFlowing,
        final List<long[]> faultTimes,
        final List<String> faultNames, final List<String> problems)
    {
        final ChaosVerdict verdict = new ChaosVerdict(settings);
        verdict.failures.addAll(problems);

        // the run ran
        final long sent = initiator.sent();
        final long minOrders = (long)settings.ratePerSecond() * MIN_ORDER_SECONDS;
        if (sent < minOrders)
        {
            verdict.failures.add("only " + sent + " orders sent (at least " + minOrders + " expected)");
        }
        final int totalFaults = injected.values().stream().mapToInt(Integer::intValue).sum();
        if (settings.faults() > 0)
        {
            final Map<FaultKind, Integer> planned = new EnumMap<>(FaultKind.class);
            for (final FaultKind kind : ChaosRun.plan(settings.seed(), settings.faults()))
            {
                planned.merge(kind, 1, Integer::sum);
            }
            for (final Map.Entry<FaultKind, Integer> kind : planned.entrySet())
            {
                if (injected.getOrDefault(kind.getKey(), 0) < kind.getValue())
                {
                    verdict.failures.add("planned " + kind.getValue() + " x " + kind.getKey() + ", injected " +
                        injected.getOrDefault(kind.getKey(), 0));
                }
            }
        }
        if (totalFaults >= FaultKind.values().length)
        {
            for (final FaultKind kind : FaultKind.values())
            {
                if (injected.getOrDefault(kind, 0) == 0)
                {
                    verdict.failures.add("fault kind " + kind + " never injected in " + totalFaults + " faults");
                }
            }
        }
        else if (totalFaults == 0)
        {
            verdict.failures.add("no fault injected");
        }

        // every order answered, no silent duplicate
        final long unanswered = sent - initiator.answered();
        if (unanswered > 0)
        {
            verdict.failures.add(unanswered + " of " + sent + " orders never answered (first " +
                initiator.unansweredIds(5) + ")");
        }
        if (initiator.duplicates() > 0)
        {
            verdict.failures.add(initiator.duplicates() + " answers repeated without PossDupFlag or PossResend");
        }

        // never two nodes releasing at once; journals identical
        int leaks = 0;
        int matched = 0;
        int resends = 0;
        int gapFills = 0;
        int receivedInSkipped = 0;
        final List<byte[]> received = initiator.received();
        String skippedRanges = "?";
        int twice = 0;
        if (hot != null && Files.isDirectory(hot.journal))
        {
            final ChaosJournals primary = ChaosJournals.read(hot.journal);
            skippedRanges = primary.skipped.isEmpty() ? "none" : primary.skipped.toString();
            twice = primary.seqNumsJournaledTwice;
            final Map<String, Integer> leaksByFault = new LinkedHashMap<>();
            final List<String> examples = new ArrayList<>();
            for (final byte[] message : received)
            {
                final String text = new String(message, StandardCharsets.ISO_8859_1);
                final int seqNum = intField(text, 34);
                final boolean possDup = "Y".equals(field(text, 43));
                if (possDup && "4".equals(field(text, 35)) && "Y".equals(field(text, 123)))
                {
                    gapFills++;
                    continue;
                }
                final List<byte[]> journaled = primary.outbound.getOrDefault(seqNum, List.of());
                if (matches(message, possDup, journaled))
                {
                    matched++;
                    resends += possDup ? 1 : 0;
                }
                else if (primary.inSkipped(seqNum))
                {
                    receivedInSkipped++;
                }
                else
                {
                    leaks++;
                    leaksByFault.merge(lastFaultBefore(ChaosRun.sendingTimeMs(text), faultTimes, faultNames), 1,
                        Integer::sum);
                    if (examples.size() < EXAMPLES)
                    {
                        examples.add("34=" + seqNum + " received " + ChaosRun.text(message) + " journaled " +
                            (journaled.isEmpty() ? "nothing" : ChaosRun.text(journaled.get(journaled.size() - 1))));
                    }
                }
            }
            if (leaks > 0)
            {
                verdict.failures.add(leaks + " messages the counterparty received are not in the final primary's (" +
                    hot + ") journal nor in a range it skipped: two nodes released at once; by the fault they came " +
                    "after: " + leaksByFault + "; e.g. " + examples);
            }
            if (warm != null && Files.isDirectory(warm.journal))
            {
                final ChaosJournals secondary = ChaosJournals.read(warm.journal);
                final int difference = ChaosJournals.firstDifference(primary, secondary);
                if (difference >= 0)
                {
                    verdict.failures.add("journals differ: " + hot + " has " + primary.rawEntries.size() +
                        " entries, " + warm + " " + secondary.rawEntries.size() + ", first difference at entry #" +
                        (difference + 1));
                }
            }
            else
            {
                verdict.failures.add("no secondary journal to compare with at the end");
            }
        }
        else
        {
            verdict.failures.add("no final primary journal to check the received messages against");
        }
        if (received.isEmpty())
        {
            verdict.failures.add("the initiator kept no received message");
        }

        final Map<FaultKind, Integer> kinds = new EnumMap<>(FaultKind.class);
        kinds.putAll(injected);
        verdict.tally.append("CHAOS TALLY ").append(settings)
            .append("\n  orders sent ").append(sent).append(", answered ").append(initiator.answered())
            .append(", unanswered ").append(unanswered).append(", duplicates ").append(initiator.duplicates())
            .append(", recognisable repeats ").append(initiator.possDupRepeats())
            .append("\n  faults ").append(totalFaults).append(' ').append(new TreeMap<>(kinds))
            .append(", failovers (TANDEM HOT) ").append(failovers).append(", initiator logons ")
            .append(initiator.logons()).append(", 'MsgSeqNum too low' seen ").append(initiator.sequenceTooLow())
            .append(", times the session did not resume after a fault ").append(notFlowing)
            .append("\n  received ").append(received.size()).append(": matched the final journal ").append(matched)
            .append(" (of them resends ").append(resends).append("), gap fills ").append(gapFills)
            .append(", in skipped ranges ").append(receivedInSkipped).append(", leaks ").append(leaks)
            .append("\n  skipped seq ranges ").append(skippedRanges).append(", seq nums journaled twice ")
            .append(twice)
            .append("\n  verdict ").append(verdict.passed() ? "PASS" : "FAIL " + verdict.failures);
        return verdict;
    }

    private static boolean matches(final byte[] message, final boolean possDup, final List<byte[]> journaled)
    {
        for (final byte[] candidate : journaled)
        {
            if (Arrays.equals(message, candidate) ||
                possDup && withoutResendChanges(message).equals(withoutResendChanges(candidate)))
            {
                return true;
            }
        }
        return false;
    }

    /** The message's fields in order, without those a resend changes. */
    private static List<String> withoutResendChanges(final byte[] message)
    {
        final List<String> fields = new ArrayList<>();
        for (final String field : new String(message, StandardCharsets.ISO_8859_1).split("\u0001"))
        {
            final int eq = field.indexOf('=');
            boolean keep = eq > 0;
            if (keep)
            {
                final String tag = field.substring(0, eq);
                for (final int changed : RESEND_CHANGES)
                {
                    if (tag.equals(Integer.toString(changed)))
                    {
                        keep = false;
                        break;
                    }
                }
            }
            if (keep)
            {
                fields.add(field);
            }
        }
        return fields;
    }

    private static String lastFaultBefore(final long timeMs, final List<long[]> faultTimes,
        final List<String> faultNames)
    {
        String name = "before any fault";
        for (int i = 0; i < faultTimes.size(); i++)
        {
            if (timeMs >= 0 && faultTimes.get(i)[0] <= timeMs)
            {
                name = faultNames.get(i);
            }
        }
        return timeMs < 0 ? "unknown" : name;
    }

    private static String field(final String message, final int tag)
    {
        final String key = "\u0001" + tag + "=";
        final int start = message.indexOf(key);
        if (start < 0)
        {
            return null;
        }
        final int end = message.indexOf('\u0001', start + key.length());
        return message.substring(start + key.length(), end < 0 ? message.length() : end);
    }

    private static int intField(final String message, final int tag)
    {
        final String value = field(message, tag);
        try
        {
            return value == null ? -1 : Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    boolean passed()
    {
        return failures.isEmpty();
    }

    List<String> failures()
    {
        return failures;
    }

    String tally()
    {
        return tally.toString();
    }

    /** The failure message of a failed run, naming the seed to replay. */
    String failureMessage()
    {
        return "chaos run failed (seed=" + settings.seed() + ", replay with " + settings.replay() + "):\n  - " +
            String.join("\n  - ", failures) + "\n" + tally;
    }
}
