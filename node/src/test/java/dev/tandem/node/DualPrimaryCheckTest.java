package dev.tandem.node;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tandem.test.FaultyProxy;
import dev.tandem.test.Ports;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In one JVM, real nodes on loopback: two nodes that both claim Hot while they run, found by the continuous check
 * of each node's peer ({@code peerAdmin}, every {@code peerCheckIntervalMs}), not only at start-up: the node at the
 * lower epoch goes Stale; at the same epoch the higher nodeId yields and the other reports and serves on; a primary
 * and its Warm secondary report nothing. Only an answer proven with the pair's replication secret acts: a fake peer on
 * loopback that answers Hot at a higher epoch without a proof, with a wrong one, one of another secret, a replayed one
 * or one of other values changes nothing; a node without a secret only reports.
 */
@Timeout(120)
class DualPrimaryCheckTest
{
    private static final String CONFLICT = "tandem_node_dual_primary_conflict";
    private static final String CONFLICTS = "tandem_node_dual_primary_conflicts_total";
    private static final String CHECKS = "tandem_node_peer_checks_total";
    private static final String UNANSWERED = "tandem_node_peer_checks_unanswered_total";
    private static final String UNAUTHENTICATED = "tandem_node_peer_checks_unauthenticated_total";

    private final Path dir = Tests.tempDir("dual-primary");
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
    void shouldMakeTheHigherNodeIdYieldWhenTwoNodesClaimHotAtTheSameEpoch() throws Exception
    {
        final int[] admin = Ports.fixed(2);
        // node-2 reaches node-1's admin API only through this proxy, which refuses at first: a partition at start-up,
        // so neither start-up check sees the other and both start Hot at epoch 1
        final FaultyProxy toNode1 = FaultyProxy.start(admin[0]);
        closeables.add(toNode1);
        toNode1.refuseConnections(true);
        final Node node1 = launch(primaryYaml("node1", 1, admin[0], admin[1]));
        final Node node2 = launch(primaryYaml("node2", 2, admin[1], toNode1.port()));
        assertEquals(NodeMode.Hot, node1.mode(), node1.reason());
        assertEquals(NodeMode.Hot, node2.mode(), node2.reason());
        assertEquals(1, node1.epoch());
        assertEquals(1, node2.epoch());

        // node-1 sees node-2 Hot at its epoch: it reports, and keeps serving (the lower nodeId stays)
        Tests.await("node-1 reports the conflict on /metrics", Duration.ofSeconds(20),
            () -> metric(node1, CONFLICT) == 1);
        assertEquals(1, metric(node1, CONFLICTS));
        assertEquals(NodeMode.Hot, node1.mode(), node1.reason());
        // node-2 cannot ask node-1 yet: an unanswered question changes nothing
        Tests.await("node-2 asked and got no answer", Duration.ofSeconds(20), () -> metric(node2, UNANSWERED) >= 2);
        assertEquals(NodeMode.Hot, node2.mode(), node2.reason());
        assertEquals(0, metric(node2, CONFLICT));

        toNode1.refuseConnections(false);
        Tests.await("node-2 yields", Duration.ofSeconds(20), () -> node2.mode() == NodeMode.Stale);
        assertTrue(node2.reason().contains("two nodes claim Hot at epoch 1") &&
            node2.reason().contains("the higher nodeId yields: this node goes Stale"), node2.reason());
        Tests.await("the TANDEM STALE line of node-2", Duration.ofSeconds(10),
            () -> events.stream().anyMatch(line -> line.startsWith("TANDEM STALE node=node-2")));
        assertEquals(503, get(node2, "/health").statusCode());
        assertEquals(1, metric(node2, CONFLICTS));
        assertEquals(0, metric(node2, CONFLICT), "a Stale node claims nothing");

        Tests.await("node-1 sees the conflict over", Duration.ofSeconds(20), () -> metric(node1, CONFLICT) == 0);
        assertEquals(NodeMode.Hot, node1.mode(), node1.reason());
        assertEquals(1, metric(node1, CONFLICTS), "one conflict, counted once");
        assertFalse(events.stream().anyMatch(line -> line.startsWith("TANDEM STALE node=node-1")), events.toString());
    }

    @Test
    void shouldMakeTheNodeAtTheLowerEpochGoStale() throws Exception
    {
        final int[] admin = Ports.fixed(2);
        // node-1 starts first, at epoch 1, while node-2 is not up: its start-up check finds nobody
        final Node node1 = launch(primaryYaml("node1", 1, admin[0], admin[1]));
        assertEquals(NodeMode.Hot, node1.mode(), node1.reason());
        // node-2 holds epoch 2 (as a node activated elsewhere would): its start-up check lets it serve beside a peer at
        // a lower epoch, and nothing but the running check tells node-1 (no replication link between them)
        final Path node2Dir = dir.resolve("node2");
        Files.createDirectories(node2Dir);
        EpochFile.open(node2Dir).store(2);
        final Node node2 = launch(primaryYaml("node2", 2, admin[1], admin[0]));
        assertEquals(NodeMode.Hot, node2.mode(), node2.reason());
        assertEquals(2, node2.epoch());

        Tests.await("node-1 goes Stale", Duration.ofSeconds(20), () -> node1.mode() == NodeMode.Stale);
        assertTrue(node1.reason().contains("node-2 at peerAdmin 127.0.0.1:" + admin[1] + " claims Hot at epoch 2 > " +
            "our epoch 1"), node1.reason());
        assertEquals(1, metric(node1, CONFLICTS));
        Tests.await("the TANDEM STALE line of node-1", Duration.ofSeconds(10),
            () -> events.stream().anyMatch(line -> line.startsWith("TANDEM STALE node=node-1")));

        final long checks = metric(node2, CHECKS);
        Tests.await("node-2 checked again", Duration.ofSeconds(20), () -> metric(node2, CHECKS) >= checks + 3);
        assertEquals(NodeMode.Hot, node2.mode(), node2.reason());
        assertEquals(0, metric(node2, CONFLICT), "node-1 is Stale now");
    }

    @Test
    void shouldReportNothingForAPrimaryAndItsWarmSecondary() throws Exception
    {
        final int[] admin = Ports.fixed(2);
        final Node primary = launch(primaryYaml("primary", 1, admin[0], admin[1]));
        final Node secondary = launch("!NodeConfig {\n" +
            "  role: SECONDARY, nodeId: 2,\n" +
            "  journal: { dir: \"" + dir.resolve("secondary") + "\" },\n" +
            "  replication: { connect: \"127.0.0.1:" + primary.replicationPort() + "\", clusterName: demo, " +
            "secretFile: \"" + NodeConfigTest.SECRET + "\" },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  application: " + IgnoringApplication.class.getName() + ",\n" +
            "  admin: { listen: \"127.0.0.1:" + admin[1] + "\" },\n" +
            "  peerAdmin: \"127.0.0.1:" + admin[0] + "\", peerCheckIntervalMs: 100,\n" +
            "  onFailure: STAY_UP\n" +
            "}\n");
        Tests.await("the secondary streams", Duration.ofSeconds(20), secondary::switchoverPossible);

        Tests.await("the primary asked its peer several times", Duration.ofSeconds(20),
            () -> metric(primary, CHECKS) - metric(primary, UNANSWERED) >= 5);
        assertEquals(0, metric(primary, CONFLICT));
        assertEquals(0, metric(primary, CONFLICTS));
        assertEquals(NodeMode.Hot, primary.mode());
        assertEquals(NodeMode.Warm, secondary.mode());
        assertEquals(0, metric(secondary, CHECKS), "a Warm node does not ask");
        assertEquals(0, metric(primary, UNAUTHENTICATED), "the secondary proves every answer");
    }

    @Test
    void shouldNeverMakeAPlannedSwitchoverGoStale()
    {
        // replication ports 0-1, admin ports 2-3: each node's peerAdmin is the other's, checked every 100 ms
        final int[] port = Ports.fixed(4);
        final String check = "  peerCheckIntervalMs: 100,\n  onFailure: STAY_UP\n}\n";
        final Node node1 = launch(("!NodeConfig {\n" +
            "  role: PRIMARY, nodeId: 1,\n" +
            "  journal: { dir: \"" + dir.resolve("node1") + "\" },\n" +
            "  replication: { listen: \"127.0.0.1:" + port[0] + "\", connect: \"127.0.0.1:" + port[1] + "\", " +
            "clusterName: demo, secretFile: \"" + NodeConfigTest.SECRET + "\", ackStrategy: !WaitForever { } },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  application: " + IgnoringApplication.class.getName() + ",\n" +
            "  admin: { listen: \"127.0.0.1:" + port[2] + "\" },\n" +
            "  peerAdmin: \"127.0.0.1:" + port[3] + "\",\n") + check);
        final Node node2 = launch(("!NodeConfig {\n" +
            "  role: SECONDARY, nodeId: 2,\n" +
            "  journal: { dir: \"" + dir.resolve("node2") + "\" },\n" +
            "  replication: { connect: \"127.0.0.1:" + port[0] + "\", listenWhenHot: \"127.0.0.1:" + port[1] +
            "\", ackStrategyWhenHot: !WaitForever { }, clusterName: demo, secretFile: \"" + NodeConfigTest.SECRET +
            "\" },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  application: " + IgnoringApplication.class.getName() + ",\n" +
            "  admin: { listen: \"127.0.0.1:" + port[3] + "\" },\n" +
            "  activation: !Manual { },\n" +
            "  peerAdmin: \"127.0.0.1:" + port[2] + "\",\n") + check);
        Tests.await("node-2 streaming", Duration.ofSeconds(20), node2::switchoverPossible);

        Node hot = node1;
        Node warm = node2;
        for (int i = 0; i < 4; i++)
        {
            final Node from = hot;
            final Node to = warm;
            final long checks = metric(from, CHECKS);
            Tests.await("the Hot node asked its peer", Duration.ofSeconds(20),
                () -> metric(from, CHECKS) >= checks + 2);
            final SwitchoverOutcome outcome = from.switchover(5_000);
            assertEquals("switchover", outcome.outcome(), outcome.detail());
            Tests.await("the new primary Hot, the old one following", Duration.ofSeconds(20),
                () -> to.mode() == NodeMode.Hot && from.mode() == NodeMode.Warm && from.switchoverPossible());
            hot = to;
            warm = from;
        }
        final Node last = hot;
        final long checks = metric(last, CHECKS);
        Tests.await("the last primary asked its peer again", Duration.ofSeconds(20),
            () -> metric(last, CHECKS) - checks >= 5);
        assertEquals(NodeMode.Hot, last.mode(), last.reason());
        assertEquals(NodeMode.Warm, warm.mode(), warm.reason());
        assertEquals(5, last.epoch());
        assertEquals(0, metric(last, CONFLICT));
        assertFalse(events.stream().anyMatch(line -> line.startsWith("TANDEM STALE")), events.toString());
    }

    @Test
    void shouldJudgeByEpochThenNodeId()
    {
        assertEquals(DualPrimaryCheck.Verdict.NONE, DualPrimaryCheck.judge(3, 1, null));
        assertEquals(DualPrimaryCheck.Verdict.NONE,
            DualPrimaryCheck.judge(3, 1, new PeerCheck.Result(2, NodeMode.Warm, 3, 10)));
        assertEquals(DualPrimaryCheck.Verdict.NONE,
            DualPrimaryCheck.judge(3, 1, new PeerCheck.Result(2, NodeMode.Stale, 9, 10)));
        assertEquals(DualPrimaryCheck.Verdict.PEER_HIGHER,
            DualPrimaryCheck.judge(3, 1, new PeerCheck.Result(2, NodeMode.Hot, 4, 10)));
        assertEquals(DualPrimaryCheck.Verdict.PEER_LOWER,
            DualPrimaryCheck.judge(3, 2, new PeerCheck.Result(1, NodeMode.Hot, 2, 10)));
        assertEquals(DualPrimaryCheck.Verdict.SAME_EPOCH_WE_YIELD,
            DualPrimaryCheck.judge(3, 2, new PeerCheck.Result(1, NodeMode.Hot, 3, 10)));
        assertEquals(DualPrimaryCheck.Verdict.SAME_EPOCH_PEER_YIELDS,
            DualPrimaryCheck.judge(3, 1, new PeerCheck.Result(2, NodeMode.Hot, 3, 10)));
        assertEquals(DualPrimaryCheck.Verdict.SAME_EPOCH_SAME_ID,
            DualPrimaryCheck.judge(3, 1, new PeerCheck.Result(1, NodeMode.Hot, 3, 10)));
    }

    @Test
    void shouldRefuseAnIntervalOutOfRange()
    {
        final String yaml = standaloneYaml("bad", 1, 0, 1)
            .replace("peerCheckIntervalMs: 100", "peerCheckIntervalMs: 5");
        final ConfigException error = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
            () -> NodeConfig.fromYaml(yaml));
        assertTrue(error.getMessage().contains("peerCheckIntervalMs: 5 is out of range, expected 0"),
            error.getMessage());
        assertEquals(NodeConfig.DEFAULT_PEER_CHECK_INTERVAL_MS,
            NodeConfig.fromYaml(yaml.replace("peerCheckIntervalMs: 5,", "")).peerCheckIntervalMs());
    }

    @Test
    void shouldNotStepDownOnAnAnswerWithoutAValidProof() throws Exception
    {
        final AtomicReference<UnaryOperator<String>> answer = new AtomicReference<>();
        final AtomicInteger asked = new AtomicInteger();
        final int fakePort = fakePeer(answer, asked);
        final int[] admin = Ports.fixed(1);
        final Node node = launch(primaryYaml("node1", 1, admin[0], fakePort));
        assertEquals(NodeMode.Hot, node.mode(), node.reason());
        // whoever answers at peerAdmin knows the nodes' ids, the cluster name and what a node's answer looks like
        final StateProof right = StateProof.of(NodeConfig.fromYaml(primaryYaml("fake", 2, 0, 1)));
        final Path otherSecret = dir.resolve("other-secret");
        Files.writeString(otherSecret, "fedcba9876543210fedcba9876543210");
        final StateProof otherSecretProof = StateProof.of(NodeConfig.fromYaml(primaryYaml("fake", 2, 0, 1)
            .replace(NodeConfigTest.SECRET.toString(), otherSecret.toString())));
        final StateProof otherClusterProof = StateProof.of(NodeConfig.fromYaml(primaryYaml("fake", 2, 0, 1)
            .replace("clusterName: demo", "clusterName: other")));
        final String replayedNonce = right.newNonce();
        final List<UnaryOperator<String>> impostors = List.of(
            nonce -> hotAtEpoch9(""),
            nonce -> hotAtEpoch9(",\"proof\":\"" + "ab".repeat(32) + "\""),
            nonce -> hotAtEpoch9(",\"proof\":\"" + "ab".repeat(16) + "\""),
            nonce -> hotAtEpoch9(",\"proof\":\"" + otherSecretProof.prove(nonce, 2, NodeMode.Hot, 9) + "\""),
            nonce -> hotAtEpoch9(",\"proof\":\"" + otherClusterProof.prove(nonce, 2, NodeMode.Hot, 9) + "\""),
            nonce -> hotAtEpoch9(",\"proof\":\"" + right.prove(replayedNonce, 2, NodeMode.Hot, 9) + "\""),
            // a real answer of a Warm node, its mode and epoch rewritten
            nonce -> hotAtEpoch9(",\"proof\":\"" + right.prove(nonce, 2, NodeMode.Warm, 1) + "\""),
            // the statement of node-1 (this node) passed off as node-2's
            nonce -> hotAtEpoch9(",\"proof\":\"" + right.prove(nonce, 1, NodeMode.Hot, 9) + "\""));
        for (final UnaryOperator<String> impostor : impostors)
        {
            answer.set(impostor);
            // the fake counts an answer just before the node does: one may be in flight between the two reads
            final int askedBefore = asked.get();
            final long before = metric(node, UNAUTHENTICATED);
            Tests.await("three answers counted as unauthenticated", Duration.ofSeconds(20),
                () -> metric(node, UNAUTHENTICATED) >= before + 3);
            assertTrue(asked.get() >= askedBefore + 2, "the fake peer was asked");
            assertEquals(NodeMode.Hot, node.mode(), node.reason());
            assertEquals(0, metric(node, CONFLICT), "an unauthenticated answer is no evidence of a conflict");
            assertEquals(0, metric(node, CONFLICTS));
        }
        assertEquals(0, metric(node, UNANSWERED));
        assertFalse(events.stream().anyMatch(line -> line.startsWith("TANDEM STALE")), events.toString());

        // the same fake, now holding the secret and proving exactly what it says to the nonce asked: this node yields
        answer.set(nonce -> hotAtEpoch9(",\"proof\":\"" + right.prove(nonce, 2, NodeMode.Hot, 9) + "\""));
        Tests.await("node-1 goes Stale on the proven answer", Duration.ofSeconds(20),
            () -> node.mode() == NodeMode.Stale);
        assertTrue(node.reason().contains("claims Hot at epoch 9 > our epoch 1"), node.reason());
        assertEquals(1, metric(node, CONFLICTS));
    }

    @Test
    void shouldActAtStartUpOnlyOnAProvenAnswer() throws Exception
    {
        final AtomicReference<UnaryOperator<String>> answer = new AtomicReference<>();
        final AtomicInteger asked = new AtomicInteger();
        final int fakePort = fakePeer(answer, asked);
        final StateProof right = StateProof.of(NodeConfig.fromYaml(primaryYaml("fake", 2, 0, 1)));
        // only the start-up check: the running one is off
        final UnaryOperator<String> startUpOnly = yaml -> yaml.replace("peerCheckIntervalMs: 100",
            "peerCheckIntervalMs: 0");

        // an unproven answer is no answer: Hot at a higher epoch, or at ours, does not keep this node from serving
        answer.set(nonce -> hotAt(9, ""));
        final Node higher = launch(startUpOnly.apply(primaryYaml("unproven-higher", 1, 0, fakePort)));
        assertEquals(NodeMode.Hot, higher.mode(), higher.reason());
        answer.set(nonce -> hotAt(1, ",\"proof\":\"" + right.prove(right.newNonce(), 2, NodeMode.Hot, 1) + "\""));
        final Node same = launch(startUpOnly.apply(primaryYaml("unproven-same", 1, 0, fakePort)));
        assertEquals(NodeMode.Hot, same.mode(), same.reason());
        assertTrue(asked.get() >= 2, "the fake peer was asked");

        // proven: as before, a peer Hot at a higher epoch makes this node start Stale, one at ours refuses the start
        answer.set(nonce -> hotAt(9, ",\"proof\":\"" + right.prove(nonce, 2, NodeMode.Hot, 9) + "\""));
        final Node fenced = launch(startUpOnly.apply(primaryYaml("proven-higher", 1, 0, fakePort)));
        assertEquals(NodeMode.Stale, fenced.mode(), fenced.reason());
        assertTrue(fenced.reason().contains("peer node-2 holds epoch 9 > our epoch 1"), fenced.reason());
        answer.set(nonce -> hotAt(1, ",\"proof\":\"" + right.prove(nonce, 2, NodeMode.Hot, 1) + "\""));
        final ConfigException refused = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
            () -> launch(startUpOnly.apply(primaryYaml("proven-same", 1, 0, fakePort))));
        assertTrue(refused.getMessage().contains("two nodes claim primary at epoch 1"), refused.getMessage());
    }

    @Test
    void shouldOnlyReportWithoutAReplicationSecret() throws Exception
    {
        final int[] admin = Ports.fixed(2);
        final Node node1 = launch(standaloneYaml("node1", 1, admin[0], admin[1]));
        final Path node2Dir = dir.resolve("node2");
        Files.createDirectories(node2Dir);
        EpochFile.open(node2Dir).store(2);
        final Node node2 = launch(standaloneYaml("node2", 2, admin[1], admin[0]));
        assertEquals(NodeMode.Hot, node1.mode(), node1.reason());
        assertEquals(NodeMode.Hot, node2.mode(), node2.reason());

        // node-1 sees node-2 Hot at a higher epoch: without a secret it can only report, and serves on
        Tests.await("node-1 reports the conflict", Duration.ofSeconds(20), () -> metric(node1, CONFLICT) == 1);
        final long unauthenticated = metric(node1, UNAUTHENTICATED);
        Tests.await("node-1 asked again", Duration.ofSeconds(20),
            () -> metric(node1, UNAUTHENTICATED) >= unauthenticated + 3);
        assertEquals(NodeMode.Hot, node1.mode(), node1.reason());
        assertEquals(1, metric(node1, CONFLICTS), "reported once");
        assertEquals(1, metric(node1, CONFLICT));
        assertFalse(events.stream().anyMatch(line -> line.startsWith("TANDEM STALE")), events.toString());
        // and it proves nothing when asked with a nonce: it has no secret
        final HttpResponse<String> state = get(node2, "/service/state?nonce=" + "0f".repeat(16));
        assertEquals(200, state.statusCode());
        assertFalse(state.body().contains("\"proof\""), state.body());
    }

    @Test
    void shouldProveTheStateOnlyWhenAskedWithANonce()
    {
        final int[] admin = Ports.fixed(1);
        final String yaml = primaryYaml("node1", 1, admin[0], 1);
        final Node node = launch(yaml);
        final StateProof proof = StateProof.of(NodeConfig.fromYaml(yaml));

        final HttpResponse<String> plain = get(node, "/service/state");
        assertEquals(200, plain.statusCode());
        assertFalse(plain.body().contains("\"proof\""), "an answer without a nonce is as before: " + plain.body());
        final PeerCheck.Result unproven = PeerCheck.parse(plain.body());
        assertNotNull(unproven, plain.body());
        assertNull(unproven.proof());

        final String nonce = proof.newNonce();
        final HttpResponse<String> proven = get(node, "/service/state?nonce=" + nonce);
        assertEquals(200, proven.statusCode());
        final PeerCheck.Result result = PeerCheck.parse(proven.body());
        assertNotNull(result, proven.body());
        assertNotNull(result.proof(), proven.body());
        assertEquals(64, result.proof().length(), proven.body());
        assertTrue(proof.verify(nonce, 1, NodeMode.Hot, 1, result.proof()), proven.body());
        assertFalse(proof.verify(proof.newNonce(), 1, NodeMode.Hot, 1, result.proof()), "bound to the nonce");
        assertFalse(proof.verify(nonce, 1, NodeMode.Hot, 2, result.proof()), "bound to the epoch");
        assertFalse(proof.verify(nonce, 1, NodeMode.Warm, 1, result.proof()), "bound to the mode");
        assertFalse(proof.verify(nonce, 2, NodeMode.Hot, 1, result.proof()), "bound to the nodeId");
        assertEquals(result, PeerCheck.query("127.0.0.1:" + node.adminPort(), 2_000, nonce));

        for (final String bad : List.of("xyz", "0f".repeat(15), "0f".repeat(17), "zz".repeat(16)))
        {
            final HttpResponse<String> refused = get(node, "/service/state?nonce=" + bad);
            assertEquals(400, refused.statusCode(), bad);
            assertTrue(refused.body().contains("nonce: expected 32 hex characters"), refused.body());
        }
    }

    /** What a fake peer says: Hot at epoch 9 as node-2, with {@code tail} (its proof, if any) after the reason. */
    private static String hotAtEpoch9(final String tail)
    {
        return hotAt(9, tail);
    }

    private static String hotAt(final long epoch, final String tail)
    {
        return "{\"nodeId\":2,\"role\":\"PRIMARY\",\"mode\":\"Hot\",\"epoch\":" + epoch + ",\"position\":0," +
            "\"activation\":\"Manual\",\"reason\":\"\"" + tail + "}";
    }

    /**
     * A fake peer on loopback answering {@code GET /service/state} with what {@code answer} makes of the nonce asked
     * (null without one); stopped after the test.
     */
    private int fakePeer(final AtomicReference<UnaryOperator<String>> answer, final AtomicInteger asked)
        throws IOException
    {
        final HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/service/state", (final HttpExchange exchange) ->
        {
            final String query = exchange.getRequestURI().getRawQuery();
            final String nonce = query != null && query.startsWith("nonce=") ? query.substring(6) : null;
            final UnaryOperator<String> what = answer.get();
            final byte[] body = (what == null ? hotAtEpoch9("") : what.apply(nonce)).getBytes(StandardCharsets.UTF_8);
            asked.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        });
        server.start();
        closeables.add(() -> server.stop(0));
        return server.getAddress().getPort();
    }

    private Node launch(final String yaml)
    {
        final Node node = Node.launch(NodeConfig.fromYaml(yaml), events::add);
        closeables.add(node);
        return node;
    }

    /**
     * A PRIMARY whose replication nobody connects to (so nothing but the running check links two of them): what two
     * misconfigured or partitioned nodes of one pair would be. It holds the pair's secret, so it proves its answers and
     * checks its peer's.
     */
    private String primaryYaml(final String name, final int nodeId, final int adminPort, final int peerAdminPort)
    {
        return standaloneYaml(name, nodeId, adminPort, peerAdminPort).replace("  application:",
            "  replication: { listen: \"127.0.0.1:0\", clusterName: demo, secretFile: \"" + NodeConfigTest.SECRET +
            "\", ackStrategy: !NeverTimesOut { } },\n  application:");
    }

    /** A PRIMARY without replication, hence without a secret. */
    private String standaloneYaml(final String name, final int nodeId, final int adminPort, final int peerAdminPort)
    {
        return "!NodeConfig {\n" +
            "  role: PRIMARY, nodeId: " + nodeId + ",\n" +
            "  journal: { dir: \"" + dir.resolve(name) + "\" },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  application: " + IgnoringApplication.class.getName() + ",\n" +
            "  admin: { listen: \"127.0.0.1:" + adminPort + "\" },\n" +
            "  peerAdmin: \"127.0.0.1:" + peerAdminPort + "\", peerCheckIntervalMs: 100,\n" +
            "  onFailure: STAY_UP\n" +
            "}\n";
    }

    private HttpResponse<String> get(final Node node, final String path)
    {
        try
        {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** One of the node's metrics, read from its /metrics over HTTP; fails when it is not there. */
    private long metric(final Node node, final String name)
    {
        final String body = get(node, "/metrics").body();
        final Matcher matcher = Pattern.compile("(?m)^" + name + "\\{[^}]*} (\\d+)$").matcher(body);
        assertTrue(matcher.find(), name + " not in /metrics:\n" + body);
        return Long.parseLong(matcher.group(1));
    }
}
