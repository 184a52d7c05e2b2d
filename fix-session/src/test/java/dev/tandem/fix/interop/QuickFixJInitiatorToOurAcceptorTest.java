package dev.tandem.fix.interop;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tandem.fix.FixAcceptor;
import dev.tandem.fix.FixContext;
import dev.tandem.fix.SessionConfig;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.test.Tests;
import dev.tandem.test.fix.FixTcpProxy;
import dev.tandem.test.fix.QuickFixJInitiator;
import dev.tandem.test.fix.QuickFixJRecordingApplication;
import dev.tandem.test.fix.ReceivedLedger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A QuickFIX/J 3.0.0 initiator (TW44) against our acceptor (ISLD) through a fault-injecting proxy: logon, 10,000
 * NewOrderSingles each way, messages lost in flight when the link dies mid-stream (the proxy drops 100 each way, then
 * resets the connection), QuickFIX/J reconnects, both sides recover the gap by ResendRequest, PossDup resends and
 * SequenceReset-GapFill, then Logout. Nothing lost, nothing duplicated without PossDupFlag.
 */
class QuickFixJInitiatorToOurAcceptorTest
{
    private static final int MESSAGES = 10_000;
    private static final int BEFORE_CUT = 5_000;
    private static final int LOST_IN_FLIGHT = 100;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void shouldExchangeTenThousandEachWayAndRecoverAMidStreamDisconnect()
    {
        final Path dir = Tests.tempDir("interop-acceptor");
        final StreamingApplication ours = new StreamingApplication(new ReceivedLedger(MESSAGES));
        final QuickFixJRecordingApplication theirs =
            new QuickFixJRecordingApplication(new ReceivedLedger(MESSAGES), 11);
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()).conclude());
            FixAcceptor acceptor = FixAcceptor.create(new FixContext()
                .bindAddress("127.0.0.1").port(0)
                .addSession(new SessionConfig().beginString(SessionConfig.FIX44).senderCompId("ISLD")
                    .targetCompId("TW44").heartbeatIntervalSec(30))
                .journal(journal)
                .application(ours)
                .agentName("interop-acceptor"))
                .start();
            FixTcpProxy proxy = FixTcpProxy.start(new InetSocketAddress("127.0.0.1", acceptor.boundPort()));
            QuickFixJInitiator initiator = QuickFixJInitiator.start(theirs, "TW44", "ISLD", proxy.address(), null,
                Map.of()))
        {
            Tests.await("logon", WAIT, () -> ours.loggedOn() && theirs.loggedOn());

            ours.sendUpTo(BEFORE_CUT);
            QuickFixJSender.send(initiator.session(), 0, BEFORE_CUT);
            Tests.await("first " + BEFORE_CUT + " each way: " + ours + " / " + theirs.ledger(), WAIT, () ->
                ours.ledger().distinct() == BEFORE_CUT && theirs.ledger().distinct() == BEFORE_CUT);

            proxy.blackhole();
            ours.sendUpTo(BEFORE_CUT + LOST_IN_FLIGHT);
            QuickFixJSender.send(initiator.session(), BEFORE_CUT, BEFORE_CUT + LOST_IN_FLIGHT);
            Tests.await("100 lost in flight each way: " + proxy.initiatorToAcceptor() + " / " +
                proxy.acceptorToInitiator(), WAIT, () -> proxy.initiatorToAcceptor().dropped() >= LOST_IN_FLIGHT &&
                proxy.acceptorToInitiator().dropped() >= LOST_IN_FLIGHT);
            proxy.cut();

            ours.sendUpTo(MESSAGES);
            QuickFixJSender.send(initiator.session(), BEFORE_CUT + LOST_IN_FLIGHT, MESSAGES);
            Await.await("all " + MESSAGES + " each way", WAIT, () ->
                ours.ledger().complete() && theirs.ledger().complete(),
                () -> "ours " + ours + "; QuickFIX/J " + theirs.ledger() + "; " + proxy.initiatorToAcceptor() +
                    " / " + proxy.acceptorToInitiator());

            initiator.close();
            Tests.await("logout on both sides", WAIT, () -> !ours.loggedOn() && !theirs.loggedOn());

            for (final ReceivedLedger ledger : List.of(ours.ledger(), theirs.ledger()))
            {
                assertEquals(MESSAGES, ledger.distinct(), "nothing lost: " + ledger);
                assertEquals(0, ledger.duplicatesWithoutPossDup(), "no duplicate without PossDupFlag: " + ledger);
                assertEquals(0, ledger.outOfRange(), ledger.toString());
                assertTrue(ledger.possDupReceipts() >= LOST_IN_FLIGHT, "recovered by resend: " + ledger);
            }
            assertTrue(proxy.connections() >= 2, "reconnected: " + proxy.connections());
            assertTrue(proxy.initiatorToAcceptor().forwarded("2") >= 1, "QuickFIX/J sent a ResendRequest");
            assertTrue(proxy.acceptorToInitiator().forwarded("2") >= 1, "we sent a ResendRequest");
            assertTrue(proxy.acceptorToInitiator().gapFillsForwarded() >= 1, "we gap-filled admin messages: " +
                proxy.acceptorToInitiator());
            assertTrue(proxy.initiatorToAcceptor().gapFillsForwarded() >= 1, "QuickFIX/J gap-filled: " +
                proxy.initiatorToAcceptor());
            assertTrue(proxy.initiatorToAcceptor().forwarded("5") >= 1 &&
                proxy.acceptorToInitiator().forwarded("5") >= 1, "Logout handshake");
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }
}
