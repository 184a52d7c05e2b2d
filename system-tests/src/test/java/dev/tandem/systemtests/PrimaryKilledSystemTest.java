package dev.tandem.systemtests;

import dev.tandem.journal.Direction;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The primary is killed with SIGKILL under a steady load of orders; the initiator fails over to the secondary.
 */
class PrimaryKilledSystemTest
{
    @Test
    void shouldLoseNothingWithWaitForever()
    {
        final Outcome outcome = failOver("!WaitForever { }");
        assertEquals(List.of(), outcome.missing,
            "with WaitForever every message the initiator received from the primary is on the secondary");
        assertEquals(0, outcome.reportedLost, "the secondary reports no outbound message lost");
        assertEquals(0, outcome.unanswered, "orders never answered");
    }

    @Test
    void shouldRecoverConsistentlyWithNeverTimesOutAndReportTheLoss()
    {
        final Outcome outcome = failOver("!NeverTimesOut { }");
        System.out.println("NeverTimesOut: " + outcome.missing.size() + " messages the initiator received from " +
            "the primary were not on the secondary; orders unanswered: " + outcome.unanswered);
        assertLossReported(outcome);
        assertEquals(0, outcome.unanswered, "orders never answered: the initiator's resends filled every gap");
    }

    @Test
    void shouldRecoverConsistentlyWithBoundedWaitAndReportTheLoss()
    {
        final Outcome outcome = failOver("!BoundedWait { timeoutMs: 5, onTimeout: SEND_ANYWAY }");
        System.out.println("BoundedWait: " + outcome.missing.size() + " messages the initiator received from " +
            "the primary were not on the secondary; orders unanswered: " + outcome.unanswered);
        assertLossReported(outcome);
        assertEquals(0, outcome.unanswered, "orders never answered: the initiator's resends filled every gap");
    }

    /**
     * Whatever was lost (the kill decides how much, often nothing) is what the initiator had received from the primary
     * beyond the last outbound message the secondary held when it took over, and the secondary counted exactly that
     * many at the Logon ({@code tandem_fix_lost_outbound_on_logon_total}).
     */
    private static void assertLossReported(final Outcome outcome)
    {
        assertEquals(Math.max(0, outcome.receivedFromPrimary - outcome.heldBySecondary), outcome.reportedLost,
            "outbound messages lost with the primary: the initiator received up to " + outcome.receivedFromPrimary +
            ", the secondary held up to " + outcome.heldBySecondary);
    }

    private record Outcome(
        List<Integer> missing, int receivedFromPrimary, int heldBySecondary, long reportedLost, long unanswered)
    {
    }

    private static Outcome failOver(final String ackStrategy)
    {
        final DemoCluster.Options options = new DemoCluster.Options()
            .ackStrategy(ackStrategy)
            .activation("!TryHeartbeat { delayMs: 500 }");
        try (Scenario scenario = new Scenario(options, 300))
        {
            scenario.startInitiator(Scenario.FAST_STRATEGY);
            scenario.awaitLogon(1, 0);
            scenario.awaitSent(300);
            // answers wait for the secondary whenever it stalls longer than its lease (its first journal file is
            // created on the first append, which on a loaded host takes that long), whatever the strategy
            Tests.await("200 answers before the kill", Duration.ofSeconds(30), () -> scenario.flow.answers() >= 200);

            final long killNs = System.nanoTime();
            scenario.cluster.primary().kill();
            scenario.awaitLogon(2, 1);
            final long activatedAt =
                JournalCheck.activationPosition(scenario.cluster.secondary().awaitEvent("TANDEM HOT", 30_000));
            final long sentAtFailover = scenario.flow.sent();
            System.out.println(ackStrategy + ": SIGKILL to Logon on the secondary " +
                TimeUnit.NANOSECONDS.toMillis(scenario.secondaryLogonNs - killNs) + " ms");

            // sequence numbers continue: the initiator did not start again from 1, and the secondary knew them
            assertTrue(scenario.lastLogonNextSender > 300,
                "initiator's next MsgSeqNum at the secondary: " + scenario.lastLogonNextSender);
            assertTrue(scenario.lastLogonNextTarget > 200,
                "initiator's expected MsgSeqNum from the secondary: " + scenario.lastLogonNextTarget);

            scenario.awaitSent(sentAtFailover + 200);
            scenario.flow.stopSending();
            scenario.awaitAllAnswered();
            assertEquals(0, scenario.flow.duplicates(), "answers repeated without PossDupFlag or PossResend");
            assertEquals(1, scenario.logonsOnSecondary.get(), "one Logon on the secondary, then it stayed");

            final int boundary = scenario.lastLogonNextTarget;
            final long reportedLost = Scenario.lostOutboundOnLogon(scenario.cluster.secondaryAdminPort());
            scenario.stopInitiator();
            scenario.cluster.secondary().stop(10_000);
            assertTrue(JournalCheck.receivedBelow(scenario.initiatorJournal(), boundary) > 200,
                "the initiator journaled what it received");
            final List<Integer> missing = JournalCheck.missingOnSecondary(
                scenario.initiatorJournal(), scenario.cluster.secondaryJournal(), boundary);
            final int receivedFromPrimary = JournalCheck.nextExpectedInLastLogon(scenario.initiatorJournal()) - 1;
            final int heldBySecondary = JournalCheck.highestSeqNumUpTo(
                scenario.cluster.secondaryJournal(), JournalCheck.ACCEPTOR_SESSION, Direction.OUTBOUND, activatedAt);
            return new Outcome(missing, receivedFromPrimary, heldBySecondary, reportedLost,
                scenario.flow.unanswered());
        }
    }
}
