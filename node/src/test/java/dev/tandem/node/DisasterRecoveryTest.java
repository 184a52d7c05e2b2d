package dev.tandem.node;

import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.JournalReader;
import dev.tandem.test.Ports;
import dev.tandem.test.Tests;
import dev.tandem.test.fix.DefScriptRunner;
import dev.tandem.test.fix.FixTestClient;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes in one JVM over loopback: a primary, a standby (TryHeartbeat, {@code listenWhenHot}) and a
 * disaster-recovery copy ({@code !Manual}, listed in both sources' {@code drSinkNodeIds}, the standby's
 * {@code listenWhenHot} as its {@code alternateSources}). The primary goes; the standby takes over at the next epoch;
 * the DR copy, without an operator, follows it, adopts its epoch, receives what the new primary journals after the
 * takeover, and ends with the same journal entry by entry.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DisasterRecoveryTest
{
    private static final long SESSION = 42;
    private static final int BACKLOG = 500;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Path dir = Tests.tempDir("disaster-recovery");
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
    void shouldFollowTheStandbyAfterItTakesOverAndMatchItsJournalEntryByEntry()
    {
        final int listenWhenHot = Ports.fixed(1)[0];
        final Node primary = launch(primaryYaml(backlog(dir.resolve("primary"))));
        final Node standby = launch(secondaryYaml(2, dir.resolve("standby"), primary.replicationPort(),
            "listenWhenHot: \"127.0.0.1:" + listenWhenHot + "\", drSinkNodeIds: [ 3 ], ",
            "!TryHeartbeat { delayMs: 300 }"));
        final Node dr = launch(secondaryYaml(3, dir.resolve("dr"), primary.replicationPort(),
            "alternateSources: [ \"127.0.0.1:" + listenWhenHot + "\" ], ", "!Manual { }"));
        Tests.await("standby and DR copy hold the backlog", WAIT, () ->
            standby.journal().lastPosition() == BACKLOG && dr.journal().lastPosition() == BACKLOG);

        primary.close();
        nodes.remove(primary);
        Tests.await("the standby takes over", WAIT, () -> standby.mode() == NodeMode.Hot);
        assertEquals(2, standby.epoch());

        // traffic on the new primary after the takeover: a Logon, journaled there and streamed on to the DR copy
        try (FixTestClient client = FixTestClient.connect(new InetSocketAddress("127.0.0.1", standby.fixPort()),
            WAIT))
        {
            client.send(DefScriptRunner.render(
                "8=FIX.4.4|35=A|34=1|49=TW|52=<TIME>|56=ISLD|98=0|108=30|".replace('|', '\u0001'), Instant.now()));
            client.receive(WAIT);
        }
        Tests.await("the new primary journaled the Logon", WAIT, () -> standby.journal().lastPosition() > BACKLOG);
        Tests.await("the DR copy follows the new primary (DR at " + dr.journal().lastPosition() + ")", WAIT,
            () -> dr.epoch() == 2 && dr.journal().lastPosition() == standby.journal().lastPosition());
        assertEquals(NodeMode.Warm, dr.mode(), "a DR copy never takes over by itself");
        // the DR copy's ack follows its append: wait for it to reach the new primary's metrics
        final String acked = "tandem_replication_dr_acked_position{node=\"node-2\",dr=\"3\"} " +
            standby.journal().lastPosition();
        Tests.await("the new primary's metrics show the DR copy's ack", WAIT, () -> metrics(standby).contains(acked));
        assertTrue(metrics(standby).contains("tandem_replication_dr_attached{node=\"node-2\",dr=\"3\"} 1"),
            metrics(standby));
        final StringBuilder drMetrics = new StringBuilder();
        dr.writeMetrics(drMetrics);
        assertFalse(drMetrics.toString().contains("tandem_replication_dr_"), "only a source lists DR sinks");
        assertTrue(events.stream().noneMatch(line -> line.startsWith("TANDEM HOT node=node-3")), events.toString());

        final List<byte[]> expected = entries(standby.journal());
        final List<byte[]> actual = entries(dr.journal());
        assertEquals(expected.size(), actual.size(), "entry count");
        for (int i = 0; i < expected.size(); i++)
        {
            assertArrayEquals(expected.get(i), actual.get(i), "entry at position " + (i + 1));
        }
    }

    private static String metrics(final Node node)
    {
        final StringBuilder out = new StringBuilder();
        node.writeMetrics(out);
        return out.toString();
    }

    private Node launch(final String yaml)
    {
        final Node node = Node.launch(NodeConfig.fromYaml(yaml), events::add);
        nodes.add(node);
        return node;
    }

    /**
     * Every entry's raw bytes, by position. Read from a test thread while the node runs: the journal is only read
     * here (each node's agents append), once the positions compared have stopped moving.
     */
    private static List<byte[]> entries(final Journal journal)
    {
        final List<byte[]> entries = new ArrayList<>();
        try (JournalReader reader = journal.reader(1))
        {
            while (reader.poll(entry ->
            {
                assertEquals(entries.size() + 1, entry.position(), "gap or duplicate");
                final byte[] bytes = new byte[entry.rawLength()];
                entry.rawBuffer().getBytes(entry.rawOffset(), bytes);
                entries.add(bytes);
            }, 1024) > 0)
            {
                // read on
            }
        }
        return entries;
    }

    private static Path backlog(final Path path)
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
        try (Journal journal = Journal.open(new JournalContext().dir(path.toString()).conclude()))
        {
            for (int i = 0; i < BACKLOG; i++)
            {
                final int seqNum = journal.nextSenderSeqNum(SESSION);
                int at = message.putStringWithoutLengthAscii(0, "8=FIX.4.4\u00019=200\u000135=8\u000134=");
                at += message.putIntAscii(at, seqNum);
                at += message.putStringWithoutLengthAscii(at, "\u000158=");
                while (at < message.capacity() - 8)
                {
                    message.putByte(at++, (byte)('a' + i % 26));
                }
                at += message.putStringWithoutLengthAscii(at, "\u000110=000\u0001");
                journal.appendMessage(SESSION, Direction.OUTBOUND, seqNum, 1_000L * i, 0, message, 0, at);
            }
        }
        EpochFile.open(path).store(1);
        return path;
    }

    private static String primaryYaml(final Path journal)
    {
        return "!NodeConfig {\n" +
            "  role: PRIMARY, nodeId: 1,\n" +
            "  journal: { dir: \"" + journal + "\" },\n" +
            "  replication: { listen: \"127.0.0.1:0\", clusterName: demo, secretFile: \"" + NodeConfigTest.SECRET +
            "\", ackStrategy: !WaitForever { }, drSinkNodeIds: [ 3 ] },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  application: " + IgnoringApplication.class.getName() + ",\n" +
            "  admin: { listen: \"127.0.0.1:0\" }\n" +
            "}\n";
    }

    private static String secondaryYaml(final int nodeId, final Path journal, final int replicationPort,
        final String extraReplicationKeys, final String activation)
    {
        return "!NodeConfig {\n" +
            "  role: SECONDARY, nodeId: " + nodeId + ",\n" +
            "  journal: { dir: \"" + journal + "\" },\n" +
            "  replication: { connect: \"127.0.0.1:" + replicationPort + "\", " + extraReplicationKeys +
            "clusterName: demo, secretFile: \"" + NodeConfigTest.SECRET + "\" },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  application: " + IgnoringApplication.class.getName() + ",\n" +
            "  admin: { listen: \"127.0.0.1:0\" },\n" +
            "  activation: " + activation + "\n" +
            "}\n";
    }
}
