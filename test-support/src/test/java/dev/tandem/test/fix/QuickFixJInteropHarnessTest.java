package dev.tandem.test.fix;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import quickfix.Message;
import quickfix.Session;
import quickfix.SessionID;

import dev.tandem.test.Tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves the interop harness (proxy, taps, ledgers) with QuickFIX/J on both ends before it judges our engine:
 * 10,000 application messages each way with messages lost in flight mid-stream, recovery by ResendRequest and
 * GapFill on reconnect, and a Logout; nothing lost, nothing duplicated without PossDupFlag.
 */
class QuickFixJInteropHarnessTest
{
    private static final int MESSAGES = 10_000;
    private static final int BEFORE_CUT = 5_000;
    private static final int LOST_IN_FLIGHT = 100;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void shouldRecoverMessagesLostInFlightBetweenTwoQuickFixJEngines() throws Exception
    {
        final QuickFixJRecordingApplication acceptorApp =
            new QuickFixJRecordingApplication(new ReceivedLedger(MESSAGES), 11);
        final QuickFixJRecordingApplication initiatorApp =
            new QuickFixJRecordingApplication(new ReceivedLedger(MESSAGES), 11);
        try (QuickFixJAcceptor acceptor = QuickFixJAcceptor.start(acceptorApp, "ISLD", List.of("TW44"), null,
            Map.of());
            FixTcpProxy proxy = FixTcpProxy.start(acceptor.address());
            QuickFixJInitiator initiator = QuickFixJInitiator.start(initiatorApp, "TW44", "ISLD", proxy.address(),
                null, Map.of()))
        {
            final Session toAcceptor = initiator.session();
            final Session toInitiator = Session.lookupSession(new SessionID("FIX.4.4", "ISLD", "TW44"));
            Tests.await("both logged on", WAIT, () -> acceptorApp.loggedOn() && initiatorApp.loggedOn());

            sendBothWays(toAcceptor, toInitiator, 0, BEFORE_CUT);
            Tests.await("first " + BEFORE_CUT + " each way", WAIT, () ->
                acceptorApp.ledger().distinct() == BEFORE_CUT && initiatorApp.ledger().distinct() == BEFORE_CUT);

            proxy.blackhole();
            sendBothWays(toAcceptor, toInitiator, BEFORE_CUT, BEFORE_CUT + LOST_IN_FLIGHT);
            Tests.await("messages lost in flight both ways", WAIT, () ->
                proxy.initiatorToAcceptor().dropped() >= LOST_IN_FLIGHT &&
                proxy.acceptorToInitiator().dropped() >= LOST_IN_FLIGHT);
            proxy.cut();
            sendBothWays(toAcceptor, toInitiator, BEFORE_CUT + LOST_IN_FLIGHT, MESSAGES);

            Tests.await("all messages both ways", WAIT, () ->
                acceptorApp.ledger().complete() && initiatorApp.ledger().complete());
            initiator.close();
            Tests.await("logout on both sides", WAIT, () -> !acceptorApp.loggedOn() && !initiatorApp.loggedOn());

            for (final ReceivedLedger ledger : List.of(acceptorApp.ledger(), initiatorApp.ledger()))
            {
                assertEquals(MESSAGES, ledger.distinct(), ledger.toString());
                assertEquals(0, ledger.duplicatesWithoutPossDup(), ledger.toString());
                assertTrue(ledger.possDupReceipts() >= LOST_IN_FLIGHT, ledger.toString());
            }
            assertTrue(proxy.connections() >= 2, "reconnected through the proxy");
            assertTrue(acceptorApp.resendRequestsReceived() >= 1 && initiatorApp.resendRequestsReceived() >= 1,
                "ResendRequest both ways");
            assertTrue(proxy.initiatorToAcceptor().gapFillsForwarded() >= 1, proxy.initiatorToAcceptor().toString());
            assertTrue(proxy.acceptorToInitiator().gapFillsForwarded() >= 1, proxy.acceptorToInitiator().toString());
            assertTrue(proxy.initiatorToAcceptor().forwarded("5") >= 1, "Logout sent");
        }
    }

    private static void sendBothWays(final Session a, final Session b, final int from, final int to)
        throws InterruptedException
    {
        final Thread other = new Thread(() -> send(b, from, to), "send-to-initiator");
        other.start();
        send(a, from, to);
        other.join(WAIT.toMillis());
    }

    static void send(final Session session, final int from, final int to)
    {
        for (int id = from; id < to; id++)
        {
            final Message order = new Message();
            order.getHeader().setString(35, "D");
            order.setString(11, Integer.toString(id));
            order.setChar(21, '1');
            order.setString(55, "TNDM");
            order.setChar(54, '1');
            order.setUtcTimeStamp(60, java.time.LocalDateTime.now(java.time.ZoneOffset.UTC));
            order.setChar(40, '1');
            order.setDouble(38, 100);
            session.send(order);
        }
    }
}
