package dev.tandem.node;

import dev.tandem.failover.ConnectionStrategies;
import dev.tandem.failover.FailoverInitiator;
import dev.tandem.failover.FailoverInitiatorConfig;
import dev.tandem.failover.FailoverListener;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.OrderFlow;
import dev.tandem.test.FaultyProxy;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica behind a throttled link (issue 15 item 8): real nodes in one JVM, the replication link through a
 * {@link FaultyProxy} slowed to about 1 KB/s, orders from a real initiator. The primary must say DEGRADED on /health
 * (still 200), count on /metrics the messages BoundedWait released without the replica's acknowledgement, and come
 * back UP once the link is fast again and the replica has caught up.
 */
class SlowReplicaTest
{
    private static final Path SECRET = Tests.secretFile();

    private static final Pattern UNPROTECTED =
        Pattern.compile("tandem_replication_released_unacknowledged_total\\{[^}]*} (\\d+)");

    private final Path dir = Tests.tempDir("slow-replica");
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            closeables.get(i).close();
        }
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldReportDegradedAndCountUnprotectedReleasesWhileTheReplicaLags()
    {
        final Node primary = launch("!NodeConfig {\n  role: PRIMARY, nodeId: 1,\n" +
            "  journal: { dir: \"" + dir.resolve("primary") + "\" },\n" +
            "  replication: { listen: \"127.0.0.1:0\", clusterName: demo, secretFile: \"" + SECRET +
            "\", ackStrategy: !BoundedWait { timeoutMs: 5, onTimeout: SEND_ANYWAY, " +
            "whileSecondaryAway: RELEASE_IMMEDIATELY }, lagWarnEntries: 200, lagWarnMs: 1000 },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  application: echo,\n" +
            "  admin: { listen: \"127.0.0.1:0\" }\n}\n");
        final FaultyProxy proxy = FaultyProxy.start(primary.replicationPort());
        closeables.add(proxy);
        final Node secondary = launch("!NodeConfig {\n  role: SECONDARY, nodeId: 2,\n" +
            "  journal: { dir: \"" + dir.resolve("secondary") + "\" },\n" +
            "  replication: { connect: \"127.0.0.1:" + proxy.port() + "\", clusterName: demo, secretFile: \"" +
            SECRET + "\" },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  admin: { listen: \"127.0.0.1:0\" },\n  activation: !Manual { }\n}\n");
        final int admin = primary.adminPort();
        Tests.await("the secondary replicates", Duration.ofSeconds(30), () -> DemoCluster
            .http("GET", secondary.adminPort(), "/metrics").contains("tandem_replication_connected{node=\"node-2\"} 1"));
        assertTrue(DemoCluster.http("GET", admin, "/health").startsWith("200 {\"status\":\"UP\""));

        proxy.slow(64, 50_000_000L);
        final OrderFlow flow = new OrderFlow(500);
        final FailoverInitiator initiator = FailoverInitiator.start(new FailoverInitiatorConfig()
            .connect(List.of("127.0.0.1:" + primary.fixPort()))
            .connectionStrategy(ConnectionStrategies.fromYaml("!Failover { attemptsPerAddress: 1, " +
                "connectTimeoutMs: 500, logonTimeoutMs: 2000, backoffInitialMs: 10, backoffMaxMs: 100 }"))
            .senderCompId("TW")
            .targetCompId("ISLD")
            .heartbeatSec(30)
            .journalDir(dir.resolve("initiator").toString())
            .validate(), flow, FailoverListener.NONE);
        closeables.add(initiator);

        // the lease may expire first on a link this slow (holding is DEGRADED too); wait for the lag's own reason
        Tests.await("the primary says DEGRADED for the lag", Duration.ofSeconds(60), () ->
        {
            final String health = DemoCluster.http("GET", admin, "/health");
            return health.startsWith("200 {\"status\":\"DEGRADED\"") && health.contains("replica lags");
        });
        final String health = DemoCluster.http("GET", admin, "/health");
        assertTrue(health.contains("replica lags") && health.contains("released before their acknowledgement"),
            health);
        Tests.await("released unprotected counted", Duration.ofSeconds(30),
            () -> unprotected(DemoCluster.http("GET", admin, "/metrics")) > 0);
        assertTrue(DemoCluster.http("GET", admin, "/metrics").contains("tandem_replication_degraded{node=\"node-1\"} 1"));
        assertTrue(flow.answers() > 0, "orders were answered while the replica lagged");

        flow.stopSending();
        proxy.slow(0, 0);
        Tests.await("the primary is UP again once the replica caught up", Duration.ofSeconds(60),
            () -> DemoCluster.http("GET", admin, "/health").startsWith("200 {\"status\":\"UP\""));
        assertTrue(DemoCluster.http("GET", admin, "/metrics").contains("tandem_replication_degraded{node=\"node-1\"} 0"));
    }

    private Node launch(final String yaml)
    {
        final Node node = Node.launch(NodeConfig.fromYaml(yaml), line -> { });
        closeables.add(node);
        return node;
    }

    private static long unprotected(final String metrics)
    {
        final Matcher matcher = UNPROTECTED.matcher(metrics);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }
}
