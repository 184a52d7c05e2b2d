package dev.tandem.systemtests;

import dev.tandem.failover.FailoverInitiator;
import dev.tandem.failover.FailoverInitiatorConfig;
import dev.tandem.failover.FailoverListener;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.OrderFlow;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Activation by admin call and by lock file; a returning old primary learns it is stale and logs no one on. */
class ActivationSystemTest
{
    @Test
    void shouldActivateByAdminCallAndFenceTheReturningPrimary()
    {
        final DemoCluster.Options options = new DemoCluster.Options()
            .ackStrategy("!NeverTimesOut { }")
            .activation("!Manual { }");
        try (Scenario scenario = new Scenario(options, 100))
        {
            final AtomicInteger refusedBySecondary = new AtomicInteger();
            scenario.initiator = FailoverInitiator.start(
                scenario.cluster.initiatorConfig(Scenario.FAST_STRATEGY), scenario.flow, new FailoverListener()
                {
                    @Override
                    public void onAttemptFailed(final InetSocketAddress address, final int index, final String why)
                    {
                        if (index == 1)
                        {
                            refusedBySecondary.incrementAndGet();
                        }
                    }
                });
            scenario.awaitLogon(1, 0);
            scenario.awaitSent(50);
            scenario.cluster.primary().kill();

            // Warm: the secondary's FIX port logs no one on, and Manual never activates by itself
            Tests.await("initiator refused by the Warm secondary 3 times", Duration.ofSeconds(30),
                () -> refusedBySecondary.get() >= 3);
            final int admin = scenario.cluster.secondaryAdminPort();
            assertEquals("200 {\"mode\":\"Warm\",\"name\":\"Manual\"}",
                DemoCluster.http("GET", admin, "/service/activationmode"));

            final String hot = DemoCluster.http("PUT", admin, "/service/activationmode/hot",
                scenario.cluster.adminToken());
            assertTrue(hot.startsWith("200 {\"mode\":\"Hot\",\"name\":\"Manual\""), hot);
            scenario.awaitLogon(2, 1);
            assertTrue(scenario.lastLogonNextSender > 50, "sequence numbers continued: " +
                scenario.lastLogonNextSender);
            final long sent = scenario.flow.sent();
            scenario.awaitSent(sent + 50);
            scenario.flow.stopSending();
            scenario.awaitAllAnswered();
            assertEquals(0, scenario.flow.duplicates());

            // the old primary comes back on its old journal: the new primary's epoch reaches it and fences it
            scenario.cluster.startPrimary();
            scenario.cluster.primary().awaitEvent("TANDEM STALE", 30_000);
            final String mode = DemoCluster.http("GET", scenario.cluster.primaryAdminPort(),
                "/service/activationmode");
            assertTrue(mode.startsWith("200 {\"mode\":\"Stale\"") && mode.contains("epoch 2"), mode);
            assertTrue(DemoCluster.http("GET", scenario.cluster.primaryAdminPort(), "/health").startsWith("503"));

            // and a Logon to it is refused
            final FailoverInitiatorConfig toOldPrimary = scenario.cluster.initiatorConfig(
                "!Failover { attemptsPerAddress: 1, logonTimeoutMs: 1000, backoffInitialMs: 10, backoffMaxMs: 10, " +
                "maxConsecutiveFailures: 2 }")
                .connect(List.of("127.0.0.1:" + scenario.cluster.primaryFixPort()))
                .journalDir(scenario.dir.resolve("probe-journal").toString());
            final OrderFlow probeFlow = new OrderFlow(1);
            try (FailoverInitiator probe = FailoverInitiator.start(toOldPrimary, probeFlow, FailoverListener.NONE))
            {
                Tests.await("the probe initiator gives up", Duration.ofSeconds(30), probe::hasGivenUp);
                assertEquals(0, probeFlow.logons(), "the stale primary logged someone on");
                assertFalse(probe.isLoggedOn());
            }
        }
    }

    @Test
    void shouldActivateWhenTheSecondaryWinsTheLock()
    {
        final java.nio.file.Path lockDir = Tests.tempDir("lock");
        try
        {
            final String lock = "!TryLock { file: \"" + lockDir.resolve("tandem.lock") + "\" }";
            final DemoCluster.Options options = new DemoCluster.Options()
                .ackStrategy("!NeverTimesOut { }")
                .primaryActivation(lock)
                .activation(lock);
            try (Scenario scenario = new Scenario(options, 100))
            {
                assertEquals("200 {\"mode\":\"Warm\",\"name\":\"TryLock\"}",
                    DemoCluster.http("GET", scenario.cluster.secondaryAdminPort(), "/service/activationmode"));
                scenario.cluster.primary().kill();
                final String hot = scenario.cluster.secondary().awaitEvent("TANDEM HOT", 30_000);
                assertTrue(hot.contains("epoch=2") && hot.contains("won the lock"), hot);
                assertEquals("200 {\"mode\":\"Hot\",\"name\":\"TryLock\",\"reason\":\"activated: TryLock: won the " +
                    "lock on " + lockDir.resolve("tandem.lock") + "\"}",
                    DemoCluster.http("GET", scenario.cluster.secondaryAdminPort(), "/service/activationmode"));
            }
        }
        finally
        {
            Tests.deleteRecursively(lockDir);
        }
    }
}
