package dev.tandem.node;

import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An activation that cannot bind its onward replication port ({@code listenWhenHot}) changes nothing irreversible:
 * the node stays Warm at its old epoch, says why, and activates once the port is free. Before, it raised and
 * persisted the epoch, went Stale, and its next start as a secondary fenced the primary it connected to: neither node
 * was Hot (found by the chaos test, seed 1412).
 */
class ActivationBindFailureTest
{
    private final Path dir = Tests.tempDir("activation-bind");
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Node node;

    @AfterEach
    void tearDown()
    {
        if (node != null)
        {
            node.close();
        }
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldStayWarmAtItsEpochWhenTheOnwardReplicationPortIsTakenThenActivateOnceItIsFree() throws IOException
    {
        final int takenPort;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            ServerSocket closedPrimary = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            takenPort = taken.getLocalPort();
            final int primaryPort = closedPrimary.getLocalPort();
            closedPrimary.close();
            node = Node.launch(NodeConfig.fromYaml("!NodeConfig {\n" +
                "  role: SECONDARY, nodeId: 2,\n" +
                "  journal: { dir: \"" + dir.resolve("journal") + "\" },\n" +
                "  replication: { connect: \"127.0.0.1:" + primaryPort + "\", listenWhenHot: \"127.0.0.1:" +
                takenPort + "\", clusterName: demo, secretFile: \"" + NodeConfigTest.SECRET + "\" },\n" +
                "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
                "  application: " + IgnoringApplication.class.getName() + ",\n" +
                "  admin: { listen: \"127.0.0.1:0\" },\n" +
                "  activation: !Manual { }\n" +
                "}\n"), events::add);
            final long epochBefore = node.epoch();

            // the request stays pending and is tried again after each lease wait while the port is taken
            assertEquals(NodeMode.Warm, node.activate("test", 3_000), node.reason());
            assertEquals(epochBefore, node.epoch(), "no epoch raised for an activation that could not serve");
            assertTrue(events.stream().anyMatch(line -> line.startsWith("TANDEM WARM") &&
                line.contains("activation failed, still Warm at epoch " + epochBefore) &&
                line.contains(String.valueOf(takenPort))), events.toString());
        }

        assertEquals(NodeMode.Hot, node.activate("test again", 10_000), node.reason());
        assertEquals(takenPort, node.replicationPort());
    }
}
