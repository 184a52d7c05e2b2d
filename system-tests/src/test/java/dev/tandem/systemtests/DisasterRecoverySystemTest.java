package dev.tandem.systemtests;

import dev.tandem.failover.ConnectionStrategies;
import dev.tandem.failover.FailoverInitiator;
import dev.tandem.failover.FailoverInitiatorConfig;
import dev.tandem.failover.FailoverListener;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.NodeProcess;
import dev.tandem.node.demo.OrderFlow;
import dev.tandem.test.Ports;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three node JVMs: a primary under WaitForever, a hot standby (TryHeartbeat; once Hot it has no standby of its own,
 * so it serves under NeverTimesOut, since WaitForever would hold every message until one attached) and a
 * disaster-recovery copy (listed in both
 * sources' {@code drSinkNodeIds}, activation {@code !Manual}, the standby's {@code listenWhenHot} as its
 * {@code alternateSources}), under a steady flow of orders from Tandem's failover initiator. The primary is killed
 * with SIGKILL; the standby takes over at epoch 2 and the initiator logs on to it; the DR copy follows the new primary
 * without an operator and, once the flow stops, holds the new primary's journal entry by entry.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DisasterRecoverySystemTest
{
    private static final String STRATEGY = "!Failover { attemptsPerAddress: 1, connectTimeoutMs: 500, " +
        "logonTimeoutMs: 2000, backoffInitialMs: 10, backoffMaxMs: 100 }";
    private static final Pattern EPOCH = Pattern.compile("\"epoch\":(\\d+)");
    private static final Pattern POSITION = Pattern.compile("\"position\":(\\d+)");
    private static final Pattern MODE = Pattern.compile("\"mode\":\"(\\w+)\"");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Path dir = Tests.tempDir("disaster-recovery");
    private final Path secret = dir.resolve("replication.secret");
    /** Eight distinct free ports, drawn at once: FIX of each node, admin of each node, replication of the first two. */
    private final int[] ports = Ports.fixed(8);
    private final int[] fix = {ports[0], ports[1], ports[2]};
    private final int[] admin = {ports[3], ports[4], ports[5]};
    private final int[] replication = {ports[6], ports[7]};
    private final NodeProcess[] nodes = new NodeProcess[3];
    private final List<String> transcript = new CopyOnWriteArrayList<>();
    private final OrderFlow flow = new OrderFlow(300);
    private final AtomicInteger logonsOnStandby = new AtomicInteger();
    private FailoverInitiator initiator;

    @AfterEach
    void tearDown()
    {
        if (initiator != null)
        {
            initiator.close();
        }
        for (final NodeProcess node : nodes)
        {
            if (node != null)
            {
                node.close();
            }
        }
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldFollowTheStandbyAfterThePrimaryIsKilledAndHoldItsJournalEntryByEntry()
    {
        NodeProcess.writeFile(secret, "disaster-recovery-replication-secret-0123456789");
        nodes[0] = start(0, primaryYaml());
        nodes[1] = start(1, standbyYaml());
        nodes[2] = start(2, drYaml());
        Tests.await("the standby and the DR copy streaming from the primary", WAIT, () ->
            metrics(0).contains("tandem_replication_sink_attached{node=\"node-1\"} 1") &&
            metrics(0).contains("tandem_replication_dr_attached{node=\"node-1\",dr=\"3\"} 1"));

        initiator = FailoverInitiator.start(initiatorConfig(), flow, new FailoverListener()
        {
            @Override
            public void onAttemptFailed(final InetSocketAddress address, final int index, final String reason)
            {
                transcript.add("[initiator] attempt on " + address + " failed: " + reason);
            }

            @Override
            public void onLoggedOn(final InetSocketAddress address, final int index)
            {
                transcript.add("[initiator] logged on at " + address);
                if (index == 1)
                {
                    logonsOnStandby.incrementAndGet();
                }
            }
        });
        Tests.await("300 answers from the primary", Duration.ofSeconds(60), () -> flow.answers() >= 300);

        nodes[0].kill();
        awaitOrShow("the initiator's Logon on the standby", () -> logonsOnStandby.get() > 0 && initiator.isLoggedOn());
        final String hot = nodes[1].awaitEvent("TANDEM HOT", 30_000);
        assertTrue(hot.contains("epoch=2"), hot);
        final long sentAtFailover = flow.sent();
        Tests.await("200 more answers from the standby", Duration.ofSeconds(60),
            () -> flow.answers() >= sentAtFailover + 200);
        flow.stopSending();
        Tests.await("every order answered (sent " + flow.sent() + ", answered " + flow.answers() + ")", WAIT,
            () -> flow.answers() >= flow.sent());
        assertEquals(0, flow.duplicates(), "answers repeated without PossDupFlag or PossResend");

        // the DR copy followed the new primary: same epoch, same last position, still Warm (it never takes over)
        Tests.await("the DR copy holds the new primary's journal (DR " + state(2) + ", new primary " + state(1) +
            ")", WAIT, () -> number(EPOCH, state(2)) == 2 && number(POSITION, state(2)) == number(POSITION, state(1)));
        final Matcher mode = MODE.matcher(state(2));
        assertTrue(mode.find() && mode.group(1).equals("Warm"), state(2));
        assertTrue(transcript.stream().noneMatch(line -> line.contains("TANDEM HOT node=node-3")),
            String.join("\n", transcript));

        initiator.close();
        initiator = null;
        assertTrue(stoppedCleanly(nodes[1].stop(20_000)), "the new primary stops cleanly on SIGTERM");
        assertTrue(stoppedCleanly(nodes[2].stop(20_000)), "the DR copy stops cleanly on SIGTERM");
        final List<byte[]> expected = entries(journal(1));
        final List<byte[]> actual = entries(journal(2));
        assertTrue(expected.size() > 500, "entries on the new primary: " + expected.size());
        assertEquals(expected.size(), actual.size(), "entry count");
        for (int i = 0; i < expected.size(); i++)
        {
            assertArrayEquals(expected.get(i), actual.get(i), "entry at position " + (i + 1));
        }
    }

    /** Waits like {@link Tests#await}; a timeout shows what the nodes and the initiator said. */
    private void awaitOrShow(final String what, final java.util.function.BooleanSupplier condition)
    {
        try
        {
            Tests.await(what, WAIT, condition);
        }
        catch (final AssertionError ex)
        {
            throw new AssertionError(ex.getMessage() + "\n" + String.join("\n", transcript), ex);
        }
    }

    private static boolean stoppedCleanly(final int exit)
    {
        // SIGTERM runs the node's shutdown hook: 143 (128 + 15) or 0; 137 would mean it was killed
        return exit == 0 || exit == 143;
    }

    private static List<byte[]> entries(final Path journal)
    {
        final List<byte[]> entries = new ArrayList<>();
        JournalCheck.forEach(journal, entry ->
        {
            assertEquals(entries.size() + 1, entry.position(), "gap or duplicate in " + journal);
            final byte[] bytes = new byte[entry.rawLength()];
            entry.rawBuffer().getBytes(entry.rawOffset(), bytes);
            entries.add(bytes);
        });
        return entries;
    }

    private static long number(final Pattern pattern, final String json)
    {
        final Matcher matcher = pattern.matcher(json);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private String state(final int index)
    {
        return DemoCluster.http("GET", admin[index], "/service/state", null);
    }

    private String metrics(final int index)
    {
        return DemoCluster.http("GET", admin[index], "/metrics", null);
    }

    private Path journal(final int index)
    {
        return dir.resolve("node-" + (index + 1) + "-journal");
    }

    private NodeProcess start(final int index, final String yaml)
    {
        final Path config = NodeProcess.writeFile(dir.resolve("node-" + (index + 1) + ".yaml"), yaml);
        final NodeProcess node = NodeProcess.start("node-" + (index + 1), config, NodeProcess.SMALL_HEAP, line ->
        {
            if (line.contains("TANDEM") || line.contains(" WARN ") || line.contains(" ERROR "))
            {
                transcript.add("[node-" + (index + 1) + "] " + line);
                System.out.println("[node-" + (index + 1) + "] " + line);
            }
        });
        node.awaitEvent("TANDEM READY", 30_000);
        return node;
    }

    private FailoverInitiatorConfig initiatorConfig()
    {
        return new FailoverInitiatorConfig()
            .connect(List.of("127.0.0.1:" + fix[0], "127.0.0.1:" + fix[1]))
            .connectionStrategy(ConnectionStrategies.fromYaml(STRATEGY))
            .senderCompId("TW")
            .targetCompId("ISLD")
            .heartbeatSec(5)
            .journalDir(dir.resolve("initiator-journal").toString())
            .validate();
    }

    private String primaryYaml()
    {
        return "!NodeConfig {\n" +
            "  role: PRIMARY,\n  nodeId: 1,\n" +
            "  journal: { dir: " + NodeProcess.yamlPath(journal(0)) + " },\n" +
            "  replication: { listen: \"127.0.0.1:" + replication[0] + "\", clusterName: dr, secretFile: " +
            NodeProcess.yamlPath(secret) + ", ackStrategy: !WaitForever { }, drSinkNodeIds: [ 3 ] },\n" +
            common(0) + "  activation: !Manual { }\n}\n";
    }

    private String standbyYaml()
    {
        return "!NodeConfig {\n" +
            "  role: SECONDARY,\n  nodeId: 2,\n" +
            "  journal: { dir: " + NodeProcess.yamlPath(journal(1)) + " },\n" +
            "  replication: { connect: \"127.0.0.1:" + replication[0] + "\", listenWhenHot: \"127.0.0.1:" +
            replication[1] + "\", ackStrategyWhenHot: !NeverTimesOut { }, drSinkNodeIds: [ 3 ], clusterName: dr, " +
            "secretFile: " + NodeProcess.yamlPath(secret) + " },\n" +
            common(1) + "  activation: !TryHeartbeat { delayMs: 500 }\n}\n";
    }

    private String drYaml()
    {
        return "!NodeConfig {\n" +
            "  role: SECONDARY,\n  nodeId: 3,\n" +
            "  journal: { dir: " + NodeProcess.yamlPath(journal(2)) + " },\n" +
            "  replication: { connect: \"127.0.0.1:" + replication[0] + "\", alternateSources: [ \"127.0.0.1:" +
            replication[1] + "\" ], clusterName: dr, secretFile: " + NodeProcess.yamlPath(secret) + " },\n" +
            common(2) + "  activation: !Manual { }\n}\n";
    }

    private String common(final int index)
    {
        return "  fix: { listen: \"127.0.0.1:" + fix[index] + "\", sessions: [ { beginString: FIX.4.4, " +
            "senderCompId: ISLD, targetCompId: TW, heartbeatSec: 5 } ] },\n" +
            "  application: echo,\n" +
            "  admin: { listen: \"127.0.0.1:" + admin[index] + "\" },\n";
    }
}
