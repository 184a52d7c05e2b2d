package dev.tandem.systemtests;

import dev.tandem.node.demo.DemoCluster;
import dev.tandem.test.Tests;
import dev.tandem.test.fix.DefScript;
import dev.tandem.test.fix.DefScriptRunner;
import dev.tandem.test.fix.FieldPatterns;
import dev.tandem.test.fix.Scenarios;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Conformance survives a failover: the session scenarios of {@code fix-scenarios/failover} (logon, sequence too high,
 * resend request served from the replicated journal, gap fill, SequenceReset-Reset, Logon reset) each run against a
 * fresh pair of node JVMs (FIX.4.4 ISLD/TW, the echo application, WaitForever, validation on by default). Each
 * scenario starts on the primary (connection 1); before its {@code i2CONNECT} the primary is SIGKILLed mid-session,
 * the secondary activates by itself ({@code !TryHeartbeat}), and the rest of the scenario runs against it
 * (connection 2), matched as strictly as {@code ScenarioTest} matches the single acceptor.
 */
class ConformanceFailoverSystemTest
{
    private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(150);
    private static final String VERSION = "failover";

    @TestFactory
    Stream<DynamicTest> everyFailoverScenarioPassesOnTheActivatedSecondary()
    {
        final FieldPatterns patterns = Scenarios.fieldPatterns();
        final List<DefScript> scripts = Scenarios.scripts(VERSION);
        assertTrue(scripts.size() >= 5, "expected the failover scenarios, found " + scripts.size());
        return scripts.stream().map(script -> DynamicTest.dynamicTest(script.name(),
            () -> assertTimeoutPreemptively(SCENARIO_TIMEOUT, () -> run(script, patterns))));
    }

    private static void run(final DefScript script, final FieldPatterns patterns)
    {
        final Path dir = Tests.tempDir("conformance-failover");
        final DemoCluster.Options options = new DemoCluster.Options()
            .ackStrategy("!WaitForever { }")
            .activation("!TryHeartbeat { delayMs: 300 }");
        final AtomicLong killedAtNs = new AtomicLong();
        try (DemoCluster cluster = DemoCluster.start(dir, options))
        {
            cluster.awaitReplicating(30_000);
            final int connectsToSecondary = (int)script.steps().stream()
                .filter(step -> step instanceof DefScript.Connect && step.connection() == 2).count();
            assertEquals(1, connectsToSecondary, script.name() + ": one i2CONNECT, to the secondary");
            new DefScriptRunner(new DefScriptRunner.Context()
                .address(new InetSocketAddress("127.0.0.1", cluster.primaryFixPort()))
                .address(2, new InetSocketAddress("127.0.0.1", cluster.secondaryFixPort()))
                .patterns(patterns)
                .receiveTimeout(Duration.ofSeconds(15))
                .disconnectTimeout(Duration.ofSeconds(15))
                .beforeConnect(connection ->
                {
                    if (connection == 2)
                    {
                        // mid-scenario: the primary's connection is still logged on when it dies
                        killedAtNs.set(System.nanoTime());
                        cluster.primary().kill();
                        assertFalse(cluster.primary().isAlive(), "primary still alive after SIGKILL");
                        final String hot = cluster.secondary().awaitEvent("TANDEM HOT", 30_000);
                        System.out.println(script.name() + ": secondary Hot " +
                            Duration.ofNanos(System.nanoTime() - killedAtNs.get()).toMillis() + " ms after the " +
                            "SIGKILL: " + hot);
                    }
                }))
                .run(script);
            assertTrue(killedAtNs.get() != 0, script.name() + ": the primary was never killed");
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }
}
