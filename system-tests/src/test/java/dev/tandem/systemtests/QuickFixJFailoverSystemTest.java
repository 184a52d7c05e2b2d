package dev.tandem.systemtests;

import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.NodeProcess;
import dev.tandem.replication.ReplicationSourceContext;
import dev.tandem.test.FaultyProxy;
import dev.tandem.test.Tests;
import dev.tandem.test.fix.QuickFixJInitiator;
import dev.tandem.test.fix.QuickFixJRecordingApplication;
import dev.tandem.test.fix.ReceivedLedger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import quickfix.Message;
import quickfix.Session;
import quickfix.SessionID;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tandem.node.demo.NodeProcess.writeFile;
import static dev.tandem.node.demo.NodeProcess.yamlPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The most common counterparty after a failover while the replica lags: a real QuickFIX/J 3.0.0 initiator with two
 * SocketConnectHosts (primary, secondary), its own FileStore and no NextExpectedMsgSeqNum (789) in its Logon, sends
 * orders to a pair of real node JVMs; the replication link is throttled through a {@link FaultyProxy} so the
 * secondary falls behind, then the primary is SIGKILLed and the secondary activates by itself (TryHeartbeat).
 * <p>
 * The secondary's first Logon for the session skips its outbound MsgSeqNum by the loss bound (sequence headroom),
 * so QuickFIX/J sees a gap (filled by a SequenceReset-GapFill), never "MsgSeqNum too low"; the orders the secondary
 * lacked come back by its ResendRequest to QuickFIX/J and are answered; nothing is answered twice without
 * PossDupFlag or PossResend; no one acts.
 */
class QuickFixJFailoverSystemTest
{
    private static final Pattern SKIPPED =
        Pattern.compile("tandem_fix_outbound_skipped_total\\{session=\"ISLD->([A-Z0-9]+)\"} (\\d+)");
    private static final Pattern HEADROOM_FROM = Pattern.compile("skipping outbound MsgSeqNum (\\d+)\\.\\.");
    /** The primary's loss window, announced to the secondary and skipped at its first Logon without 789. */
    private static final int LOSS_BOUND = (int)ReplicationSourceContext.DEFAULT_MAX_UNACKED_ENTRIES;
    private static final int RATE_PER_SECOND = 500;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "'!NeverTimesOut { }', FIX.4.4, TW",
        "'', FIX.4.4, TW",
        "'!NeverTimesOut { }', FIX.4.2, TW42",
        "'', FIX.4.2, TW42" })
    void shouldLogOnToTheSecondaryAndAnswerEveryOrderWithout789(
        final String ackStrategy, final String beginString, final String counterparty) throws Exception
    {
        final String strategyName = ackStrategy.isEmpty() ? "default BoundedWait" : ackStrategy;
        final Path dir = Tests.tempDir("qfj-failover");
        final List<AutoCloseable> closeables = new ArrayList<>();
        final Orders orders = new Orders();
        try
        {
            final Path secret = dir.resolve("secret");
            Files.writeString(secret, "0123456789abcdef0123456789abcdef", StandardCharsets.US_ASCII);
            final NodeProcess primary = NodeProcess.start("primary", writeFile(dir.resolve("primary.yaml"),
                "!NodeConfig {\n  role: PRIMARY,\n  nodeId: 1,\n" +
                "  journal: { dir: " + yamlPath(dir.resolve("primary-journal")) + " },\n" +
                "  replication: { listen: \"127.0.0.1:0\", clusterName: demo, secretFile: " + yamlPath(secret) +
                (ackStrategy.isEmpty() ? "" : ", ackStrategy: " + ackStrategy) + " },\n" + fixAndAdmin() + "}\n"),
                List.of(), null);
            closeables.add(primary);
            final String primaryReady = primary.awaitEvent("TANDEM READY", 30_000);
            final FaultyProxy proxy = FaultyProxy.start(NodeProcess.replicationPort(primaryReady));
            closeables.add(proxy);
            final NodeProcess secondary = NodeProcess.start("secondary", writeFile(dir.resolve("secondary.yaml"),
                "!NodeConfig {\n  role: SECONDARY,\n  nodeId: 2,\n" +
                "  journal: { dir: " + yamlPath(dir.resolve("secondary-journal")) + " },\n" +
                "  replication: { connect: \"127.0.0.1:" + proxy.port() + "\", clusterName: demo, secretFile: " +
                yamlPath(secret) + " },\n" + fixAndAdmin() + "  activation: !TryHeartbeat { delayMs: 500 }\n}\n"),
                List.of(), null);
            closeables.add(secondary);
            final String secondaryReady = secondary.awaitEvent("TANDEM READY", 30_000);
            final int secondaryAdmin = NodeProcess.adminPort(secondaryReady);
            Tests.await("the secondary replicates", Duration.ofSeconds(30), () -> DemoCluster
                .http("GET", secondaryAdmin, "/metrics").contains("tandem_replication_connected{node=\"node-2\"} 1"));

            final QuickFixJInitiator initiator = QuickFixJInitiator.start(orders.answers, beginString, counterparty,
                "ISLD",
                List.of(new InetSocketAddress("127.0.0.1", NodeProcess.fixPort(primaryReady)),
                    new InetSocketAddress("127.0.0.1", NodeProcess.fixPort(secondaryReady))),
                dir.resolve("qfj-store"), Map.of("ReconnectInterval", "1"));
            closeables.add(initiator::kill);
            final Thread sender = new Thread(() -> orders.sendLoop(initiator.sessionId(), beginString), "orders");
            sender.start();
            closeables.add(() ->
            {
                orders.stop = true;
                sender.join(10_000);
            });
            Tests.await("Logon on the primary", Duration.ofSeconds(30), () -> orders.answers.logons() == 1);
            Tests.await("500 orders answered by the primary", Duration.ofSeconds(60),
                () -> orders.answered() >= 500);

            // the replica falls behind: about 12 KB/s on the replication link, while the primary keeps answering
            proxy.slow(256, 20_000_000L);
            final int answeredAtThrottle = orders.answered();
            // 300 answers: enough for the replica to lag by hundreds of entries, at about 6 s per case
            Tests.await("300 answers while the link is throttled", Duration.ofSeconds(60),
                () -> orders.answered() >= answeredAtThrottle + 300);
            primary.kill();
            proxy.cutAll();
            final Session session = initiator.session();
            final int expectedAtKill = session.getStore().getNextTargetMsgSeqNum();

            Tests.await("QuickFIX/J logs on to the secondary by itself", Duration.ofSeconds(60),
                () -> orders.answers.logons() >= 2 && orders.answers.loggedOn());
            final int sentAtFailover = orders.sent.get();
            Tests.await("500 more orders after the failover", Duration.ofSeconds(60),
                () -> orders.sent.get() >= sentAtFailover + 500);
            orders.stop = true;
            sender.join(10_000);
            Tests.await("every order answered", Duration.ofSeconds(60),
                () -> orders.answered() >= orders.sent.get());

            final String metrics = DemoCluster.http("GET", secondaryAdmin, "/metrics");
            long skipped = -1;
            final Matcher matcher = SKIPPED.matcher(metrics);
            while (matcher.find())
            {
                if (matcher.group(1).equals(counterparty))
                {
                    skipped = Long.parseLong(matcher.group(2));
                }
            }
            final int heldBySecondary = headroomFrom(secondary.transcript());
            final int lost = expectedAtKill - heldBySecondary;
            System.out.printf("QuickFIX/J %s, %s: orders sent %d, answered %d, unanswered %d, answered twice " +
                    "without PossDup/PossResend %d, answers with PossDup or PossResend %d; outbound the " +
                    "initiator had received but the secondary lacked %d; MsgSeqNums skipped by headroom %d " +
                    "(bound %d); GapFills received %d; Logons %d; Logouts either way %s%n",
                beginString, strategyName, orders.sent.get(), orders.answered(),
                orders.sent.get() - orders.answered(), orders.answers.ledger().duplicatesWithoutPossDup(),
                orders.answers.ledger().possDupReceipts(), lost, skipped, LOSS_BOUND,
                orders.answers.gapFillsReceived(), orders.answers.logons(), orders.answers.logoutTexts());

            assertEquals(orders.sent.get(), orders.answered(), "every order answered");
            assertEquals(0, orders.answers.ledger().duplicatesWithoutPossDup(),
                "answers repeated without PossDupFlag or PossResend");
            assertEquals(2, orders.answers.logons(), "one Logon on the primary, one on the secondary, then it stayed");
            assertTrue(orders.answers.logoutTexts().stream().noneMatch((text) -> text.contains("too low")),
                orders.answers.logoutTexts().toString());
            assertEquals(LOSS_BOUND, skipped, "headroom at the first Logon without 789: the bound, once");
            assertTrue(lost <= skipped, "the headroom covers what was lost: " + lost + " <= " + skipped);
        }
        finally
        {
            orders.stop = true;
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

    /** The secondary's next outbound MsgSeqNum before its headroom, from its WARN line. */
    private static int headroomFrom(final List<String> transcript)
    {
        for (final String line : transcript)
        {
            final Matcher matcher = HEADROOM_FROM.matcher(line);
            if (matcher.find())
            {
                return Integer.parseInt(matcher.group(1));
            }
        }
        throw new AssertionError("no headroom WARN line in the secondary's output");
    }

    private static String fixAndAdmin()
    {
        return "  fix: { listen: \"127.0.0.1:0\", sessions: [ { beginString: FIX.4.4, senderCompId: ISLD, " +
            "targetCompId: TW, heartbeatSec: 30 }, { beginString: FIX.4.2, senderCompId: ISLD, " +
            "targetCompId: TW42, heartbeatSec: 30 } ] },\n" +
            "  application: echo,\n" +
            "  admin: { listen: \"127.0.0.1:0\" },\n";
    }

    /** Sends NewOrderSingles at a steady rate while logged on; {@link #answers} tallies the echoes by ClOrdID. */
    static final class Orders
    {
        final QuickFixJRecordingApplication answers =
            new QuickFixJRecordingApplication(ReceivedLedger.unbounded(), 11);
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        volatile boolean stop;

        int answered()
        {
            return (int)answers.ledger().distinct();
        }

        void sendLoop(final SessionID sessionId, final String beginString)
        {
            final long periodNs = 1_000_000_000L / RATE_PER_SECOND;
            long nextNs = System.nanoTime();
            while (!stop)
            {
                final long now = System.nanoTime();
                if (now < nextNs)
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(nextNs - now);
                    continue;
                }
                nextNs += periodNs;
                if (!answers.loggedOn())
                {
                    nextNs = System.nanoTime() + periodNs;
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    continue;
                }
                final int id = sent.get() + 1;
                final Message order = new Message();
                order.getHeader().setString(35, "D");
                order.setString(11, Integer.toString(id));
                order.setChar(21, '1');
                order.setString(55, "INTC");
                order.setChar(54, '1');
                order.setUtcTimeStamp(60, LocalDateTime.now(ZoneOffset.UTC));
                order.setDecimal(38, java.math.BigDecimal.valueOf(100));
                order.setChar(40, '1');
                try
                {
                    if (Session.sendToTarget(order, sessionId))
                    {
                        sent.incrementAndGet();
                    }
                    else
                    {
                        // persisted by QuickFIX/J under its MsgSeqNum all the same: it goes out on a resend
                        sent.incrementAndGet();
                        refused.incrementAndGet();
                    }
                }
                catch (final quickfix.SessionNotFound ex)
                {
                    throw new IllegalStateException(ex);
                }
            }
        }
    }
}
