package dev.tandem.node;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.JournalReader;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * In one JVM, real nodes on loopback, the admin API over real HTTP: a node left Stale by a journal its primary refused
 * as diverged ({@code onDivergence: STOP}) is told by an operator ({@code PUT /service/rejoin}) to set the journal
 * aside and rejoin, without a restart; every other node refuses the call.
 */
@Timeout(120)
class DivergedRejoinTest
{
    private static final long SESSION = 42;
    private static final String TOKEN = "diverged-rejoin-test-admin-token";

    private final Path dir = Tests.tempDir("diverged-rejoin");
    private final List<Node> nodes = new ArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path tokenFile;

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
    void shouldSetTheDivergedJournalAsideAndRejoinWhenAnOperatorAsks() throws Exception
    {
        // positions 1-3 alike; then the old primary's unacknowledged tail (4, 5) and the new primary's own 4-6
        final Path oldDir = journal("old", 1, 100, 101);
        final Path newDir = journal("new", 2, 200, 201, 202);
        final Node primary = launch(primaryYaml(newDir, 2, ""));
        final Node rejoining = launch(secondaryYaml(oldDir, primary.replicationPort(), 1, "onDivergence: STOP, "));
        Tests.await("the diverged node goes Stale", Duration.ofSeconds(20),
            () -> rejoining.mode() == NodeMode.Stale);
        assertTrue(rejoining.reason().contains("PUT /service/rejoin"), rejoining.reason());

        final HttpResponse<String> noToken = put(rejoining, "/service/rejoin", null);
        assertEquals(401, noToken.statusCode(), noToken.body());
        final HttpResponse<String> wrongToken = put(rejoining, "/service/rejoin", "not-the-token-at-all-really");
        assertEquals(401, wrongToken.statusCode(), wrongToken.body());
        final HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri(rejoining, "/service/rejoin"))
            .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode(), post.body());
        assertEquals(NodeMode.Stale, rejoining.mode());
        assertEquals(List.of(), asideDirs("old"), "nothing moved before an authorized call");
        assertEquals(5, rejoining.journal().lastPosition());

        final HttpResponse<String> answer = put(rejoining, "/service/rejoin", TOKEN);
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"mode\":\"Warm\"") && answer.body().contains("\"outcome\":\"rejoined\""),
            answer.body());
        final List<Path> aside = asideDirs("old");
        assertEquals(1, aside.size(), aside.toString());
        assertTrue(aside.get(0).getFileName().toString().matches("old\\.diverged-2-\\d{14}"), aside.toString());
        assertTrue(answer.body().contains("\"setAside\":\"" + aside.get(0) + "\""), answer.body());
        final String diverged = events.stream().filter(line -> line.startsWith("TANDEM DIVERGED")).findFirst()
            .orElseThrow();
        assertTrue(diverged.contains("ourPosition=5") && diverged.contains("setAside=" + aside.get(0)), diverged);
        assertTrue(events.stream().anyMatch(line -> line.startsWith("TANDEM WARM node=node-1") &&
            line.contains("rejoined on an operator's request")), events.toString());

        Tests.await("the rejoined node caught up", Duration.ofSeconds(20),
            () -> rejoining.journal().lastPosition() == 6);
        assertEquals(NodeMode.Warm, rejoining.mode(), rejoining.reason());
        assertEquals(2, rejoining.epoch(), "adopted the primary's epoch");
        assertEquals(200, get(rejoining, "/health").statusCode());
        final HttpResponse<String> again = put(rejoining, "/service/rejoin", TOKEN);
        assertEquals(409, again.statusCode(), again.body());
        assertTrue(again.body().contains("\"outcome\":\"refused\"") && again.body().contains("no diverged journal"),
            again.body());

        // a working secondary: it takes over when the primary is gone, at the next epoch, on the replicated journal
        primary.close();
        assertEquals(NodeMode.Hot, rejoining.activate("test", 10_000), rejoining.reason());
        assertEquals(3, rejoining.epoch());
        rejoining.close();

        assertEquals(entries(newDir), entries(oldDir), "the fresh journal equals the primary's entry by entry");
        assertEquals(5, entries(aside.get(0)).size(), "the diverged journal is kept whole");
        // its own epoch, or the primary's if the control agent adopted it before the refusal arrived
        assertTrue(Files.exists(aside.get(0).resolve(EpochFile.FILE_NAME)), "the set-aside directory keeps its epoch");
    }

    @Test
    void shouldRefuseARejoinOnAHotNodeAWarmNodeAndAStalePrimary() throws Exception
    {
        final Node primary = launch(primaryYaml(journal("primary", 2), 2, ""));
        final Node secondary = launch(secondaryYaml(dir.resolve("secondary"), primary.replicationPort(), 3, ""));
        Tests.await("the secondary caught up", Duration.ofSeconds(20),
            () -> secondary.journal().lastPosition() == 3);

        final HttpResponse<String> hot = put(primary, "/service/rejoin", TOKEN);
        assertEquals(409, hot.statusCode(), hot.body());
        assertTrue(hot.body().contains("\"outcome\":\"refused\"") && hot.body().contains("this node is Hot"),
            hot.body());
        assertEquals(NodeMode.Hot, primary.mode());

        final HttpResponse<String> warm = put(secondary, "/service/rejoin", TOKEN);
        assertEquals(409, warm.statusCode(), warm.body());
        assertTrue(warm.body().contains("this node is Warm and holds no diverged journal"), warm.body());
        assertEquals(NodeMode.Warm, secondary.mode());

        // a primary fenced at start-up by a peer Hot at a higher epoch: Stale, but not for a diverged journal
        final Node fenced = launch(primaryYaml(journal("fenced", 1), 1, "peerAdmin: \"127.0.0.1:" +
            primary.adminPort() + "\",\n"));
        assertEquals(NodeMode.Stale, fenced.mode(), fenced.reason());
        final HttpResponse<String> stale = put(fenced, "/service/rejoin", TOKEN);
        assertEquals(409, stale.statusCode(), stale.body());
        assertTrue(stale.body().contains("this node is Stale and holds no diverged journal") &&
            stale.body().contains("restart as a SECONDARY"), stale.body());
        assertEquals(NodeMode.Stale, fenced.mode());
        assertEquals(List.of(), asideDirs("fenced"));
        assertEquals(List.of(), asideDirs("secondary"));
        assertEquals(List.of(), asideDirs("primary"));
    }

    @Test
    void shouldRefuseARejoinWhenNoTokenIsConfigured() throws Exception
    {
        final Path oldDir = journal("old", 1, 100);
        final Path newDir = journal("new", 2, 200);
        final Node primary = launch(primaryYaml(newDir, 2, ""));
        final Node rejoining = launch(secondaryYaml(oldDir, primary.replicationPort(), 1, "onDivergence: STOP, ")
            .replace(", tokenFile: \"" + tokenFile + "\"", ""));
        Tests.await("the diverged node goes Stale", Duration.ofSeconds(20),
            () -> rejoining.mode() == NodeMode.Stale);

        final HttpResponse<String> answer = put(rejoining, "/service/rejoin", TOKEN);
        assertEquals(403, answer.statusCode(), answer.body());
        assertEquals(NodeMode.Stale, rejoining.mode());
        assertEquals(List.of(), asideDirs("old"));
    }

    private Node launch(final String yaml)
    {
        final Node node = Node.launch(NodeConfig.fromYaml(yaml), events::add);
        nodes.add(node);
        return node;
    }

    private URI uri(final Node node, final String path)
    {
        return URI.create("http://127.0.0.1:" + node.adminPort() + path);
    }

    private HttpResponse<String> put(final Node node, final String path, final String token) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri(node, path))
            .timeout(Duration.ofSeconds(30)).PUT(HttpRequest.BodyPublishers.noBody());
        if (token != null)
        {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(final Node node, final String path) throws Exception
    {
        return client.send(HttpRequest.newBuilder(uri(node, path)).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
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

    private String admin()
    {
        if (tokenFile == null)
        {
            tokenFile = dir.resolve("admin.token");
            try
            {
                Files.createDirectories(dir);
                Files.writeString(tokenFile, TOKEN);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
        return "  admin: { listen: \"127.0.0.1:0\", tokenFile: \"" + tokenFile + "\" },\n";
    }

    private String primaryYaml(final Path journal, final int nodeId, final String more)
    {
        return "!NodeConfig {\n" +
            "  role: PRIMARY, nodeId: " + nodeId + ",\n" +
            "  journal: { dir: \"" + journal + "\" },\n" +
            "  replication: { listen: \"127.0.0.1:0\", clusterName: demo, secretFile: \"" + NodeConfigTest.SECRET +
            "\", ackStrategy: !NeverTimesOut { } },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  application: " + IgnoringApplication.class.getName() + ",\n" +
            admin() + more +
            "  onFailure: STAY_UP\n" +
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
            admin() +
            "  activation: !Manual { },\n" +
            "  onFailure: STAY_UP\n" +
            "}\n";
    }
}
