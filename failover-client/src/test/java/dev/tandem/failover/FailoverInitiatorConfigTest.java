package dev.tandem.failover;

import dev.tandem.journal.Persistence;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailoverInitiatorConfigTest
{
    private static final String YAML =
        "!FailoverInitiatorConfig {\n" +
        "  connect: [ \"127.0.0.1:9880\", \"127.0.0.1:9881\" ],\n" +
        "  connectionStrategy: !Failover { attemptsPerAddress: 3, backoffMaxMs: 500 },\n" +
        "  session: { beginString: FIX.4.4, senderCompId: TW, targetCompId: ISLD, heartbeatSec: 10 },\n" +
        "  journal: { dir: /tmp/initiator, persistence: SYNC }\n" +
        "}\n";

    @Test
    void shouldReadAnInitiatorFromYaml()
    {
        final FailoverInitiatorConfig config = FailoverInitiatorConfig.fromYaml(YAML);
        assertEquals(2, config.addresses().size());
        assertEquals(9881, config.addresses().get(1).getPort());
        assertEquals(3, ((FailoverConnectionStrategy)config.connectionStrategy()).attemptsPerAddress());
        assertEquals("TW", config.senderCompId());
        assertEquals(10, config.heartbeatSec());
        assertEquals(Persistence.SYNC, config.persistence());
        assertEquals(null, config.nextExpectedMsgSeqNum(), "default: SessionConfig decides by BeginString");
        assertEquals(false, FailoverInitiatorConfig.fromYaml(YAML.replace("heartbeatSec: 10",
            "heartbeatSec: 10, nextExpectedMsgSeqNum: false")).nextExpectedMsgSeqNum());
        final InetSocketAddress primary = config.addresses().get(0);
        assertEquals("127.0.0.1", primary.getHostString());
    }

    @Test
    void shouldPlugInAChronicleStrategy()
    {
        final FailoverInitiatorConfig config = FailoverInitiatorConfig.fromYaml(YAML.replace(
            "!Failover { attemptsPerAddress: 3, backoffMaxMs: 500 }", "!Chronicle { strategy: !FatalFailure { } }"));
        assertInstanceOf(ChronicleConnectionStrategy.class, config.connectionStrategy());
    }

    @Test
    void shouldNameTheBadKeyOrValue()
    {
        assertNamed(YAML.replace("heartbeatSec: 10", "heartbeatSecs: 10"), "'heartbeatSecs'");
        assertNamed(YAML.replace("journal:", "jornal:"), "'jornal'");
        assertNamed(YAML.replace("heartbeatSec: 10", "heartbeatSec: 10, nextExpectedMsgSeqNum: yes"),
            "session.nextExpectedMsgSeqNum");
        assertNamed(YAML.replace("127.0.0.1:9881", "127.0.0.1"), "connect[1]");
        assertNamed(YAML.replace("SYNC", "FAST"), "journal.persistence");
        assertNamed(YAML.replace("!Failover {", "!Failovr {"), "connectionStrategy");
        assertNamed(YAML.replace("backoffMaxMs: 500", "backoffMaxMs: 5, backoffInitialMs: 10"), "backoffMaxMs");
        assertNamed(YAML.replace("backoffMaxMs: 500", "backoffMaxMS: 500"), "'backoffMaxMS'");
        assertNamed(YAML.replace("!Failover { attemptsPerAddress: 3, backoffMaxMs: 500 }",
            "!Chronicle { strategy: !FatalFailure { attempt: 2 } }"), "'attempt'");
    }

    private static void assertNamed(final String yaml, final String expected)
    {
        final String message = message(yaml);
        assertTrue(message.contains(expected), message);
    }

    private static String message(final String yaml)
    {
        return assertThrows(IllegalArgumentException.class, () -> FailoverInitiatorConfig.fromYaml(yaml)).getMessage();
    }
}
