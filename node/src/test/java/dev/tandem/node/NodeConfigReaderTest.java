package dev.tandem.node;

import dev.tandem.fix.FixContext;
import dev.tandem.fix.SessionConfig;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.Persistence;
import dev.tandem.replication.AckStrategies;
import dev.tandem.replication.BoundedWait;
import dev.tandem.replication.ReplicationSinkContext;
import dev.tandem.replication.ReplicationSourceContext;
import dev.tandem.replication.WaitForever;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node's configuration reader over the modules' own contexts: sub-trees, maps, plain forms, tags, every key. */
@Timeout(60)
class NodeConfigReaderTest
{
    private static final String PRIMARY = NodeConfigTest.PRIMARY;

    private static String failure(final String yaml)
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> NodeConfig.fromYaml(yaml));
        assertTrue(ex.getMessage().startsWith("TANDEM CONFIG ERROR "), ex.getMessage());
        return ex.detail();
    }

    @Test
    void shouldReachEverySettingOfTheModulesContextsByTheSetterNames()
    {
        final NodeConfig config = NodeConfig.fromYaml(PRIMARY
            .replace("persistence: BUFFERED", "persistence: BATCHED, syncBatchSize: 64, rollCycle: FAST_HOURLY, " +
                "retainCycles: 7, maxMessageLengthBytes: 32768")
            .replace("ackStrategy: !WaitForever { } },", "ackStrategy: !WaitForever { }, maxBatchBytes: 8192, " +
                "heartbeatTimeoutMs: 3000, handshakeTimeoutMs: 700, maxRefusalLogsPerMinute: 5 },")
            .replace("heartbeatSec: 5 } ] }", "heartbeatIntervalSec: 5, nextExpectedMsgSeqNum: false, " +
                "validation: { allowUnknownFields: true, supportedMsgTypes: [ D, F ] } }, " +
                "{ beginString: FIXT.1.1, senderCompId: ISLD, targetCompId: TW5, defaultApplVerId: \"7\" } ], " +
                "outboundBufferBytes: 2097152, logonTimeoutMs: 4000, maxOutboundSkipOnLogon: 5000 }"));
        final JournalContext journal = config.journal();
        assertEquals(Persistence.BATCHED, journal.persistence());
        assertEquals(64, journal.syncBatchSize());
        assertEquals("FAST_HOURLY", journal.rollCycle());
        assertEquals(7, journal.retainCycles());
        assertEquals(32768, journal.maxMessageLengthBytes());

        final ReplicationSourceContext source = config.replication().sourceContext(1, 3);
        assertEquals(8192, source.maxBatchBytes());
        assertEquals(3000, source.heartbeatTimeoutMs());
        assertEquals(700, source.handshakeTimeoutMs());
        assertEquals(5, source.maxRefusalLogsPerMinute());
        assertEquals(3, source.epoch());
        assertInstanceOf(WaitForever.class, source.ackStrategy());

        final FixContext fix = config.fix().applyTo(new FixContext());
        assertEquals(2097152, fix.outboundBufferBytes());
        assertEquals(4000, fix.logonTimeoutMs());
        assertEquals(5000, fix.maxOutboundSkipOnLogon());
        final SessionConfig fix44 = config.fix().sessions().get(0);
        assertFalse(fix44.nextExpectedMsgSeqNum());
        assertEquals(5, fix44.heartbeatIntervalSec());
        assertEquals("7", config.fix().sessions().get(1).defaultApplVerId());
    }

    @Test
    void shouldApplyTheSinksSettingsToTheSinkOfASecondary()
    {
        final ReplicationSinkContext sink = NodeConfig.fromYaml(NodeConfigTest.SECONDARY_BLOCK.replace(
            "  connect: \"127.0.0.1:9701\"\n", "  connect: \"127.0.0.1:9701\"\n  reconnectBackoffMaxMs: 300\n" +
            "  maxFrameLengthBytes: 65536\n  leaseMs: 400\n  heartbeatIntervalMs: 50\n")).replication()
            .sinkContext(2, 4);
        assertEquals("127.0.0.1:9701", sink.source());
        assertEquals(300, sink.reconnectBackoffMaxMs());
        assertEquals(65536, sink.maxFrameLengthBytes());
        assertEquals(400, sink.leaseMs());
        assertEquals(50, sink.heartbeatIntervalMs());
        assertEquals(1000, sink.heartbeatTimeoutMs(), "max(10 x interval, 1000) unless given");
        assertEquals(4, sink.epoch());
    }

    @Test
    void shouldReadTandemsSectionOfAnApplicationsOwnFile() throws Exception
    {
        final Path dir = Tests.tempDir("app-config");
        try
        {
            final Path file = dir.resolve("gateway.yaml");
            final String tandem = NodeConfigTest.SECONDARY_BLOCK.replaceAll("(?m)^", "    ");
            Files.writeString(file, "gateway:\n  riskLimit: 1000000\n  venues: [ XLON, XPAR ]\nservices:\n" +
                "  tandem:\n" + tandem);
            final NodeConfig config = NodeConfig.fromYaml(file, "services.tandem");
            assertEquals(Role.SECONDARY, config.role());
            assertEquals("127.0.0.1:9701", config.replication().connect());

            Files.writeString(file, "gateway: { riskLimit: 1 }\nservices:\n  tandem:\n" +
                tandem.replace("connect:", "conect:"));
            final ConfigException typo = assertThrows(ConfigException.class,
                () -> NodeConfig.fromYaml(file, "services.tandem"));
            assertTrue(typo.detail().startsWith("services.tandem.replication.conect: unknown key 'conect'"),
                typo.getMessage());
            final ConfigException missing = assertThrows(ConfigException.class,
                () -> NodeConfig.fromYaml(file, "tandem"));
            assertTrue(missing.detail().startsWith("tandem: missing in '" + file + "'") &&
                missing.detail().contains("gateway, services"), missing.getMessage());
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }

    @Test
    void shouldReadTheMapOfAnApplicationsOwnYamlReaderWithPlainForms()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", "PRIMARY");
        map.put("journal", Map.of("dir", "/tmp/x", "syncBatchSize", 10));
        map.put("replication", Map.of("listen", "127.0.0.1:0", "secretEnv", "PATH",
            "ackStrategy", Map.of("type", "BoundedWait", "timeoutMs", 7, "onTimeout", "DISCONNECT")));
        map.put("fix", Map.of("listen", "127.0.0.1:0",
            "sessions", List.of(Map.of("senderCompId", "ISLD", "targetCompId", "TW", "heartbeatSec", 5))));
        map.put("activation", Map.of("type", "TryHeartbeat", "delayMs", 400));
        final NodeConfig config = NodeConfig.fromMap(map);
        assertEquals(10, config.journal().syncBatchSize());
        final BoundedWait wait = (BoundedWait)config.replication().ackStrategy();
        assertEquals(7, wait.timeoutMs());
        assertEquals(BoundedWait.OnTimeout.DISCONNECT, wait.onTimeout());
        assertEquals(400, ((TryHeartbeat)config.activation()).delayMs());

        map.put("onFailure", true);
        final ConfigException bad = assertThrows(ConfigException.class, () -> NodeConfig.fromMap(map));
        assertTrue(bad.detail().startsWith("onFailure: 'true' is not valid, expected one of EXIT, STAY_UP"),
            bad.getMessage());
    }

    @Test
    void shouldReadPlainYamlWithoutTheTypeTags()
    {
        final NodeConfig config = NodeConfig.fromYaml(NodeConfigTest.SECONDARY_BLOCK
            .replace("activation: !TryLock { file: /tmp/tandem.lock }", "activation:\n  type: Manual\n")
            .replace("  connect: \"127.0.0.1:9701\"\n", "  connect: \"127.0.0.1:9701\"\n" +
                "  listenWhenHot: \"127.0.0.1:0\"\n  ackStrategyWhenHot:\n    type: WaitForever\n"));
        assertInstanceOf(Manual.class, config.activation());
        assertInstanceOf(WaitForever.class, config.replication().hotSourceContext(2, 1).ackStrategy());
        assertEquals(Role.PRIMARY, NodeConfig.fromYaml("!dev.tandem.node.NodeConfig " +
            PRIMARY.substring("!NodeConfig ".length())).role());
    }

    @Test
    void shouldNameAMistypedTagAndListTheValidOnes()
    {
        final String ack = failure(PRIMARY.replace("!WaitForever { }", "!WaitForEver { }"));
        assertTrue(ack.startsWith("replication.ackStrategy: !WaitForEver is not an ack strategy (did you mean " +
            "!WaitForever?); valid: !NeverTimesOut {}, !WaitForever {}, !BoundedWait { timeoutMs, onTimeout, " +
            "whileSecondaryAway }, NEVER_TIMES_OUT, WAIT_FOREVER_FOR_REPLICA_ACK"), ack);
        final String activation = failure(PRIMARY.replace("!TryHeartbeat", "!TryHeartbeet"));
        assertTrue(activation.startsWith("activation: !TryHeartbeet is not an activation mode; valid: " +
            "!TryHeartbeat { delayMs, activateOnRefusal }, !TryLock { file }, !Manual {}"), activation);
        final String top = failure("!NodeConfg " + PRIMARY.substring("!NodeConfig ".length()));
        assertTrue(top.startsWith("(root): !NodeConfg is not a node configuration"), top);
        final String key = failure(PRIMARY.replace("!BoundedWait", "x").replace("!WaitForever { }",
            "!BoundedWait { timeoutMs: 5, onTimeOut: SEND_ANYWAY }"));
        assertTrue(key.startsWith("replication.ackStrategy.onTimeOut: unknown key 'onTimeOut' (did you mean " +
            "onTimeout?); valid keys of !BoundedWait: timeoutMs, onTimeout, whileSecondaryAway"), key);
    }

    @Test
    void shouldNameTheKeyPathOfEveryKindOfBadValue()
    {
        assertTrue(failure(PRIMARY.replace("persistence: BUFFERED", "syncBatchSize: often"))
            .startsWith("journal.syncBatchSize: 'often' is not a whole number"));
        assertTrue(failure(PRIMARY.replace("persistence: BUFFERED", "syncBatchSize: 0"))
            .startsWith("journal: journal config: invalid value '0' for key 'syncBatchSize'"));
        assertTrue(failure(PRIMARY.replace("heartbeatSec: 5", "heartbeatSec: 5, nextExpectedMsgSeqNum: maybe"))
            .startsWith("fix.sessions[0].nextExpectedMsgSeqNum: 'maybe' is not a boolean"));
        assertTrue(failure(PRIMARY.replace("targetCompId: TW", "targetCompId: T=W"))
            .startsWith("fix.sessions[0].targetCompId=T=W"));
        assertTrue(failure(PRIMARY.replace("heartbeatSec: 5 } ]", "heartbeatSec: 5 } ], bindAddress: x"))
            .startsWith("fix.bindAddress: unknown key 'bindAddress'; valid keys of fix: listen, sessions,"));
        assertTrue(failure(PRIMARY.replace("secretEnv: PATH,", "secretEnv: PATH, epoch: 3,"))
            .startsWith("replication.epoch: unknown key 'epoch'"));
        assertTrue(failure(PRIMARY.replace("secretEnv: PATH,", "secretEnv: PATH, maxBatchBytes: 12,"))
            .startsWith("replication.maxBatchBytes: 12 is out of range"));
        assertTrue(failure(PRIMARY.replace("admin: { listen: \"127.0.0.1:0\" }", "admin: [ ]"))
            .startsWith("admin: a list is not a map"));
    }

    @Test
    void shouldReadAnAckStrategyFromASnippet()
    {
        final BoundedWait wait = (BoundedWait)AckStrategies.fromYaml(
            "!BoundedWait { timeoutMs: 5, onTimeout: SEND_ANYWAY }");
        assertEquals(5, wait.timeoutMs());
        assertEquals(wait, AckStrategies.fromYaml("{ type: BoundedWait, timeoutMs: 5, onTimeout: SEND_ANYWAY }"));
        assertInstanceOf(WaitForever.class, AckStrategies.fromYaml("WAIT_FOREVER_FOR_REPLICA_ACK"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AckStrategies.fromYaml("!WaitForEver {}"))
            .getMessage().contains("WaitForEver"));
    }
}
