package dev.tandem.systemtests;

import com.acme.gateway.GatewayMain;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.NodeProcess;
import dev.tandem.test.ChildJvm;
import dev.tandem.test.Tests;
import dev.tandem.test.fix.QuickFixJInitiator;
import dev.tandem.test.fix.QuickFixJRecordingApplication;
import dev.tandem.test.fix.ReceivedLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import quickfix.Message;
import quickfix.Session;
import quickfix.SessionNotFound;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedding example (examples/order-gateway, {@code com.acme.gateway}) as a firm would run it: its own main and
 * YAML, a primary and a secondary in child JVMs, a QuickFIX/J 3.0.0 initiator with two SocketConnectHosts sending
 * 2,000 NewOrderSingles at 500 a second. The primary's risk check holds order 1000 for review (journaled and
 * replicated, never answered); the primary is SIGKILLed mid-stream; the secondary activates by itself and, at the
 * initiator's Logon, the gateway's recovery callback answers order 1000 (PossResend=Y). Every order gets an
 * ExecutionReport carrying its ClOrdID, none twice without PossDupFlag or PossResend.
 */
class OrderGatewaySystemTest
{
    private static final int ORDERS = 2_000;
    private static final int HELD = 1_000;
    private static final int KILL_AFTER_ANSWERS = 1_200;
    private static final int RATE_PER_SECOND = 500;

    @Test
    @Timeout(240)
    void shouldAnswerEveryOrderOnceAcrossASigkillIncludingTheOneThePrimaryJournaledButNeverAnswered()
        throws Exception
    {
        final Path dir = Tests.tempDir("order-gateway");
        final List<AutoCloseable> closeables = new ArrayList<>();
        final Orders orders = new Orders();
        try
        {
            final Path secret = dir.resolve("secret");
            Files.writeString(secret, "0123456789abcdef0123456789abcdef", StandardCharsets.US_ASCII);
            final ChildJvm primary = ChildJvm.start("primary", GatewayMain.class, List.of(),
                write(dir, "primary.yaml", "reviewPrefix: \"" + HELD + "\"\ntandem: {\n" +
                "    role: PRIMARY,\n    journal: { dir: " + quote(dir.resolve("primary")) + " },\n" +
                "    replication: { listen: \"127.0.0.1:0\", clusterName: acme, secretFile: " + quote(secret) +
                ", ackStrategy: !WaitForever { } },\n" + fixAndAdmin() + "}\n").toString());
            closeables.add(primary);
            final String primaryReady = primary.awaitLine("TANDEM READY", Duration.ofSeconds(60));
            final ChildJvm secondary = ChildJvm.start("secondary", GatewayMain.class, List.of(),
                write(dir, "secondary.yaml", "reviewPrefix: \"\"\ntandem: {\n" +
                "    role: SECONDARY,\n    journal: { dir: " + quote(dir.resolve("secondary")) + " },\n" +
                "    replication: { connect: \"127.0.0.1:" + NodeProcess.replicationPort(primaryReady) +
                "\", clusterName: acme, secretFile: " + quote(secret) + " },\n" + fixAndAdmin() +
                "    activation: !TryHeartbeat { delayMs: 500 }\n}\n").toString());
            closeables.add(secondary);
            final String secondaryReady = secondary.awaitLine("TANDEM READY", Duration.ofSeconds(60));
            final int secondaryAdmin = NodeProcess.adminPort(secondaryReady);
            Tests.await("the secondary replicates", Duration.ofSeconds(30), () -> DemoCluster
                .http("GET", secondaryAdmin, "/metrics").contains("tandem_replication_connected{node=\"node-2\"} 1"));

            final QuickFixJInitiator initiator = QuickFixJInitiator.start(orders.answers, "FIX.4.4", "CLIENT", "ACME",
                List.of(new InetSocketAddress("127.0.0.1", NodeProcess.fixPort(primaryReady)),
                    new InetSocketAddress("127.0.0.1", NodeProcess.fixPort(secondaryReady))),
                dir.resolve("qfj-store"), Map.of());
            closeables.add(initiator::kill);
            final Thread sender = new Thread(() -> send(orders, initiator), "orders");
            sender.start();
            closeables.add(() ->
            {
                orders.stop = true;
                sender.join(10_000);
            });
            Tests.await(KILL_AFTER_ANSWERS + " orders answered by the primary", Duration.ofSeconds(60),
                () -> orders.answered() >= KILL_AFTER_ANSWERS);
            assertTrue(!orders.ledger().received(HELD), "the primary held order " + HELD);
            primary.kill();

            Tests.await("QuickFIX/J logs on to the secondary", Duration.ofSeconds(60),
                () -> orders.answers.logons() >= 2 && orders.answers.loggedOn());
            sender.join(60_000);
            Tests.await("every order answered", Duration.ofSeconds(60),
                () -> orders.answered() >= ORDERS);
            System.out.printf("order-gateway: orders sent %d, answered %d, answered twice without PossDup/PossResend " +
                    "%d, answers with PossDup or PossResend %d; Logons %d%n", orders.sent.get(),
                orders.answered(), orders.ledger().duplicatesWithoutPossDup(), orders.ledger().possDupReceipts(),
                orders.answers.logons());

            assertEquals(ORDERS, orders.sent.get());
            assertEquals(ORDERS, orders.answered(), "every order answered");
            assertTrue(orders.ledger().receivedOnlyMarked(HELD),
                "the held order answered by the secondary's recovery, marked PossResend");
            assertEquals(0, orders.ledger().duplicatesWithoutPossDup(),
                "answers repeated without PossDupFlag or PossResend");
            assertTrue(secondary.transcript().stream().anyMatch((line) -> line.startsWith("TANDEM HOT")),
                "the secondary turned Hot");
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

    /** Sends orders 1..ORDERS at a fixed rate while logged on (pausing while not), ClOrdID = the number. */
    private static void send(final Orders orders, final QuickFixJInitiator initiator)
    {
        final long periodNs = 1_000_000_000L / RATE_PER_SECOND;
        long nextNs = System.nanoTime();
        while (!orders.stop && orders.sent.get() < ORDERS)
        {
            final long now = System.nanoTime();
            if (now < nextNs)
            {
                LockSupport.parkNanos(nextNs - now);
                continue;
            }
            nextNs += periodNs;
            if (!orders.answers.loggedOn())
            {
                nextNs = System.nanoTime() + periodNs;
                LockSupport.parkNanos(1_000_000);
                continue;
            }
            final Message order = new Message();
            order.getHeader().setString(35, "D");
            order.setString(11, Integer.toString(orders.sent.get() + 1));
            order.setChar(21, '1');
            order.setString(55, "INTC");
            order.setChar(54, '1');
            order.setUtcTimeStamp(60, LocalDateTime.now(ZoneOffset.UTC));
            order.setDecimal(38, java.math.BigDecimal.valueOf(100));
            order.setChar(40, '1');
            try
            {
                // persisted by QuickFIX/J under its MsgSeqNum even when not sent now: it goes out on a resend
                Session.sendToTarget(order, initiator.sessionId());
                orders.sent.incrementAndGet();
            }
            catch (final SessionNotFound ex)
            {
                throw new IllegalStateException(ex);
            }
        }
    }

    /** The counterparty's side: answers recorded by ClOrdID, orders sent, and the sender's stop flag. */
    private static final class Orders
    {
        final QuickFixJRecordingApplication answers = new QuickFixJRecordingApplication(ReceivedLedger.unbounded(), 11);
        final AtomicInteger sent = new AtomicInteger();
        volatile boolean stop;

        ReceivedLedger ledger()
        {
            return answers.ledger();
        }

        long answered()
        {
            return answers.ledger().distinct();
        }
    }

    private static String fixAndAdmin()
    {
        return "    fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ACME, targetCompId: CLIENT } ] },\n" +
            "    admin: { listen: \"127.0.0.1:0\" },\n";
    }

    private static Path write(final Path dir, final String name, final String text)
    {
        try
        {
            return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static String quote(final Path path)
    {
        return "\"" + path.toString().replace("\\", "/") + "\"";
    }
}
