package dev.tandem.node;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.test.FaultyProxy;
import dev.tandem.test.Ports;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In one JVM, real nodes on loopback: the planned switchover both ways (asked on the Hot node, then on the Warm one),
 * and the fast activation on a refused re-dial, which a network blip (a FaultyProxy reset) must not trigger.
 */
@Timeout(120)
class SwitchoverTest
{
    private static final long SESSION = 42;
    private static final String TOKEN = "switchover-test-admin-token";

    private final Path dir = Tests.tempDir("switchover");
    private final List<Node> nodes = new ArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown()
    {
        for (int i = nodes.size() - 1; i >= 0; i--)
        {
            nodes.get(i).close();
        }
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldHandTheHotRoleOverAndBackWithNothingSetAside()
    {
        final int[] ports = Ports.fixed(2);
        final int port1 = ports[0];
        final int port2 = ports[1];
        final Path journal1 = journal("node1");
        final Node node1 = launch(primaryYaml(journal1, port1, port2));
        final Node node2 = launch(secondaryYaml(dir.resolve("node2"), port1, port2, "!Manual { }"));
        Tests.await("node-2 caught up", Duration.ofSeconds(20), () -> node2.journal().lastPosition() == 3 &&
            node2.switchoverPossible());

        final SwitchoverOutcome first = node1.switchover(5_000);
        assertEquals("switchover", first.outcome(), first.detail());
        assertTrue(first.switched());
        Tests.await("node-2 Hot", Duration.ofSeconds(10), () -> node2.mode() == NodeMode.Hot);
        assertEquals(2, node2.epoch());
        assertEquals(0, node2.lossBoundEntries(), "nothing unacknowledged after a handover: no headroom");
        assertTrue(node2.reason().contains("planned switchover"), node2.reason());
        assertEquals(NodeMode.Warm, node1.mode(), node1.reason());
        Tests.await("node-1 follows node-2", Duration.ofSeconds(20), () -> node1.epoch() == 2 &&
            node1.switchoverPossible());

        // back again, asked on the Warm node: it asks its primary over the replication link
        final SwitchoverOutcome back = node1.switchover(5_000);
        assertEquals("switchover", back.outcome(), back.detail());
        assertEquals(NodeMode.Hot, node1.mode());
        assertEquals(3, node1.epoch());
        Tests.await("node-2 Warm and following", Duration.ofSeconds(20), () -> node2.mode() == NodeMode.Warm &&
            node2.epoch() == 3 && node2.switchoverPossible());
        assertEquals(node1.journal().lastPosition(), node2.journal().lastPosition());
        assertEquals(List.of(), aside(), "nothing set aside");
        assertFalse(events.stream().anyMatch(line -> line.startsWith("TANDEM DIVERGED") ||
            line.startsWith("TANDEM STALE")), events.toString());
    }

    @Test
    void shouldLetARecoverableApplicationFollowTheReplicaOnlyWhileWarm()
    {
        final int[] ports = Ports.fixed(2);
        final int port1 = ports[0];
        final int port2 = ports[1];
        final Node node1 = launch(primaryYaml(journal("node1"), port1, port2));
        final FollowingApplication following = new FollowingApplication();
        final Node node2 = Tandem.launch(new TandemContext()
            .node(NodeConfig.fromYaml(secondaryYaml(dir.resolve("node2"), port1, port2, "!Manual { }")))
            .eventLines(events::add)
            .application(following)).node();
        nodes.add(node2);
        following.node = node2;
        Tests.await("the application given the replica while Warm", Duration.ofSeconds(20),
            () -> following.seenPosition == 3 && node2.switchoverPossible());
        assertEquals(0, following.activations);

        final SwitchoverOutcome outcome = node1.switchover(5_000);
        assertEquals("switchover", outcome.outcome(), outcome.detail());
        Tests.await("node-2 Hot", Duration.ofSeconds(10), () -> node2.mode() == NodeMode.Hot);
        assertEquals(1, following.activations);
        // the mode turns Hot just before the line is printed
        Tests.await("node-2's TANDEM HOT line with its steps", Duration.ofSeconds(10), () -> events.stream()
            .anyMatch(line -> line.startsWith("TANDEM HOT node=node-2") &&
            line.contains(" steps=\"sinkAndLeaseUs=") && line.contains(" applicationUs=")));
        assertTrue(events.stream().anyMatch(line -> line.startsWith("TANDEM WARM node=node-1") &&
            line.contains("drainUs=") && line.contains(" answerUs=")), events.toString());
        // a bounded observation: while Hot the control thread runs many duty cycles, none may call onReplicated
        final long calls = following.calls;
        final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() - until < 0)
        {
            assertEquals(calls, following.calls, "onReplicated while Hot");
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
        assertEquals(0, following.callsWhenNotWarm);
    }

    @Test
    void shouldSwitchOverWhenAnOperatorActivatesASecondaryWhosePrimaryIsAlive() throws Exception
    {
        final Path token = dir.resolve("admin.token");
        Files.createDirectories(dir);
        Files.writeString(token, TOKEN);
        final int[] ports = Ports.fixed(2);
        final int port1 = ports[0];
        final int port2 = ports[1];
        final Node node1 = launch(primaryYaml(journal("node1"), port1, port2));
        final Node node2 = launch(secondaryYaml(dir.resolve("node2"), port1, port2, "!Manual { }")
            .replace("admin: { listen: \"127.0.0.1:0\" }", "admin: { listen: \"127.0.0.1:0\", tokenFile: \"" +
            token + "\" }"));
        Tests.await("node-2 streaming", Duration.ofSeconds(20), node2::switchoverPossible);

        final java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(
            "http://127.0.0.1:" + node2.adminPort() + "/service/activationmode/hot"))
            .header("Authorization", "Bearer " + TOKEN)
            .PUT(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"mode\":\"Hot\"") && answer.body().contains("\"outcome\":\"switchover\""),
            answer.body());
        assertEquals(2, node2.epoch());
        Tests.await("node-1 Warm, following", Duration.ofSeconds(20), () -> node1.mode() == NodeMode.Warm &&
            node1.switchoverPossible());
    }

    @Test
    void shouldRefuseASwitchoverWithoutASecondary()
    {
        final int[] ports = Ports.fixed(2);
        final Node node1 = launch(primaryYaml(journal("node1"), ports[0], ports[1]));
        final SwitchoverOutcome outcome = node1.switchover(1_000);
        assertEquals("refused", outcome.outcome(), outcome.detail());
        assertEquals(NodeMode.Hot, node1.mode());
    }

    @Test
    void shouldActivateAtOnceWhenTheRedialIsRefused()
    {
        final int[] ports = Ports.fixed(3);
        final int port1 = ports[0];
        final Node node1 = launch(primaryYaml(journal("node1"), port1, ports[1]));
        final Node node2 = launch(secondaryYaml(dir.resolve("node2"), port1, ports[2],
            "!TryHeartbeat { delayMs: 30000 }"));
        Tests.await("node-2 streaming", Duration.ofSeconds(20), node2::switchoverPossible);

        final long stopNs = System.nanoTime();
        node1.close();
        Tests.await("node-2 Hot long before delayMs", Duration.ofSeconds(15), () -> node2.mode() == NodeMode.Hot);
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopNs);
        assertTrue(node2.reason().contains("re-dial was refused"), node2.reason());
        assertTrue(tookMs < 10_000, "took " + tookMs + " ms");
    }

    @Test
    void shouldNotActivateOnRefusalWhenSwitchedOff()
    {
        final int[] ports = Ports.fixed(3);
        final int port1 = ports[0];
        final Node node1 = launch(primaryYaml(journal("node1"), port1, ports[1]));
        final Node node2 = launch(secondaryYaml(dir.resolve("node2"), port1, ports[2],
            "!TryHeartbeat { delayMs: 30000, activateOnRefusal: false }"));
        Tests.await("node-2 streaming", Duration.ofSeconds(20), node2::switchoverPossible);
        node1.close();
        Tests.await("node-2 lost the primary", Duration.ofSeconds(10), () -> !node2.switchoverPossible());
        // a bounded observation: the refusal is seen within milliseconds, activation would follow at once
        final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() - until < 0)
        {
            assertEquals(NodeMode.Warm, node2.mode());
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
    }

    @Test
    void shouldNotActivateOnANetworkBlip()
    {
        final int[] ports = Ports.fixed(3);
        final int port1 = ports[0];
        final Node node1 = launch(primaryYaml(journal("node1"), port1, ports[1]));
        try (FaultyProxy proxy = FaultyProxy.start(port1))
        {
            final Node node2 = launch(secondaryYaml(dir.resolve("node2"), proxy.port(), ports[2],
                "!TryHeartbeat { delayMs: 30000 }"));
            Tests.await("node-2 streaming", Duration.ofSeconds(20), node2::switchoverPossible);
            for (int i = 0; i < 5; i++)
            {
                final int accepted = proxy.connectionsAccepted();
                proxy.cutAll();
                Tests.await("re-dial " + i + " after the reset", Duration.ofSeconds(10),
                    () -> proxy.connectionsAccepted() > accepted);
                Tests.await("node-2 streaming again", Duration.ofSeconds(20), node2::switchoverPossible);
            }
            assertEquals(NodeMode.Warm, node2.mode(), node2.reason());
            assertEquals(NodeMode.Hot, node1.mode());
            node2.close();
        }
    }

    /** Records what the node hands a {@link RecoverableApplication}: the replica while Warm, the activations. */
    private static final class FollowingApplication implements dev.tandem.fix.FixApplication, RecoverableApplication
    {
        private volatile Node node;
        private volatile long seenPosition;
        private volatile long calls;
        private volatile long callsWhenNotWarm;
        private volatile int activations;

        @Override
        public int onReplicated(final Journal journal)
        {
            final Node current = node;
            if (current != null && current.mode() != NodeMode.Warm)
            {
                callsWhenNotWarm++;
            }
            calls++;
            final long last = journal.lastPosition();
            final int read = (int)(last - seenPosition);
            seenPosition = last;
            return read;
        }

        @Override
        public void onActivation(final Journal journal)
        {
            activations++;
        }

        @Override
        public void onMessage(final org.agrona.DirectBuffer buffer, final int offset, final int length,
            final dev.tandem.fix.FixSession session)
        {
        }
    }

    private Node launch(final String yaml)
    {
        final Node node = Node.launch(NodeConfig.fromYaml(yaml), events::add);
        nodes.add(node);
        return node;
    }

    private Path journal(final String name)
    {
        final Path path = dir.resolve(name);
        try (Journal journal = Journal.open(new JournalContext().dir(path.toString()).conclude()))
        {
            for (int i = 1; i <= 3; i++)
            {
                journal.appendSequenceChange(SESSION, i, i, 1_000L * i);
            }
        }
        EpochFile.open(path).store(1);
        return path;
    }

    private List<Path> aside()
    {
        try (Stream<Path> list = Files.list(dir))
        {
            return list.filter(path -> path.getFileName().toString().contains(".diverged-")).toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static String primaryYaml(final Path journal, final int listen, final int follow)
    {
        return "!NodeConfig {\n" +
            "  role: PRIMARY, nodeId: 1,\n" +
            "  journal: { dir: \"" + journal + "\" },\n" +
            "  replication: { listen: \"127.0.0.1:" + listen + "\", connect: \"127.0.0.1:" + follow + "\", " +
            "clusterName: demo, secretFile: \"" + NodeConfigTest.SECRET + "\", ackStrategy: !WaitForever { } },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  application: " + IgnoringApplication.class.getName() + ",\n" +
            "  admin: { listen: \"127.0.0.1:0\" }\n" +
            "}\n";
    }

    private static String secondaryYaml(final Path journal, final int connect, final int listenWhenHot,
        final String activation)
    {
        return "!NodeConfig {\n" +
            "  role: SECONDARY, nodeId: 2,\n" +
            "  journal: { dir: \"" + journal + "\" },\n" +
            "  replication: { connect: \"127.0.0.1:" + connect + "\", listenWhenHot: \"127.0.0.1:" + listenWhenHot +
            "\", ackStrategyWhenHot: !WaitForever { }, clusterName: demo, secretFile: \"" + NodeConfigTest.SECRET +
            "\" },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  application: " + IgnoringApplication.class.getName() + ",\n" +
            "  admin: { listen: \"127.0.0.1:0\" },\n" +
            "  activation: " + activation + "\n" +
            "}\n";
    }
}
