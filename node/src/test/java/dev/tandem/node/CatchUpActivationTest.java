package dev.tandem.node;

import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.test.FaultyProxy;
import dev.tandem.test.Tests;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A secondary still catching up its primary's backlog when the primary dies does not take over by itself: the
 * primary's loss window counted from the catch-up target, so the secondary could lack far more than the bound it
 * was announced. An operator can still force the activation. Real nodes in one JVM, the replication link slowed by a
 * proxy so the catch-up lasts.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CatchUpActivationTest
{
    private static final long SESSION = 42;
    private static final int BACKLOG = 20_000;

    private final Path dir = Tests.tempDir("catch-up-activation");
    private final List<Node> nodes = new ArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private FaultyProxy proxy;

    @AfterEach
    void tearDown()
    {
        for (int i = nodes.size() - 1; i >= 0; i--)
        {
            nodes.get(i).close();
        }
        if (proxy != null)
        {
            proxy.close();
        }
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldNotActivateByItselfWhileCatchingUpButLetAnOperatorForceIt()
    {
        final Path primaryDir = backlog(dir.resolve("primary"));
        final Node primary = launch(primaryYaml(primaryDir));
        proxy = FaultyProxy.start(primary.replicationPort());
        // about 4 MB/s: the 20 MB backlog takes seconds to stream
        proxy.slow(4 * 1024, TimeUnit.MILLISECONDS.toNanos(1));
        final Node secondary = launch(secondaryYaml(dir.resolve("secondary"), proxy.port()));
        Tests.await("the secondary streams the backlog", Duration.ofSeconds(30),
            () -> secondary.journal().lastPosition() > 0);
        assertTrue(secondary.journal().lastPosition() < BACKLOG, "still catching up");

        primary.close();
        nodes.remove(primary);
        proxy.cutAll();
        proxy.refuseConnections(true);
        Tests.await("the secondary declines to take over by itself", Duration.ofSeconds(30),
            () -> secondary.reason() != null && secondary.reason().contains("still catching up"));
        assertEquals(NodeMode.Warm, secondary.mode());
        assertTrue(secondary.journal().lastPosition() < BACKLOG, "it never got the whole backlog");
        assertTrue(events.stream().noneMatch(line -> line.startsWith("TANDEM HOT")), events.toString());

        assertEquals(NodeMode.Hot, secondary.activate("operator", 10_000), "an operator can force it");
    }

    private Node launch(final String yaml)
    {
        final Node node = Node.launch(NodeConfig.fromYaml(yaml), events::add);
        nodes.add(node);
        return node;
    }

    /** A primary's journal holding a day's worth of trading the secondary has not seen: 20,000 messages of 1 KB. */
    private static Path backlog(final Path path)
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[1024]);
        try (Journal journal = Journal.open(new JournalContext().dir(path.toString()).conclude()))
        {
            for (int i = 0; i < BACKLOG; i++)
            {
                final int seqNum = journal.nextSenderSeqNum(SESSION);
                int at = message.putStringWithoutLengthAscii(0, "8=FIX.4.4\u00019=1000\u000135=8\u000134=");
                at += message.putIntAscii(at, seqNum);
                at += message.putStringWithoutLengthAscii(at, "\u000158=");
                while (at < message.capacity() - 8)
                {
                    message.putByte(at++, (byte)'x');
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
            "\", ackStrategy: !NeverTimesOut { } },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  application: " + IgnoringApplication.class.getName() + ",\n" +
            "  admin: { listen: \"127.0.0.1:0\" }\n" +
            "}\n";
    }

    private static String secondaryYaml(final Path journal, final int replicationPort)
    {
        return "!NodeConfig {\n" +
            "  role: SECONDARY, nodeId: 2,\n" +
            "  journal: { dir: \"" + journal + "\" },\n" +
            "  replication: { connect: \"127.0.0.1:" + replicationPort + "\", clusterName: demo, " +
            "secretFile: \"" + NodeConfigTest.SECRET + "\" },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  application: " + IgnoringApplication.class.getName() + ",\n" +
            "  admin: { listen: \"127.0.0.1:0\" },\n" +
            "  activation: !TryHeartbeat { delayMs: 300 }\n" +
            "}\n";
    }
}
