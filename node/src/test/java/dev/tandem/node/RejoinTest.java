package dev.tandem.node;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.JournalReader;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In one JVM, real nodes on loopback: a Hot secondary replicates onward ({@code listenWhenHot}), and a node whose
 * journal holds entries its primary never had sets that journal aside and catches up (or stops, if told to).
 */
class RejoinTest
{
    private static final long SESSION = 42;

    private final Path dir = Tests.tempDir("rejoin");
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
    void shouldSetADivergedJournalAsideAndCatchUpFromPositionOne()
    {
        // positions 1-3 alike; then the old primary's unacknowledged tail (4, 5) and the new primary's own 4-6
        final Path oldDir = journal("old", 1, 100, 101);
        final Path newDir = journal("new", 2, 200, 201, 202);
        final Node primary = launch(primaryYaml(newDir));
        final Node rejoining = launch(secondaryYaml(oldDir, primary.replicationPort(), 1, ""));

        Tests.await("the rejoining node's DIVERGED event", Duration.ofSeconds(20),
            () -> events.stream().anyMatch(line -> line.startsWith("TANDEM DIVERGED")));
        Tests.await("the rejoining node caught up", Duration.ofSeconds(20),
            () -> rejoining.journal().lastPosition() == 6);
        assertEquals(2, rejoining.epoch(), "adopted the primary's epoch");
        assertEquals(NodeMode.Warm, rejoining.mode());
        rejoining.close();
        primary.close();

        assertEquals(entries(newDir), entries(oldDir), "the fresh journal equals the primary's entry by entry");
        assertEquals(2, EpochFile.open(oldDir).epoch(), "the fresh directory's epoch file");
        final List<Path> aside = asideDirs("old");
        assertEquals(1, aside.size(), aside.toString());
        assertTrue(aside.get(0).getFileName().toString().matches("old\\.diverged-2-\\d{14}"), aside.toString());
        assertEquals(5, entries(aside.get(0)).size(), "the diverged journal is kept whole");
        final String event = events.stream().filter(line -> line.startsWith("TANDEM DIVERGED")).findFirst().get();
        assertTrue(event.contains("ourPosition=5") && event.contains(aside.get(0).toString()), event);
    }

    @Test
    void shouldStopOnDivergenceWhenToldTo()
    {
        final Path oldDir = journal("old", 1, 100, 101);
        final Path newDir = journal("new", 2, 200);
        final Node primary = launch(primaryYaml(newDir));
        final Node rejoining = launch(secondaryYaml(oldDir, primary.replicationPort(), 1, "onDivergence: STOP, "));

        Tests.await("the rejoining node goes Stale", Duration.ofSeconds(20),
            () -> rejoining.mode() == NodeMode.Stale);
        assertTrue(rejoining.reason().contains("diverged"), rejoining.reason());
        assertEquals(5, rejoining.journal().lastPosition(), "nothing merged, nothing moved");
        assertEquals(NodeMode.Stale, rejoining.activate("test", 1_000), "a diverged node does not turn Hot");
        assertEquals(List.of(), asideDirs("old"));
    }

    @Test
    void shouldServeReplicationOnceHotSoTheOldPrimaryCanRejoin()
    {
        final Path primaryDir = journal("primary", 1);
        final Node primary = launch(primaryYaml(primaryDir));
        final Node secondary = launch(secondaryYaml(dir.resolve("secondary"), primary.replicationPort(), 2,
            "listenWhenHot: \"127.0.0.1:0\", ackStrategyWhenHot: !WaitForever { }, "));
        assertEquals(-1, secondary.replicationPort(), "a Warm secondary serves no replication");
        Tests.await("the secondary caught up", Duration.ofSeconds(20),
            () -> secondary.journal().lastPosition() == 3);
        primary.close();

        assertEquals(NodeMode.Hot, secondary.activate("test", 10_000));
        assertEquals(2, secondary.epoch());
        assertTrue(secondary.replicationPort() > 0, "serves replication at listenWhenHot");
        Tests.await("the HOT line names the replication port", Duration.ofSeconds(10),
            () -> events.stream().anyMatch(line -> line.startsWith("TANDEM HOT") &&
            line.contains(" replication=" + secondary.replicationPort())));

        // the old primary comes back as a SECONDARY on its own journal: a prefix of the new primary's, no divergence
        nodes.remove(primary);
        final Node rejoined = launch(secondaryYaml(primaryDir, secondary.replicationPort(), 1, ""));
        Tests.await("the old primary replicates from the new one", Duration.ofSeconds(20),
            () -> rejoined.epoch() == 2 && rejoined.journal().lastPosition() == secondary.journal().lastPosition());
        assertEquals(List.of(), asideDirs("primary"));
    }

    private Node launch(final String yaml)
    {
        final Node node = Node.launch(NodeConfig.fromYaml(yaml), events::add);
        nodes.add(node);
        return node;
    }

    /** A journal with three common entries, then one sequence change per {@code tail} value, and an epoch file. */
    private Path journal(final String name, final long epoch, final int... tail)
    {
        final Path path = dir.resolve(name);
        try (Journal journal = Journal.open(new JournalContext().dir(path.toString()).conclude()))
        {
            for (int i = 1; i <= 3; i++)
            {
                journal.appendSequenceChange(SESSION, i, i, 1_000L * i);
            }
            for (final int value : tail)
            {
                journal.appendSequenceChange(SESSION, value, value, 1_000_000L + value);
            }
        }
        EpochFile.open(path).store(epoch);
        return path;
    }

    private static List<String> entries(final Path path)
    {
        final List<String> result = new ArrayList<>();
        try (Journal journal = Journal.open(new JournalContext().dir(path.toString()).conclude());
            JournalReader reader = journal.reader(1))
        {
            while (reader.poll(entry ->
            {
                final byte[] raw = new byte[entry.rawLength()];
                entry.rawBuffer().getBytes(entry.rawOffset(), raw);
                result.add(entry.position() + ":" + java.util.HexFormat.of().formatHex(raw));
            }, 1024) > 0)
            {
                // drain
            }
        }
        return result;
    }

    private List<Path> asideDirs(final String name)
    {
        try (Stream<Path> list = Files.list(dir))
        {
            return list.filter(path -> path.getFileName().toString().startsWith(name + ".diverged-")).toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private String primaryYaml(final Path journal)
    {
        return "!NodeConfig {\n" +
            "  role: PRIMARY, nodeId: 2,\n" +
            "  journal: { dir: \"" + journal + "\" },\n" +
            "  replication: { listen: \"127.0.0.1:0\", clusterName: demo, secretFile: \"" + NodeConfigTest.SECRET +
            "\", ackStrategy: !NeverTimesOut { } },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  application: " + IgnoringApplication.class.getName() + ",\n" +
            "  admin: { listen: \"127.0.0.1:0\" }\n" +
            "}\n";
    }

    private String secondaryYaml(final Path journal, final int replicationPort, final int nodeId, final String more)
    {
        return "!NodeConfig {\n" +
            "  role: SECONDARY, nodeId: " + nodeId + ",\n" +
            "  journal: { dir: \"" + journal + "\" },\n" +
            "  replication: { connect: \"127.0.0.1:" + replicationPort + "\", " + more + "clusterName: demo, " +
            "secretFile: \"" + NodeConfigTest.SECRET + "\" },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  application: " + IgnoringApplication.class.getName() + ",\n" +
            "  admin: { listen: \"127.0.0.1:0\" },\n" +
            "  activation: !Manual { }\n" +
            "}\n";
    }
}
