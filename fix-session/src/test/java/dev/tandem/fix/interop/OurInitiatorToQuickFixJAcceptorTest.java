package dev.tandem.fix.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import quickfix.Session;
import quickfix.SessionID;

import dev.tandem.fix.FixContext;
import dev.tandem.fix.FixInitiator;
import dev.tandem.fix.FixSession;
import dev.tandem.fix.InitiatorListener;
import dev.tandem.fix.SessionConfig;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.test.Tests;
import dev.tandem.test.fix.FixTcpProxy;
import dev.tandem.test.fix.QuickFixJAcceptor;
import dev.tandem.test.fix.QuickFixJRecordingApplication;
import dev.tandem.test.fix.ReceivedLedger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our initiator (TW44) against a QuickFIX/J 3.0.0 acceptor (ISLD) through a fault-injecting proxy: logon, 10,000
 * NewOrderSingles each way, messages lost in flight when the link dies mid-stream (100 each way dropped, then the
 * connection reset), our initiator reconnects (it never does so by itself: the test is its connection strategy),
 * both sides recover by ResendRequest, PossDup resends and SequenceReset-GapFill, then Logout. Nothing lost, nothing
 * duplicated without PossDupFlag.
 */
class OurInitiatorToQuickFixJAcceptorTest
{
    private static final int MESSAGES = 10_000;
    private static final int BEFORE_CUT = 5_000;
    private static final int LOST_IN_FLIGHT = 100;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void shouldExchangeTenThousandEachWayAndRecoverAMidStreamDisconnect()
    {
        final Path dir = Tests.tempDir("interop-initiator");
        final StreamingApplication ours = new StreamingApplication(new ReceivedLedger(MESSAGES));
        final QuickFixJRecordingApplication theirs =
            new QuickFixJRecordingApplication(new ReceivedLedger(MESSAGES), 11);
        final AtomicInteger connectionsLost = new AtomicInteger();
        try (QuickFixJAcceptor acceptor = QuickFixJAcceptor.start(theirs, "ISLD", List.of("TW44"), null, Map.of());
            FixTcpProxy proxy = FixTcpProxy.start(acceptor.address());
            Journal journal = Journal.open(new JournalContext().dir(dir.toString()).conclude());
            FixInitiator initiator = FixInitiator.create(new FixContext()
                .addSession(new SessionConfig().beginString(SessionConfig.FIX44).senderCompId("TW44")
                    .targetCompId("ISLD").heartbeatIntervalSec(30))
                .journal(journal)
                .application(ours)
                .initiatorListener(new InitiatorListener()
                {
                    @Override
                    public void onConnectionFailed(final String host, final int port, final String reason)
                    {
                        connectionsLost.incrementAndGet();
                    }

                    @Override
                    public void onDisconnected(final FixSession session, final String host, final int port)
                    {
                        connectionsLost.incrementAndGet();
                    }
                })
                .agentName("interop-initiator"))
                .start())
        {
            final String host = proxy.address().getAddress().getHostAddress();
            final int port = proxy.address().getPort();
            initiator.connect(host, port);
            Tests.await("logon", WAIT, () -> ours.loggedOn() && theirs.loggedOn());
            final Session toInitiator = Session.lookupSession(new SessionID("FIX.4.4", "ISLD", "TW44"));

            ours.sendUpTo(BEFORE_CUT);
            QuickFixJSender.send(toInitiator, 0, BEFORE_CUT);
            Tests.await("first " + BEFORE_CUT + " each way: " + ours + " / " + theirs.ledger(), WAIT, () ->
                ours.ledger().distinct() == BEFORE_CUT && theirs.ledger().distinct() == BEFORE_CUT);

            proxy.blackhole();
            ours.sendUpTo(BEFORE_CUT + LOST_IN_FLIGHT);
            QuickFixJSender.send(toInitiator, BEFORE_CUT, BEFORE_CUT + LOST_IN_FLIGHT);
            Tests.await("100 lost in flight each way: " + proxy.initiatorToAcceptor() + " / " +
                proxy.acceptorToInitiator(), WAIT, () -> proxy.initiatorToAcceptor().dropped() >= LOST_IN_FLIGHT &&
                proxy.acceptorToInitiator().dropped() >= LOST_IN_FLIGHT);
            final int lostBefore = connectionsLost.get();
            proxy.cut();
            ours.sendUpTo(MESSAGES);
            QuickFixJSender.send(toInitiator, BEFORE_CUT + LOST_IN_FLIGHT, MESSAGES);

            // reconnect as a connection strategy would: after each loss, until logged on again
            Tests.await("our initiator noticed the cut", WAIT, () -> connectionsLost.get() > lostBefore);
            final long deadlineNs = System.nanoTime() + WAIT.toNanos();
            while (!(ours.loggedOn() && theirs.loggedOn()))
            {
                final int lost = connectionsLost.get();
                initiator.connect(host, port);
                Tests.await("logon or a failed attempt", WAIT, () ->
                    (ours.loggedOn() && theirs.loggedOn()) || connectionsLost.get() > lost);
                assertTrue(System.nanoTime() < deadlineNs, "no logon after the cut within " + WAIT);
            }

            Await.await("all " + MESSAGES + " each way", WAIT, () ->
                ours.ledger().complete() && theirs.ledger().complete(),
                () -> "ours " + ours + "; QuickFIX/J " + theirs.ledger() + "; " + proxy.initiatorToAcceptor() +
                    " / " + proxy.acceptorToInitiator());

            initiator.logout();
            Tests.await("logout on both sides", WAIT, () -> !ours.loggedOn() && !theirs.loggedOn());

            for (final ReceivedLedger ledger : List.of(ours.ledger(), theirs.ledger()))
            {
                assertEquals(MESSAGES, ledger.distinct(), "nothing lost: " + ledger);
                assertEquals(0, ledger.duplicatesWithoutPossDup(), "no duplicate without PossDupFlag: " + ledger);
                assertEquals(0, ledger.outOfRange(), ledger.toString());
                assertTrue(ledger.possDupReceipts() >= LOST_IN_FLIGHT, "recovered by resend: " + ledger);
            }
            assertTrue(proxy.connections() >= 2, "reconnected: " + proxy.connections());
            assertTrue(proxy.initiatorToAcceptor().forwarded("2") >= 1, "we sent a ResendRequest");
            assertTrue(proxy.acceptorToInitiator().forwarded("2") >= 1, "QuickFIX/J sent a ResendRequest");
            assertTrue(proxy.initiatorToAcceptor().gapFillsForwarded() >= 1, "we gap-filled admin messages: " +
                proxy.initiatorToAcceptor());
            assertTrue(proxy.acceptorToInitiator().gapFillsForwarded() >= 1, "QuickFIX/J gap-filled: " +
                proxy.acceptorToInitiator());
            assertTrue(proxy.initiatorToAcceptor().forwarded("5") >= 1 &&
                proxy.acceptorToInitiator().forwarded("5") >= 1, "Logout handshake");
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }
}
