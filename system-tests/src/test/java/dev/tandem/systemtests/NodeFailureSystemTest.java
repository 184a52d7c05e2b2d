package dev.tandem.systemtests;

import dev.tandem.node.Node;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.NodeProcess;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node JVM whose journal directory is deleted or replaced under it while it runs: it must notice, turn unhealthy
 * at once (503 with the reason), close its FIX and replication ports, print one TANDEM FAILED line, and exit with
 * {@link Node#EXIT_FAILED} unless {@code onFailure: STAY_UP}.
 */
class NodeFailureSystemTest
{
    private final Path dir = Tests.tempDir("nodefailure");

    @AfterEach
    void after()
    {
        Tests.deleteRecursively(dir);
    }

    private Path config(final String name, final Path journal, final String extra)
    {
        final Path secret = dir.resolve("secret");
        write(secret, "0123456789abcdef0123456789abcdef");
        final Path config = dir.resolve(name + ".yaml");
        write(config, "role: PRIMARY\n" +
            "journal: { dir: \"" + journal + "\" }\n" +
            "replication: { listen: \"127.0.0.1:0\", secretFile: \"" + secret + "\" }\n" +
            "fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] }\n" +
            "admin: { listen: \"127.0.0.1:0\" }\n" + extra);
        return config;
    }

    @Test
    void shouldFailAndStayUpUnhealthyWhenTheJournalDirectoryIsDeleted()
    {
        final Path journal = dir.resolve("journal");
        try (NodeProcess node = NodeProcess.start("deleted", config("deleted", journal, "onFailure: STAY_UP\n"),
            List.of(), null))
        {
            final String ready = node.awaitEvent("TANDEM READY", 30_000);
            final int admin = NodeProcess.adminPort(ready);
            final int fix = NodeProcess.fixPort(ready);
            final int replication = NodeProcess.replicationPort(ready);
            assertTrue(DemoCluster.http("GET", admin, "/health").startsWith("200"));
            assertTrue(accepts(fix) && accepts(replication), "ports open while healthy");

            Tests.deleteRecursively(journal);

            final String failed = node.awaitEvent("TANDEM FAILED", 30_000);
            assertTrue(failed.contains("journal directory") && failed.contains("is gone") &&
                failed.contains("exit=none"), failed);
            final String health = DemoCluster.http("GET", admin, "/health");
            assertTrue(health.startsWith("503") && health.contains("\"mode\":\"Failed\"") &&
                health.contains("is gone"), health);
            Tests.await("FIX and replication ports closed", Duration.ofSeconds(30),
                () -> !accepts(fix) && !accepts(replication));
            assertTrue(node.isAlive(), "onFailure: STAY_UP keeps the process");
            assertTrue(DemoCluster.http("GET", admin, "/health").startsWith("503"), "and it stays unhealthy");
        }
    }

    @Test
    void shouldExitWithTheFailedCodeWhenTheJournalDirectoryIsReplaced() throws IOException
    {
        final Path journal = dir.resolve("journal");
        try (NodeProcess node = NodeProcess.start("replaced", config("replaced", journal, ""), List.of(), null))
        {
            node.awaitEvent("TANDEM READY", 30_000);
            Files.move(journal, dir.resolve("journal.moved"));
            Files.createDirectories(journal);

            assertEquals(Node.EXIT_FAILED, node.awaitExit(30_000), String.join("\n", node.transcript()));
            final String failed = node.transcript().stream().filter(line -> line.startsWith("TANDEM FAILED"))
                .findFirst().orElseThrow(() -> new AssertionError("no TANDEM FAILED line: " + node.transcript()));
            assertTrue(failed.contains("exit=" + Node.EXIT_FAILED), failed);
            assertFalse(node.isAlive());
        }
    }

    static boolean accepts(final int port)
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    static void write(final Path file, final String text)
    {
        try
        {
            Files.writeString(file, text);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
