package dev.tandem.node;

import dev.tandem.test.Tests;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeConfigTest
{
    static final String PRIMARY =
        "!NodeConfig {\n" +
        "  role: PRIMARY,\n" +
        "  journal: { dir: /tmp/x, persistence: BUFFERED },\n" +
        "  replication: { listen: \"127.0.0.1:0\", clusterName: demo, secretEnv: PATH," +
        " ackStrategy: !WaitForever { } },\n" +
        "  fix: { listen: \"127.0.0.1:0\", sessions: [ { beginString: FIX.4.4, senderCompId: ISLD," +
        " targetCompId: TW, heartbeatSec: 5 } ] },\n" +
        "  admin: { listen: \"127.0.0.1:0\" },\n" +
        "  activation: !TryHeartbeat { delayMs: 300 }\n" +
        "}\n";

    static final Path SECRET = Tests.secretFile();

    static final String SECONDARY_BLOCK =
        ("role: SECONDARY\n" +
        "journal:\n" +
        "  dir: /tmp/y\n" +
        "replication:\n" +
        "  connect: \"127.0.0.1:9701\"\n" +
        "  secretFile: SECRET_FILE\n" +
        "fix:\n" +
        "  listen: \"127.0.0.1:0\"\n" +
        "  sessions:\n" +
        "    - senderCompId: ISLD\n" +
        "      targetCompId: TW\n" +
        "activation: !TryLock { file: /tmp/tandem.lock }\n").replace("SECRET_FILE", SECRET.toString());

    @Test
    void shouldReadAPrimaryInFlowStyle()
    {
        final NodeConfig config = NodeConfig.fromYaml(PRIMARY);
        assertEquals(Role.PRIMARY, config.role());
        assertEquals(1, config.nodeId());
        assertEquals("/tmp/x", config.journal().dir());
        assertEquals("FIX.4.4:ISLD->TW", config.fix().sessions().get(0).toString());
        assertEquals(5, config.fix().sessions().get(0).heartbeatIntervalSec());
        assertEquals(300, ((TryHeartbeat)config.activation()).delayMs());
        assertEquals("demo", config.replication().clusterName());
        assertEquals(NodeConfig.ECHO, config.application());
    }

    @Test
    void shouldReadASecondaryInBlockStyle()
    {
        final NodeConfig config = NodeConfig.fromYaml(SECONDARY_BLOCK);
        assertEquals(Role.SECONDARY, config.role());
        assertEquals(2, config.nodeId());
        assertInstanceOf(TryLock.class, config.activation());
        assertEquals("127.0.0.1:9701", config.replication().connect());
        assertEquals(AdminConfig.DEFAULT_LISTEN, config.admin().listen());
    }

    private static String failure(final String yaml)
    {
        return assertThrows(ConfigException.class, () -> NodeConfig.fromYaml(yaml)).getMessage();
    }

    @Test
    void shouldNameTheUnknownKeyWhereverItIs()
    {
        assertTrue(failure(PRIMARY.replace("role: PRIMARY", "rolle: PRIMARY")).contains("'rolle'"));
        assertTrue(failure(PRIMARY.replace("persistence: BUFFERED", "persistance: BUFFERED"))
            .contains("journal.persistance: unknown key 'persistance'"));
        assertTrue(failure(PRIMARY.replace("heartbeatSec: 5", "heartbeatSecs: 5")).contains("'heartbeatSecs'"));
        assertTrue(failure(PRIMARY.replace("delayMs: 300", "delay: 300")).contains("'delay'"));
        assertTrue(failure(PRIMARY.replace("!TryHeartbeat", "!TryHeartbeet")).contains("activation"));
    }

    @Test
    void shouldNameBadValues()
    {
        final String badAddress = failure(PRIMARY.replace("fix: { listen: \"127.0.0.1:0\"",
            "fix: { listen: \"127.0.0.1:99999\""));
        assertTrue(badAddress.contains("fix.listen") && badAddress.contains("99999"), badAddress);
        final String noPort = failure(PRIMARY.replace("admin: { listen: \"127.0.0.1:0\" }",
            "admin: { listen: localhost }"));
        assertTrue(noPort.contains("admin.listen") && noPort.contains("localhost"), noPort);
        final String badRole = failure(PRIMARY.replace("role: PRIMARY", "role: LEADER"));
        assertTrue(badRole.contains("role") && badRole.contains("LEADER"), badRole);
        final String badNumber = failure(PRIMARY.replace("heartbeatSec: 5", "heartbeatSec: five"));
        assertTrue(badNumber.contains("heartbeatSec") && badNumber.contains("five"), badNumber);
        final String badPersistence = failure(PRIMARY.replace("persistence: BUFFERED", "persistence: FAST"));
        assertTrue(badPersistence.contains("journal.persistence") && badPersistence.contains("FAST"), badPersistence);
    }

    @Test
    void shouldReadTheHardeningKeysAndNameTheirBadValues()
    {
        final NodeConfig config = NodeConfig.fromYaml(PRIMARY
            .replace("ackStrategy: !WaitForever { }", "ackStrategy: !WaitForever { }, lagWarnEntries: 500, " +
                "lagWarnMs: 250, allowedPeers: [ 127.0.0.1 ], maxPendingConnections: 8, maxPendingPerAddress: 1")
            .replace("heartbeatSec: 5 } ]", "heartbeatSec: 5 } ], maxPendingConnections: 32, maxPendingPerAddress: 4")
            .replace("admin: { listen: \"127.0.0.1:0\" }",
                "admin: { listen: \"127.0.0.1:0\", tokenEnv: PATH }"));
        assertEquals(500, config.replication().lagWarnEntries());
        assertEquals(250, config.replication().lagWarnMs());
        assertEquals(java.util.List.of("127.0.0.1"), config.replication().allowedPeers());
        assertEquals(8, config.replication().sourceContext(1, 1).maxPendingConnections());
        assertEquals(1, config.replication().sourceContext(1, 1).maxPendingPerAddress());
        assertEquals(32, config.fix().maxPendingConnections());
        assertEquals(4, config.fix().maxPendingPerAddress());
        assertEquals("PATH", config.admin().tokenEnv());

        final String badPeer = failure(PRIMARY.replace("ackStrategy: !WaitForever { }",
            "ackStrategy: !WaitForever { }, allowedPeers: [ \"10.0.0.2:9701\" ]"));
        assertTrue(badPeer.contains("allowedPeers[0]") && badPeer.contains("10.0.0.2:9701"), badPeer);
        final String badLag = failure(PRIMARY.replace("ackStrategy: !WaitForever { }",
            "ackStrategy: !WaitForever { }, lagWarnMs: 0"));
        assertTrue(badLag.contains("replication.lagWarnMs") && badLag.contains("0"), badLag);
        final String badToken = failure(PRIMARY.replace("admin: { listen: \"127.0.0.1:0\" }",
            "admin: { listen: \"127.0.0.1:0\", tokenFile: /nonexistent/token }"));
        assertTrue(badToken.contains("admin.tokenFile") && badToken.contains("/nonexistent/token"), badToken);
        final String badFix = failure(PRIMARY.replace("heartbeatSec: 5 } ]",
            "heartbeatSec: 5 } ], maxPendingConnections: 4, maxPendingPerAddress: 5"));
        assertTrue(badFix.contains("fix.maxPendingPerAddress=5"), badFix);
    }

    @Test
    void shouldPassAcksToTheSourceAndNameABadValue()
    {
        final NodeConfig config = NodeConfig.fromYaml(PRIMARY.replace("ackStrategy: !WaitForever { }",
            "ackStrategy: !WaitForever { }, drSinkNodeIds: [ 3 ], acks: all"));
        assertEquals("all", config.replication().sourceContext(1, 1).conclude().acks());
        assertEquals("1", NodeConfig.fromYaml(PRIMARY).replication().sourceContext(1, 1).acks(), "the default");

        final String tooMany = failure(PRIMARY.replace("ackStrategy: !WaitForever { }",
            "ackStrategy: !WaitForever { }, drSinkNodeIds: [ 3 ], acks: 3"));
        assertTrue(tooMany.contains("replication.acks: 3 is out of range; use 1 to 2"), tooMany);
        final String notANumber = failure(PRIMARY.replace("ackStrategy: !WaitForever { }",
            "ackStrategy: !WaitForever { }, acks: many"));
        assertTrue(notANumber.contains("replication.acks: 'many'"), notANumber);
    }

    @Test
    void shouldReadTheFailurePolicyExitByDefault()
    {
        assertEquals(FailurePolicy.EXIT, NodeConfig.fromYaml(PRIMARY).onFailure());
        assertEquals(FailurePolicy.STAY_UP, NodeConfig.fromYaml(PRIMARY.replace("  activation:",
            "  onFailure: STAY_UP,\n  activation:")).onFailure());
        final String bad = failure(PRIMARY.replace("  activation:", "  onFailure: RESTART,\n  activation:"));
        assertTrue(bad.contains("onFailure") && bad.contains("RESTART"), bad);
    }

    @Test
    void shouldRequireASecretForReplication()
    {
        final String missing = failure(PRIMARY.replace(" secretEnv: PATH,", ""));
        assertTrue(missing.contains("replication") && missing.contains("secret"), missing);
        final String unset = failure(PRIMARY.replace("secretEnv: PATH", "secretEnv: TANDEM_NO_SUCH_VARIABLE"));
        assertTrue(unset.contains("replication.secretEnv") && unset.contains("TANDEM_NO_SUCH_VARIABLE"), unset);
        final String scalarAlias = PRIMARY.replace("!WaitForever { }", "WAIT_FOREVER_FOR_REPLICA_ACK");
        assertEquals("WaitForever",
            NodeConfig.fromYaml(scalarAlias).replication().ackStrategy().getClass().getSimpleName());
        final String badStrategy = failure(PRIMARY.replace("!WaitForever { }", "!WaitForAWhile { }"));
        assertTrue(badStrategy.contains("replication.ackStrategy"), badStrategy);
        final String noFile = failure(SECONDARY_BLOCK.replace(SECRET.toString(), "/nonexistent/secret"));
        assertTrue(noFile.contains("replication.secretFile") && noFile.contains("/nonexistent/secret"), noFile);
    }

    @Test
    void shouldRequireTheSections()
    {
        assertTrue(failure("role: PRIMARY\n").contains("journal"));
        assertTrue(failure("journal: { dir: x }\n").contains("role"));
        assertTrue(failure(SECONDARY_BLOCK.replace("    - senderCompId: ISLD\n      targetCompId: TW\n", "    []\n")
            .replace("  sessions:\n    []", "  sessions: []")).contains("fix.sessions"));
    }

    @Test
    void shouldReadTheKeysForAfterAFailover()
    {
        final String defaults = SECONDARY_BLOCK;
        assertEquals(null, NodeConfig.fromYaml(defaults).replication().listenWhenHot());
        assertEquals(DivergencePolicy.SET_ASIDE, NodeConfig.fromYaml(defaults).replication().onDivergence());

        final String hot = SECONDARY_BLOCK.replace("  connect: \"127.0.0.1:9701\"\n",
            "  connect: \"127.0.0.1:9701\"\n  listenWhenHot: \"127.0.0.1:9702\"\n" +
            "  ackStrategyWhenHot: !WaitForever { }\n  onDivergence: STOP\n");
        final ReplicationConfig replication = NodeConfig.fromYaml(hot).replication();
        assertEquals("127.0.0.1:9702", replication.listenWhenHot());
        assertEquals("WaitForever", replication.ackStrategyWhenHot().getClass().getSimpleName());
        assertEquals(DivergencePolicy.STOP, replication.onDivergence());
        assertEquals("127.0.0.1:9702", replication.hotSourceContext(2, 3).conclude().listen());

        final String badAddress = failure(hot.replace("127.0.0.1:9702", "127.0.0.1:70000"));
        assertTrue(badAddress.contains("replication.listenWhenHot") && badAddress.contains("70000"), badAddress);
        final String badPolicy = failure(hot.replace("onDivergence: STOP", "onDivergence: MERGE"));
        assertTrue(badPolicy.contains("replication.onDivergence") && badPolicy.contains("MERGE"), badPolicy);
        final String badStrategy = failure(hot.replace("!WaitForever { }", "!WaitForAWhile { }"));
        assertTrue(badStrategy.contains("replication.ackStrategyWhenHot"), badStrategy);
        final String strategyAlone = failure(hot.replace("  listenWhenHot: \"127.0.0.1:9702\"\n", ""));
        assertTrue(strategyAlone.contains("replication.ackStrategyWhenHot") &&
            strategyAlone.contains("listenWhenHot"), strategyAlone);
        final String onPrimary = failure(PRIMARY.replace("secretEnv: PATH,",
            "secretEnv: PATH, listenWhenHot: \"127.0.0.1:9702\","));
        assertTrue(onPrimary.contains("replication.listenWhenHot") && onPrimary.contains("SECONDARY"), onPrimary);
        final String stopOnPrimary = failure(PRIMARY.replace("secretEnv: PATH,", "secretEnv: PATH, onDivergence: STOP,"));
        assertTrue(stopOnPrimary.contains("replication.onDivergence"), stopOnPrimary);
    }
}
