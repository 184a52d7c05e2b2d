package dev.tandem.systemtests;

import dev.tandem.node.Node;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.NodeProcess;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The primary's journal lives on a real 8 MiB tmpfs that the test fills to the last byte under a steady load of
 * orders. The next page the journal touches faults (SIGBUS, an InternalError in Java) and kills the agent that
 * touched it: the primary must fail at once (one TANDEM FAILED line, /health 503, FIX and replication ports closed,
 * exit code {@link Node#EXIT_FAILED} unless told to stay up), send nothing it could not journal, and the secondary
 * must take over with every message the initiator received and the sequence numbers going on.
 */
class DiskFullSystemTest
{
    @Test
    void shouldFailThePrimaryOnAFullDiskExitAndLoseNothingAcknowledged()
    {
        fillThePrimarysDisk("EXIT");
    }

    @Test
    void shouldFailThePrimaryOnAFullDiskAndStayUpUnhealthyWhenAsked()
    {
        fillThePrimarysDisk("STAY_UP");
    }

    private static void fillThePrimarysDisk(final String onFailure)
    {
        final DemoCluster.Options options = new DemoCluster.Options()
            .ackStrategy("!WaitForever { }")
            .activation("!TryHeartbeat { delayMs: 500 }")
            .primaryOnFailure(onFailure);
        final SmallFileSystem[] disk = new SmallFileSystem[1];
        try (Scenario scenario = new Scenario(options, 300, dir ->
        {
            disk[0] = SmallFileSystem.mount(dir.resolve("primary-journal"), "size=8m");
            return disk[0];
        }))
        {
            scenario.startInitiator(Scenario.FAST_STRATEGY);
            scenario.awaitLogon(1, 0);
            scenario.awaitSent(300);
            final NodeProcess primary = scenario.cluster.primary();
            final int fixPort = scenario.cluster.primaryFixPort();
            final int replicationPort = scenario.cluster.replicationPort();
            final int adminPort = scenario.cluster.primaryAdminPort();

            final long filled = disk[0].fill();
            System.out.println("filled the primary's 8 MiB journal file system with " + filled + " more bytes at " +
                scenario.flow.sent() + " orders sent");

            final String failed = primary.awaitEvent("TANDEM FAILED", 60_000);
            System.out.println("primary: " + failed);
            assertTrue(failed.contains("died") && failed.contains("Error"), failed);
            if ("EXIT".equals(onFailure))
            {
                assertTrue(failed.contains("exit=" + Node.EXIT_FAILED), failed);
                assertEquals(Node.EXIT_FAILED, primary.awaitExit(60_000), String.join("\n", primary.transcript()));
            }
            else
            {
                assertTrue(failed.contains("exit=none"), failed);
                final String health = DemoCluster.http("GET", adminPort, "/health");
                assertTrue(health.startsWith("503") && health.contains("\"mode\":\"Failed\"") &&
                    health.contains("died"), health);
                Tests.await("the full primary's FIX and replication ports closed", Duration.ofSeconds(30),
                    () -> !NodeFailureSystemTest.accepts(fixPort) && !NodeFailureSystemTest.accepts(replicationPort));
                assertTrue(primary.isAlive(), "onFailure: STAY_UP keeps the process");
            }

            scenario.awaitLogon(2, 1);
            final long sentAtFailover = scenario.flow.sent();
            assertTrue(scenario.lastLogonNextSender > 300,
                "initiator's next MsgSeqNum at the secondary: " + scenario.lastLogonNextSender);
            scenario.awaitSent(sentAtFailover + 100);
            scenario.flow.stopSending();
            scenario.awaitAllAnswered();
            assertEquals(0, scenario.flow.duplicates(), "answers repeated without PossDupFlag or PossResend");

            final int boundary = scenario.lastLogonNextTarget;
            scenario.stopInitiator();
            scenario.cluster.secondary().stop(10_000);
            primary.close();
            assertTrue(JournalCheck.receivedBelow(scenario.initiatorJournal(), boundary) > 200,
                "the initiator journaled what it received");
            assertEquals(List.of(), JournalCheck.missingOnSecondary(
                    scenario.initiatorJournal(), scenario.cluster.secondaryJournal(), boundary),
                "with WaitForever every message the initiator received from the full primary is on the secondary");
        }
    }
}
