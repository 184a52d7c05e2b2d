package dev.tandem.systemtests;

import dev.tandem.node.Node;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.NodeProcess;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The primary's journal is wiped while it is down and it comes back empty at the same epoch as its secondary, which
 * holds every entry: positions count, not only epochs. The empty primary must refuse to serve and say why (at the
 * replication handshake; and at start-up when it can ask the peer's admin API), and the secondary must keep its
 * journal, not set it aside as diverged.
 */
class ShortJournalSystemTest
{
    private static final Pattern POSITION = Pattern.compile("\"position\":(\\d+)");

    @Test
    void shouldRefuseToServeFromAJournalShorterThanTheReplicasAtTheSameEpoch() throws IOException
    {
        final DemoCluster.Options options = new DemoCluster.Options()
            .ackStrategy("!WaitForever { }")
            .activation("!Manual { }");
        try (Scenario scenario = new Scenario(options, 300))
        {
            scenario.startInitiator(Scenario.FAST_STRATEGY);
            scenario.awaitLogon(1, 0);
            scenario.awaitSent(300);
            scenario.flow.stopSending();
            scenario.awaitAllAnswered();
            scenario.stopInitiator();
            final DemoCluster cluster = scenario.cluster;
            final long replicated = position(cluster.secondaryAdminPort());
            assertTrue(replicated >= 600, "the secondary holds the orders and their answers: " + replicated);

            cluster.primary().kill();
            Tests.deleteRecursively(cluster.primaryJournal());

            // without peerAdmin: the empty primary starts Hot, and the secondary's handshake shows it is behind (this
            // may come before or after its READY line: the secondary's sink reconnects at once)
            try (NodeProcess restarted = NodeProcess.start("primary-restarted",
                cluster.writeConfig("primary-restarted.yaml", cluster.primaryYaml()), List.of(), null))
            {
                final String failed = restarted.awaitEvent("TANDEM FAILED", 60_000);
                assertTrue(failed.contains("refuses to serve") &&
                    failed.contains("holds positions up to " + replicated) && failed.contains("ends at 0"), failed);
                assertEquals(Node.EXIT_FAILED, restarted.awaitExit(30_000));
            }

            assertEquals(replicated, position(cluster.secondaryAdminPort()), "the secondary kept every entry");
            assertTrue(DemoCluster.http("GET", cluster.secondaryAdminPort(), "/health").startsWith("200"),
                "and is still a healthy Warm secondary, ready to be activated");
            try (Stream<Path> siblings = Files.list(cluster.dir()))
            {
                assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().contains(".diverged-"))
                    .toList(), "nothing was set aside");
            }

            // with peerAdmin: refused at start-up, as a configuration error naming the journal
            Tests.deleteRecursively(cluster.primaryJournal());
            final Path config = cluster.writeConfig("primary-peer.yaml", cluster.primaryYaml().replace(
                "  activation:", "  peerAdmin: \"127.0.0.1:" + cluster.secondaryAdminPort() + "\",\n  activation:"));
            try (NodeProcess primary = NodeProcess.start("primary-peer", config, List.of(), null))
            {
                assertEquals(2, primary.awaitExit(60_000), String.join("\n", primary.transcript()));
                final String error = primary.transcript().stream()
                    .filter(line -> line.startsWith("TANDEM CONFIG ERROR")).findFirst()
                    .orElseThrow(() -> new AssertionError("no config error: " + primary.transcript()));
                assertTrue(error.contains("journal.dir") && error.contains("ends at position 0") &&
                    error.contains("holds positions up to " + replicated + " at the same epoch 1"), error);
            }
            assertEquals(replicated, position(cluster.secondaryAdminPort()));
        }
    }

    private static long position(final int adminPort)
    {
        final String state = DemoCluster.http("GET", adminPort, "/service/state");
        final Matcher matcher = POSITION.matcher(state);
        assertTrue(matcher.find(), state);
        return Long.parseLong(matcher.group(1));
    }
}
