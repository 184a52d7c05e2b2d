package dev.tandem.systemtests;

import dev.tandem.failover.ConnectionStrategies;
import dev.tandem.failover.FailoverInitiator;
import dev.tandem.failover.FailoverInitiatorConfig;
import dev.tandem.failover.FailoverListener;
import dev.tandem.journal.Direction;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.NodeProcess;
import dev.tandem.node.demo.OrderFlow;
import dev.tandem.test.FaultyProxy;
import dev.tandem.test.Tests;
import org.agrona.collections.Int2ObjectHashMap;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.tandem.node.demo.NodeProcess.writeFile;
import static dev.tandem.node.demo.NodeProcess.yamlPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NeverTimesOut with the replication link stalled (a {@link FaultyProxy} between the nodes stops forwarding the
 * primary's stream) before the primary is SIGKILLed: the secondary really lacks the newest outbound messages the
 * initiator has already received. Made Hot, it learns from the initiator's Logon (NextExpectedMsgSeqNum 789) how far
 * the counterparty is, moves its MsgSeqNum past the lost messages and counts them; the initiator is not told
 * "MsgSeqNum too low", and every order it sent reaches the secondary.
 */
class LostOutboundSystemTest
{
    private static final String ADMIN_TOKEN = "lost-outbound-admin-token";

    @Test
    void shouldResumeOnTheSecondaryPastOutboundMessagesItNeverReceived() throws IOException
    {
        final Path dir = Tests.tempDir("lost-outbound");
        final List<AutoCloseable> closeables = new ArrayList<>();
        try
        {
            final Path secret = dir.resolve("secret");
            Files.writeString(secret, "0123456789abcdef0123456789abcdef", StandardCharsets.US_ASCII);
            final Path token = dir.resolve("admin.token");
            Files.writeString(token, ADMIN_TOKEN, StandardCharsets.US_ASCII);
            final NodeProcess primary = NodeProcess.start("primary", writeFile(dir.resolve("primary.yaml"),
                "!NodeConfig {\n  role: PRIMARY,\n  nodeId: 1,\n" +
                "  journal: { dir: " + yamlPath(dir.resolve("primary-journal")) + " },\n" +
                "  replication: { listen: \"127.0.0.1:0\", clusterName: demo, secretFile: " + yamlPath(secret) +
                ", ackStrategy: !NeverTimesOut { } },\n" + fixAndAdmin(token) + "}\n"), List.of(), null);
            closeables.add(primary);
            final String primaryReady = primary.awaitEvent("TANDEM READY", 30_000);

            final FaultyProxy proxy = FaultyProxy.start(NodeProcess.replicationPort(primaryReady));
            closeables.add(proxy);
            final Path secondaryJournal = dir.resolve("secondary-journal");
            final NodeProcess secondary = NodeProcess.start("secondary", writeFile(dir.resolve("secondary.yaml"),
                "!NodeConfig {\n  role: SECONDARY,\n  nodeId: 2,\n" +
                "  journal: { dir: " + yamlPath(secondaryJournal) + " },\n" +
                "  replication: { connect: \"127.0.0.1:" + proxy.port() + "\", clusterName: demo, secretFile: " +
                // a long lease: the primary must go on answering for a while after the link stalls (the default
                // 250 ms would stop it after about 75 answers at 300 orders/s, which LeaseTest covers)
                yamlPath(secret) + ", leaseMs: 3000 },\n" + fixAndAdmin(token) + "  activation: !Manual { }\n}\n"),
                List.of(), null);
            closeables.add(secondary);
            final String secondaryReady = secondary.awaitEvent("TANDEM READY", 30_000);
            final int secondaryAdmin = NodeProcess.adminPort(secondaryReady);
            Tests.await("the secondary replicates", Duration.ofSeconds(30), () -> DemoCluster
                .http("GET", secondaryAdmin, "/metrics").contains("tandem_replication_connected{node=\"node-2\"} 1"));

            final Path initiatorJournal = dir.resolve("initiator-journal");
            final OrderFlow flow = new OrderFlow(300);
            final AtomicInteger logonsOnSecondary = new AtomicInteger();
            final FailoverInitiatorConfig config = new FailoverInitiatorConfig()
                .connect(List.of("127.0.0.1:" + NodeProcess.fixPort(primaryReady),
                    "127.0.0.1:" + NodeProcess.fixPort(secondaryReady)))
                .connectionStrategy(ConnectionStrategies.fromYaml(Scenario.FAST_STRATEGY))
                .senderCompId("TW")
                .targetCompId("ISLD")
                .heartbeatSec(30)
                .journalDir(initiatorJournal.toString())
                .validate();
            final FailoverInitiator initiator = FailoverInitiator.start(config, flow, new FailoverListener()
            {
                @Override
                public void onLoggedOn(final InetSocketAddress address, final int index)
                {
                    if (index == 1)
                    {
                        logonsOnSecondary.incrementAndGet();
                    }
                }
            });
            closeables.add(initiator);
            Tests.await("200 orders answered by the primary", Duration.ofSeconds(30), () -> flow.answers() >= 200);

            // the secondary hears nothing more; the primary goes on answering (NeverTimesOut does not wait)
            proxy.stall(FaultyProxy.Direction.TO_CLIENT, true);
            final long answersAtStall = flow.answers();
            Tests.await("100 answers the secondary does not have", Duration.ofSeconds(30),
                () -> flow.answers() >= answersAtStall + 100);
            primary.kill();
            // the primary's replication address (the proxy) must refuse, or the activation is refused as unsafe
            proxy.close();
            final String activated = DemoCluster.http("PUT", secondaryAdmin, "/service/activationmode/hot",
                ADMIN_TOKEN);
            assertTrue(activated.startsWith("200"), activated);
            final long activatedAt = JournalCheck.activationPosition(secondary.awaitEvent("TANDEM HOT", 30_000));

            Tests.await("Logon on the secondary", Duration.ofSeconds(30),
                () -> logonsOnSecondary.get() == 1 && initiator.isLoggedOn());
            final long lost = Scenario.lostOutboundOnLogon(secondaryAdmin);
            System.out.println("NeverTimesOut with a stalled replication link: " + lost + " outbound messages " +
                "the initiator had received were lost with the primary and skipped at Logon");

            final long sentAtFailover = flow.sent();
            Tests.await("100 more orders after the failover", Duration.ofSeconds(30),
                () -> flow.sent() >= sentAtFailover + 100);
            flow.stopSending();
            Tests.await("every order answered", Duration.ofSeconds(30), () -> flow.answers() >= flow.sent());
            assertEquals(0, flow.unanswered());
            assertEquals(0, flow.duplicates(), "answers repeated without PossDupFlag or PossResend");
            assertEquals(1, logonsOnSecondary.get(), "one Logon on the secondary (no Logout MsgSeqNum too low)");
            final long sent = flow.sent();

            initiator.close();
            secondary.stop(10_000);
            final BitSet received = clOrdIds(secondaryJournal);
            assertEquals(sent, received.cardinality(), "every order the initiator sent is on the secondary");
            assertEquals(sent, received.nextClearBit(1) - 1, "no order skipped");

            // lost = what the initiator had received from the primary beyond what the secondary held when it took
            // over: the primary's answers after the stall (about 100, a few crossed the proxy before it)
            final int receivedFromPrimary = JournalCheck.nextExpectedInLastLogon(initiatorJournal) - 1;
            final int heldBySecondary = JournalCheck.highestSeqNumUpTo(
                secondaryJournal, JournalCheck.ACCEPTOR_SESSION, Direction.OUTBOUND, activatedAt);
            assertTrue(receivedFromPrimary - heldBySecondary >= 50, "the stall lost messages: the initiator " +
                "received up to " + receivedFromPrimary + ", the secondary held up to " + heldBySecondary);
            assertEquals(receivedFromPrimary - heldBySecondary, lost,
                "outbound messages lost with the primary, counted at Logon");
        }
        finally
        {
            for (int i = closeables.size() - 1; i >= 0; i--)
            {
                try
                {
                    closeables.get(i).close();
                }
                catch (final Exception ignore)
                {
                    // closing what is left
                }
            }
            Tests.deleteRecursively(dir);
        }
    }

    private static String fixAndAdmin(final Path token)
    {
        return "  fix: { listen: \"127.0.0.1:0\", sessions: [ { beginString: FIX.4.4, senderCompId: ISLD, " +
            "targetCompId: TW, heartbeatSec: 30 } ] },\n" +
            "  application: echo,\n" +
            "  admin: { listen: \"127.0.0.1:0\", tokenFile: " + yamlPath(token) + " },\n";
    }

    /** The ClOrdIDs of the NewOrderSingles in the acceptor's inbound journal. */
    private static BitSet clOrdIds(final Path journal)
    {
        final Int2ObjectHashMap<byte[]> inbound =
            JournalCheck.messages(journal, JournalCheck.ACCEPTOR_SESSION, Direction.INBOUND);
        final BitSet ids = new BitSet();
        for (final byte[] message : inbound.values())
        {
            final String text = new String(message, StandardCharsets.US_ASCII);
            if (text.contains("\u000135=D\u0001"))
            {
                final int start = text.indexOf("\u000111=") + 4;
                ids.set(Integer.parseInt(text.substring(start, text.indexOf('\u0001', start))));
            }
        }
        return ids;
    }

}
