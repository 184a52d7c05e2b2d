package dev.tandem.replication;

import dev.tandem.test.Tests;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContextTest
{
    private static final String SECRET = "s3cr3t-value-that-must-never-be-printed";

    @Test
    void shouldReadSourceAndSinkYamlWithSecretFromFile() throws Exception
    {
        final Path dir = Tests.tempDir("ctx");
        try
        {
            final Path secretFile = dir.resolve("secret");
            Files.write(secretFile, (SECRET + "\n").getBytes(StandardCharsets.US_ASCII));
            final ReplicationSourceContext source = ReplicationSourceContext.fromYaml(
                "listen: \"127.0.0.1:0\"\n" +
                "clusterName: fix-a\n" +
                "nodeId: 11\n" +
                "epoch: 4\n" +
                "secretFile: " + secretFile + "\n" +
                "ackStrategy: !BoundedWait { timeoutMs: 9, onTimeout: DISCONNECT, whileSecondaryAway: KEEP_WAITING }\n" +
                "heartbeatIntervalMs: 20\n" +
                "heartbeatTimeoutMs: 200\n" +
                "handshakeTimeoutMs: 300\n" +
                "maxBatchBytes: 8192\n" +
                "maxPendingConnections: 2\n").conclude();
            assertEquals("fix-a", source.clusterName());
            assertEquals(11, source.nodeId());
            assertEquals(4, source.epoch());
            assertEquals(new BoundedWait().timeoutMs(9).onTimeout(BoundedWait.OnTimeout.DISCONNECT),
                source.ackStrategy());
            assertEquals(8192, source.maxBatchBytes());
            assertEquals(SECRET, new String(source.resolvedSecret(), StandardCharsets.US_ASCII));
            assertFalse(source.toString().contains(SECRET));

            final ReplicationSinkContext sink = ReplicationSinkContext.fromYaml(
                "source: 127.0.0.1:9701\n" +
                "clusterName: fix-a\n" +
                "nodeId: 12\n" +
                "secretFile: " + secretFile + "\n" +
                "reconnectBackoffMinMs: 5\n" +
                "reconnectBackoffMaxMs: 50\n" +
                "maxFrameLengthBytes: 65536\n").conclude();
            assertEquals(9701, sink.sourceAddress().getPort());
            assertEquals(65536, sink.maxFrameLengthBytes());
            assertFalse(sink.toString().contains(SECRET));
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }

    @Test
    void shouldDefaultToBoundedWaitThatReleasesWhileAway()
    {
        final ReplicationSourceContext source = new ReplicationSourceContext().clusterName("c")
            .secret(SECRET.getBytes()).conclude();
        assertInstanceOf(BoundedWait.class, source.ackStrategy());
        assertEquals(BoundedWait.WhileSecondaryAway.RELEASE_IMMEDIATELY,
            ((BoundedWait)source.ackStrategy()).whileSecondaryAway());
    }

    @Test
    void shouldNameKeyAndValueOfEveryBadSetting()
    {
        assertBad("listen: '127.0.0.1:99999'", "listen: '127.0.0.1:99999'");
        assertBad("listen: nowhere", "listen: 'nowhere'");
        assertBad("heartbeatIntervalMs: 100\nheartbeatTimeoutMs: 150", "heartbeatTimeoutMs: 150");
        assertBad("maxBatchBytes: 12", "maxBatchBytes: 12");
        assertBad("heartbeatIntervalMs: soon", "heartbeatIntervalMs: 'soon'");
        assertBad("colour: blue", "unknown key 'colour'");
        assertBad("secretEnv: TANDEM_TEST_SURELY_UNSET_VARIABLE",
            "secretEnv: environment variable 'TANDEM_TEST_SURELY_UNSET_VARIABLE' is not set");
        assertBad("secretFile: /nonexistent/tandem/secret", "secretFile: '/nonexistent/tandem/secret'");

        final IllegalArgumentException noCluster = assertThrows(IllegalArgumentException.class,
            () -> new ReplicationSourceContext().secret(SECRET.getBytes()).conclude());
        assertTrue(noCluster.getMessage().startsWith("clusterName: missing"), noCluster.getMessage());
        final IllegalArgumentException noSecret = assertThrows(IllegalArgumentException.class,
            () -> new ReplicationSinkContext().source("127.0.0.1:1").clusterName("c").conclude());
        assertTrue(noSecret.getMessage().contains("secretFile or secretEnv: missing"), noSecret.getMessage());
        final IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class,
            () -> new ReplicationSinkContext().source("127.0.0.1:1").clusterName("c").secret("short".getBytes())
                .conclude());
        assertTrue(shortSecret.getMessage().contains("5 bytes; at least 16"), shortSecret.getMessage());
        assertFalse(shortSecret.getMessage().contains("short"), "the secret itself is never shown");
        final IllegalArgumentException noSource = assertThrows(IllegalArgumentException.class,
            () -> new ReplicationSinkContext().clusterName("c").secret(SECRET.getBytes()).conclude());
        assertTrue(noSource.getMessage().startsWith("source: missing"), noSource.getMessage());
        final IllegalArgumentException backoff = assertThrows(IllegalArgumentException.class,
            () -> ReplicationSinkContext.fromYaml("source: 127.0.0.1:1\nclusterName: c\nreconnectBackoffMinMs: 100\n" +
                "reconnectBackoffMaxMs: 10").secret(SECRET.getBytes()).conclude());
        assertTrue(backoff.getMessage().startsWith("reconnectBackoffMaxMs: 10"), backoff.getMessage());
    }

    private static void assertBad(final String yaml, final String expected)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ReplicationSourceContext.fromYaml("clusterName: c\n" + yaml).secret(
                yaml.contains("secret") ? null : SECRET.getBytes()).conclude());
        assertTrue(ex.getMessage().contains(expected), "'" + ex.getMessage() + "' should contain '" + expected + "'");
    }
}
