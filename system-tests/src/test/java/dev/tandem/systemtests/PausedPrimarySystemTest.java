package dev.tandem.systemtests;

import dev.tandem.failover.FailoverInitiator;
import dev.tandem.failover.FailoverListener;
import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.JournalEntry;
import dev.tandem.journal.JournalReader;
import dev.tandem.replication.ReplicationSourceContext;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.NodeProcess;
import org.agrona.collections.Int2ObjectHashMap;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Hot primary is frozen with SIGSTOP under load (BoundedWait with RELEASE_IMMEDIATELY, the setting that leaked
 * hundreds of answers after a pause before the lease existed). The secondary times the primary out and activates;
 * then the primary is woken with SIGCONT. Its lease ran out while it was frozen, so it releases nothing unacknowledged:
 * every message the initiator received after the wake (from the woken primary, which may still write what its
 * secondary acknowledged before taking over, or from the new one) is in the new primary's journal with the same bytes,
 * and the woken node goes Stale. (Messages released without their ack just
 * before the freeze may be missing on the new primary: that is the loss window, bounded by maxUnackedEntries.)
 */
class PausedPrimarySystemTest
{
    @Test
    void shouldReleaseNothingFromAPrimaryThatWakesAfterTheSecondaryTookOver() throws Exception
    {
        final DemoCluster.Options options = new DemoCluster.Options()
            .ackStrategy("!BoundedWait { timeoutMs: 5, onTimeout: SEND_ANYWAY, whileSecondaryAway: RELEASE_IMMEDIATELY }")
            .activation("!TryHeartbeat { delayMs: 300 }")
            // no heartbeat from the initiator notices the frozen primary first: only the lease and the fencing act
            .heartbeatSec(30);
        NodeProcess frozen = null;
        try (Scenario scenario = new Scenario(options, 200))
        {
            // on the FIX thread, as the second Logon (the one on the new primary) completes: answers counted before
            // it can only have come from the old primary; resends from the new primary come after it
            final AtomicLong answersAtSecondaryLogon = new AtomicLong(-1);
            final AtomicLong logons = new AtomicLong();
            scenario.flow.logonObserver((sender, target) ->
            {
                if (logons.incrementAndGet() == 2)
                {
                    answersAtSecondaryLogon.set(scenario.flow.answers());
                }
            });
            scenario.initiator = FailoverInitiator.start(scenario.cluster.initiatorConfig(Scenario.FAST_STRATEGY),
                scenario.flow, new FailoverListener()
                {
                });
            scenario.awaitLogon(1, 0);
            scenario.awaitSent(400);

            final NodeProcess primary = scenario.cluster.primary();
            signal("STOP", primary.pid());
            frozen = primary;
            final long stoppedNs = System.nanoTime();
            final String hot = scenario.cluster.secondary().awaitEvent("TANDEM HOT", 30_000);
            final long hotAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedNs);
            // the fault: a freeze of 1.5 s in all (its length, not a wait for a condition); answers the primary wrote
            // before it have long landed by then
            Thread.sleep(Math.max(0, 1_500 - hotAfterMs));
            final long answersBeforeWake = scenario.flow.answers();
            final long sentBeforeWake = scenario.flow.sent();
            final long wakeEpochMs = System.currentTimeMillis();
            signal("CONT", primary.pid());
            frozen = null;

            final String stale = primary.awaitEvent("TANDEM STALE", 30_000);
            scenario.awaitLogon(2, 1);
            // the woken primary may still write answers its secondary acknowledged before taking over (a freeze
            // between the ack's arrival and the release): the new primary holds those, and the check of every
            // message received after the wake below proves it. Unacknowledged ones it must never write.
            final long writtenByWokenPrimary = answersAtSecondaryLogon.get() - answersBeforeWake;
            System.out.println("SIGSTOP of the Hot primary: the secondary was Hot after " + hotAfterMs + " ms (" +
                hot + "); the primary was frozen " + Math.max(hotAfterMs, 1_500) + " ms with " +
                (sentBeforeWake - answersBeforeWake) + " orders unanswered, woke, wrote " + writtenByWokenPrimary +
                " acknowledged answers and went Stale (" + stale + ")");
            assertTrue(writtenByWokenPrimary >= 0 && writtenByWokenPrimary < sentBeforeWake - answersBeforeWake,
                "answers written by the woken primary: " + writtenByWokenPrimary + " of the " +
                (sentBeforeWake - answersBeforeWake) + " orders unanswered at the wake");

            final long sentAtFailover = scenario.flow.sent();
            scenario.awaitSent(sentAtFailover + 100);
            scenario.flow.stopSending();
            scenario.awaitAllAnswered();
            assertEquals(0, scenario.flow.unanswered());
            assertEquals(0, scenario.flow.duplicates(), "answers repeated without PossDupFlag or PossResend");
            scenario.stopInitiator();
            scenario.cluster.secondary().stop(10_000);

            final List<String> beforeFreeze = new ArrayList<>();
            final List<String> afterWake = new ArrayList<>();
            receivedButNotOnNewPrimary(scenario, wakeEpochMs, beforeFreeze, afterWake);
            System.out.println("received by the initiator and lacking on the new primary: " + beforeFreeze.size() +
                " released before the freeze (within the loss window), " + afterWake.size() + " after the wake");
            assertEquals(List.of(), afterWake,
                "messages the initiator received after the wake that the new primary's journal lacks");
            assertTrue(beforeFreeze.size() <= ReplicationSourceContext.DEFAULT_MAX_UNACKED_ENTRIES,
                "released unacknowledged before the freeze, beyond the loss bound: " + beforeFreeze);
        }
        finally
        {
            if (frozen != null)
            {
                signal("CONT", frozen.pid());
            }
        }
    }

    /**
     * The messages the initiator received (every one, in the order received) whose bytes the new
     * primary's journal does not hold, split by when the initiator journaled them: before the wake or after.
     */
    private static void receivedButNotOnNewPrimary(final Scenario scenario, final long wakeEpochMs,
        final List<String> beforeWake, final List<String> afterWake)
    {
        final Int2ObjectHashMap<byte[]> onNewPrimary = JournalCheck.messages(scenario.cluster.secondaryJournal(),
            JournalCheck.ACCEPTOR_SESSION, Direction.OUTBOUND);
        final int[] received = { 0 };
        try (Journal journal = Journal.open(new JournalContext().dir(scenario.initiatorJournal().toString())
            .conclude()); JournalReader reader = journal.reader(1))
        {
            while (reader.poll(entry ->
            {
                // a PossDupFlag resend differs from its original by design (OrigSendingTime); originals are compared
                if (entry.type() == JournalEntry.TYPE_MESSAGE && entry.direction() == Direction.INBOUND &&
                    entry.sessionId() == JournalCheck.INITIATOR_SESSION &&
                    (entry.flags() & JournalEntry.FLAG_POSS_DUP) == 0)
                {
                    received[0]++;
                    final byte[] bytes = new byte[entry.messageLength()];
                    entry.messageBuffer().getBytes(entry.messageOffset(), bytes);
                    if (!Arrays.equals(bytes, onNewPrimary.get(entry.msgSeqNum())))
                    {
                        (entry.timestampNs() / 1_000_000L < wakeEpochMs ? beforeWake : afterWake)
                            .add(new String(bytes, StandardCharsets.US_ASCII).replace('\u0001', '|'));
                    }
                }
            }, 4096) > 0)
            {
                // drain
            }
        }
        assertTrue(received[0] > 400, "the initiator received " + received[0] + " messages");
    }

    private static void signal(final String signal, final long pid) throws IOException, InterruptedException
    {
        final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + pid);
    }
}
