package dev.tandem.node;

import dev.tandem.node.demo.DemoCluster;
import dev.tandem.replication.ReplicationSourceContext;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In one JVM, real nodes on loopback: a secondary never activates before the lease it granted the primary has run
 * out (plus the margin), whatever asks it to; the lease switch on the admin API; the TryHeartbeat delay is checked
 * against the lease at start-up.
 */
class LeaseActivationTest
{
    private static final Path SECRET = Tests.secretFile();

    /** Long enough that "waited for the lease" and "did not" cannot be confused on a loaded machine. */
    private static final long LEASE_MS = 2_000;
    private static final long MARGIN_MS = 500;

    /** The admin API's token: state-changing calls need it. */
    private static final String TOKEN = "lease-activation-test-token-0123456789";

    private final Path dir = Tests.tempDir("lease-activation");
    private final Path tokenFile = writeToken(dir.resolve("admin.token"));
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
    void shouldActivateOnTheAdminCallOnlyOnceThePrimarysLeaseHasRunOut()
    {
        final Node primary = launch(primaryYaml());
        final Node secondary = launch(secondaryYaml(primary.replicationPort(), "!Manual { }"));
        Tests.await("the primary holds a lease from the secondary", Duration.ofSeconds(30),
            () -> metric(primary, "tandem_replication_lease_valid").equals("1"));
        assertEquals(String.valueOf(ReplicationSourceContext.DEFAULT_MAX_UNACKED_ENTRIES), metric(secondary,
            "tandem_replication_loss_bound_entries"), "the secondary knows the primary's loss bound");

        final long askedNs = System.nanoTime();
        assertEquals(NodeMode.Warm, secondary.activate("test", 300), "still waiting for the lease after 300 ms");
        assertTrue(secondary.reason().contains("waiting") && secondary.reason().contains("lease"),
            secondary.reason());
        assertEquals("1", metric(primary, "tandem_replication_lease_valid"), "the primary still holds its lease");

        Tests.await("the secondary turns Hot", Duration.ofSeconds(30), () -> secondary.mode() == NodeMode.Hot);
        // the safety property itself: once the secondary is Hot, the primary's lease has expired on its own clock
        assertEquals("0", metric(primary, "tandem_replication_lease_valid"));
        final long tookMs = (System.nanoTime() - askedNs) / 1_000_000;
        assertTrue(tookMs >= LEASE_MS, "activated " + tookMs + " ms after the request; the lease is " + LEASE_MS);
        assertEquals(ReplicationSourceContext.DEFAULT_MAX_UNACKED_ENTRIES, secondary.lossBoundEntries());
    }

    @Test
    void shouldSwitchWhenLeaseExpiredThroughTheAdminApiWithPutOnly()
    {
        final Node primary = launch(primaryYaml());
        final Node secondary = launch(secondaryYaml(primary.replicationPort(), "!Manual { }"));
        final int admin = primary.adminPort();
        assertEquals("200 {\"whenLeaseExpired\":\"HOLD\"}", DemoCluster.http("GET", admin,
            "/service/whenleaseexpired").trim());
        assertTrue(DemoCluster.http("PUT", admin, "/service/whenleaseexpired/release_unprotected").startsWith("401"),
            "a state change needs the token");
        assertTrue(DemoCluster.http("POST", admin, "/service/whenleaseexpired/release_unprotected",
            TOKEN).startsWith("405"));
        assertEquals("200 {\"whenLeaseExpired\":\"RELEASE_UNPROTECTED\"}", DemoCluster.http("PUT", admin,
            "/service/whenleaseexpired/release_unprotected", TOKEN).trim());
        assertEquals("1", metric(primary, "tandem_replication_release_unprotected"));
        assertEquals("200 {\"whenLeaseExpired\":\"HOLD\"}", DemoCluster.http("PUT", admin,
            "/service/whenleaseexpired/hold", TOKEN).trim());
        assertEquals("0", metric(primary, "tandem_replication_release_unprotected"));
        assertTrue(DemoCluster.http("PUT", secondary.adminPort(), "/service/whenleaseexpired/hold", TOKEN)
            .startsWith("409"), "a Warm node has no source to switch");
    }

    @Test
    void shouldRefuseATryHeartbeatDelayShorterThanLeaseAndMargin()
    {
        final ConfigException error = assertThrows(ConfigException.class, () -> NodeConfig.fromYaml(
            secondaryYaml(9, "!TryHeartbeat { delayMs: 2499 }")));
        assertTrue(error.detail().startsWith("activation.!TryHeartbeat.delayMs: 2499 is below " +
            "replication.leaseMs + replication.leaseMarginMs = 2000 + 500 = 2500"), error.getMessage());
        NodeConfig.fromYaml(secondaryYaml(9, "!TryHeartbeat { delayMs: 2500 }"));
    }

    private static Path writeToken(final Path file)
    {
        try
        {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, TOKEN);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private Node launch(final String yaml)
    {
        final Node node = Node.launch(NodeConfig.fromYaml(yaml), events::add);
        nodes.add(node);
        return node;
    }

    private static String metric(final Node node, final String name)
    {
        final StringBuilder out = new StringBuilder();
        node.writeMetrics(out);
        for (final String line : out.toString().split("\n"))
        {
            if (line.startsWith(name + "{"))
            {
                return line.substring(line.lastIndexOf(' ') + 1);
            }
        }
        throw new AssertionError("no metric " + name + " in\n" + out);
    }

    private String primaryYaml()
    {
        return "!NodeConfig {\n" +
            "  role: PRIMARY, nodeId: 1,\n" +
            "  journal: { dir: \"" + dir.resolve("primary") + "\" },\n" +
            "  replication: { listen: \"127.0.0.1:0\", clusterName: demo, secretFile: \"" + SECRET +
            "\", ackStrategy: !NeverTimesOut { } },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  admin: { listen: \"127.0.0.1:0\", tokenFile: \"" + tokenFile + "\" }\n" +
            "}\n";
    }

    private String secondaryYaml(final int replicationPort, final String activation)
    {
        return "!NodeConfig {\n" +
            "  role: SECONDARY, nodeId: 2,\n" +
            "  journal: { dir: \"" + dir.resolve("secondary") + "\" },\n" +
            "  replication: { connect: \"127.0.0.1:" + replicationPort + "\", clusterName: demo, " +
            "secretFile: \"" + SECRET + "\", leaseMs: " + LEASE_MS + ", leaseMarginMs: " + MARGIN_MS +
            " },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  admin: { listen: \"127.0.0.1:0\", tokenFile: \"" + tokenFile + "\" },\n" +
            "  activation: " + activation + "\n" +
            "}\n";
    }
}
