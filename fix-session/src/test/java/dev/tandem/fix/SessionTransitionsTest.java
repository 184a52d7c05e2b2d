package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.test.Tests;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * FixSession's state transitions, one by one: each valid one driven by a real counterparty over loopback (or called on
 * the duty-cycle thread of a real session) with its effect on the session and the journal; each forbidden one throws
 * IllegalStateException naming the session and the values, and changes nothing.
 */
@Timeout(60)
class SessionTransitionsTest
{
    private static final long TW44 = new SessionConfig().senderCompId("ISLD").targetCompId("TW44").sessionId();
    private static final long TW = new SessionConfig().senderCompId("ISLD").targetCompId("TW").sessionId();

    private AcceptorFixture fixture;
    private Path initiatorDir;
    private Journal initiatorJournal;
    private FixInitiator initiator;
    private ServerSocket silentAcceptor;

    @AfterEach
    void tearDown() throws IOException
    {
        if (initiator != null)
        {
            initiator.close();
            initiatorJournal.close();
            Tests.deleteRecursively(initiatorDir);
        }
        if (silentAcceptor != null)
        {
            silentAcceptor.close();
        }
        if (fixture != null)
        {
            fixture.close();
        }
    }

    // -- acceptor side: the fixture's acceptor runs on its own thread; session calls go through execute() ----------

    @Test
    void logonReceivedBindsTheConnectionAndLoadsSequenceNumbersFromTheJournal()
    {
        fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        try (RawFixClient client = fixture.logon())
        {
            order(client, 2, "A");
            onDutyCycle(() ->
            {
                final FixSession session = tw44();
                assertEquals(SessionState.LOGGED_ON, session.state());
                assertNotNull(session.connection());
                assertEquals(3, session.nextSenderSeqNum());
                assertEquals(3, session.nextTargetSeqNum());
                return null;
            });
            client.send("35=5|34=3|49=TW44|52=<TIME>|56=ISLD|");
            assertEquals("5", RawFixClient.field(client.receive(), 35));
            client.expectDisconnect();
        }
        awaitOnDutyCycle("TW44 disconnected", () -> tw44().state() == SessionState.DISCONNECTED);
        // the next Logon loads what the journal holds: our Logon reply is 34=4
        try (RawFixClient client = fixture.client())
        {
            client.send("35=A|34=4|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            final String logon = client.receive();
            assertEquals("A", RawFixClient.field(logon, 35), logon);
            assertEquals("4", RawFixClient.field(logon, 34), logon);
        }
    }

    @Test
    void logonReceivedOnABoundSessionThrows()
    {
        fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        try (RawFixClient client = fixture.logon())
        {
            final IllegalStateException ex = expectInvalid("logonReceived",
                () -> tw44().logonReceived(tw44().connection(), true));
            assertTrue(ex.getMessage().contains("state=LOGGED_ON"), ex.getMessage());
            assertEquals(2, fixture.journal.nextSenderSeqNum(TW44), "a refused reset journals nothing");
            assertEquals(2, fixture.journal.nextTargetSeqNum(TW44));
            order(client, 2, "A");
        }
    }

    @Test
    void logonCompletedWithoutAConnectionOrTwiceThrows()
    {
        fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        expectInvalid("logonCompleted", () -> tw().logonCompleted(30_000_000_000L));
        assertEquals(SessionState.DISCONNECTED, onDutyCycle(() -> tw().state()));
        try (RawFixClient client = fixture.logon())
        {
            expectInvalid("logonCompleted", () -> tw44().logonCompleted(30_000_000_000L));
            order(client, 2, "A");
        }
    }

    @Test
    void targetAdvancedJournalsTheExpectedMessageAndRefusesAnyOther()
    {
        fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        try (RawFixClient client = fixture.logon())
        {
            final FixDecoder tooHigh = decoder("35=0|34=3|49=TW44|52=<TIME>|56=ISLD|");
            final IllegalStateException ex = expectInvalid("targetAdvanced", () -> tw44().targetAdvanced(tooHigh));
            assertTrue(ex.getMessage().contains("targetAdvanced(3)"), ex.getMessage());
            assertTrue(ex.getMessage().contains("nextTargetSeqNum=2"), ex.getMessage());
            final FixDecoder tooLow = decoder("35=0|34=1|49=TW44|52=<TIME>|56=ISLD|");
            expectInvalid("targetAdvanced", () -> tw44().targetAdvanced(tooLow));
            assertEquals(2, fixture.journal.nextTargetSeqNum(TW44), "nothing journaled");

            final FixDecoder expected = decoder("35=0|34=2|49=TW44|52=<TIME>|56=ISLD|");
            assertEquals(3, (int)onDutyCycle(() ->
            {
                tw44().targetAdvanced(expected);
                return tw44().nextTargetSeqNum();
            }));
            assertEquals(3, fixture.journal.nextTargetSeqNum(TW44));
            order(client, 3, "A");
        }
    }

    @Test
    void gapFilledAndSequenceResetMoveTheTargetForwardOnly()
    {
        fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=4|34=2|49=TW44|52=<TIME>|56=ISLD|36=5|123=Y|");
            awaitOnDutyCycle("GapFill to 5", () -> tw44().nextTargetSeqNum() == 5);
            assertEquals(5, fixture.journal.nextTargetSeqNum(TW44));
            client.send("35=4|34=5|49=TW44|52=<TIME>|56=ISLD|36=9|");
            awaitOnDutyCycle("SequenceReset to 9", () -> tw44().nextTargetSeqNum() == 9);
            assertEquals(9, fixture.journal.nextTargetSeqNum(TW44));

            expectInvalid("gapFilled", () -> tw44().gapFilled(9));
            expectInvalid("gapFilled", () -> tw44().gapFilled(FixContext.MAX_MSG_SEQ_NUM + 1));
            expectInvalid("sequenceReset", () -> tw44().sequenceReset(4));
            expectInvalid("sequenceReset", () -> tw().sequenceReset(2));
            assertEquals(9, fixture.journal.nextTargetSeqNum(TW44), "nothing journaled");
            assertEquals(1, fixture.journal.nextTargetSeqNum(TW));
            order(client, 9, "A");
        }
    }

    @Test
    void seqNumsResetWhileLoggedOnStartsBothAtOneAndIsRefusedOtherwise()
    {
        fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        expectInvalid("seqNumsReset", () -> tw().seqNumsReset());
        try (RawFixClient client = fixture.logon())
        {
            order(client, 2, "A");
            assertEquals(3, fixture.journal.nextSenderSeqNum(TW44));
            onDutyCycle(() ->
            {
                tw44().seqNumsReset();
                assertEquals(1, tw44().nextSenderSeqNum());
                assertEquals(1, tw44().nextTargetSeqNum());
                return null;
            });
            assertEquals(1, fixture.journal.nextSenderSeqNum(TW44));
            assertEquals(1, fixture.journal.nextTargetSeqNum(TW44));
        }
    }

    @Test
    void senderSkippedOnLogonJournalsTheSkipAndIsRefusedOnceLoggedOn()
    {
        fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        try (RawFixClient client = fixture.client())
        {
            // the counterparty saw our messages up to 4, which this journal never held
            client.send("35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|789=5|");
            final String logon = client.receive();
            assertEquals("5", RawFixClient.field(logon, 34), logon);
            assertEquals(4, (long)onDutyCycle(() -> tw44().outboundSkipped()));
            assertEquals(6, fixture.journal.nextSenderSeqNum(TW44));

            expectInvalid("senderSkipped", () -> tw44().senderSkipped(100));
            assertEquals(6, fixture.journal.nextSenderSeqNum(TW44), "nothing journaled");
            order(client, 2, "A");
        }
    }

    @Test
    void senderAdvancesOnEveryCommit()
    {
        fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        try (RawFixClient client = fixture.logon())
        {
            for (int i = 2; i < 6; i++)
            {
                order(client, i, "O" + i);
                assertEquals(i + 1, fixture.journal.nextSenderSeqNum(TW44));
            }
            assertEquals(6, (int)onDutyCycle(() -> tw44().nextSenderSeqNum()));
        }
    }

    @Test
    void logoutSentAwaitsTheReplyAndDisconnectedKeepsTheSequenceNumbers()
    {
        fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        try (RawFixClient client = fixture.logon())
        {
            order(client, 2, "A");
            assertEquals(SessionState.LOGOUT_SENT, onDutyCycle(() ->
            {
                tw44().logout();
                return tw44().state();
            }));
            final String logout = client.receive();
            assertEquals("5", RawFixClient.field(logout, 35), logout);
            client.send("35=5|34=3|49=TW44|52=<TIME>|56=ISLD|");
            client.expectDisconnect();
        }
        awaitOnDutyCycle("disconnected", () -> tw44().state() == SessionState.DISCONNECTED);
        onDutyCycle(() ->
        {
            assertNull(tw44().connection());
            assertFalse(tw44().isLoggedOn());
            assertEquals(4, tw44().nextSenderSeqNum());
            assertEquals(4, tw44().nextTargetSeqNum());
            tw44().disconnect();   // without a connection: nothing to do
            assertEquals(SessionState.DISCONNECTED, tw44().state());
            return null;
        });
        assertEquals(4, fixture.journal.nextSenderSeqNum(TW44));
        assertEquals(4, fixture.journal.nextTargetSeqNum(TW44));
    }

    @Test
    void disconnectingOnlyOnceAndNoLogoutFromThere()
    {
        fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        try (RawFixClient client = fixture.logon())
        {
            final String failures = onDutyCycle(() ->
            {
                final FixSession session = tw44();
                session.logoutAndDisconnect("closing");
                assertEquals(SessionState.DISCONNECTING, session.state());
                final int next = session.nextSenderSeqNum();
                final StringBuilder refused = new StringBuilder();
                refused.append(invalid(session::beginDisconnecting, "disconnecting"));
                refused.append(invalid(() -> session.logoutAndDisconnect("again"), "disconnecting"));
                refused.append(invalid(() -> session.initiateLogout("again"), "logoutSent"));
                assertEquals(next, session.nextSenderSeqNum(), "no second Logout was sent");
                return refused.toString();
            });
            assertEquals("", failures);
            final String logout = client.receive();
            assertEquals("5", RawFixClient.field(logout, 35), logout);
            assertEquals("closing", RawFixClient.field(logout, 58));
            client.expectDisconnect();
        }
    }

    // -- initiator side: stepped by hand on the test thread against an acceptor that never answers ----------------

    @Test
    void logonSentBindsAndWaitsAndForbidsWhatOnlyALoggedOnSessionMayDo() throws IOException
    {
        startInitiatorAgainstSilentAcceptor();
        final FixSession session = initiator.session();
        step("Logon sent", () -> session.state() == SessionState.LOGON_SENT);
        assertNotNull(session.connection());
        assertEquals(2, session.nextSenderSeqNum(), "our Logon is 1");
        assertEquals(1, session.nextTargetSeqNum());
        assertEquals(2, initiatorJournal.nextSenderSeqNum(session.sessionId()));

        expectThrown("logonSent", () -> session.logonSent(session.connection()));
        expectThrown("logoutSent", () -> session.initiateLogout("not logged on"));
        expectThrown("senderSkipped", () -> session.senderSkipped(2));
        expectThrown("senderSkipped", () -> session.senderSkipped(1));
        expectThrown("seqNumsReset", session::seqNumsReset);
        assertEquals(SessionState.LOGON_SENT, session.state());
        assertEquals(2, initiatorJournal.nextSenderSeqNum(session.sessionId()), "nothing sent or journaled");
    }

    @Test
    void senderAdvancedStopsBeforeTheLargestMsgSeqNumOverflows() throws IOException
    {
        startInitiatorAgainstSilentAcceptor();
        final FixSession session = initiator.session();
        step("Logon sent", () -> session.state() == SessionState.LOGON_SENT);
        session.senderSkipped(FixContext.MAX_MSG_SEQ_NUM);
        assertEquals(FixContext.MAX_MSG_SEQ_NUM, session.nextSenderSeqNum());

        assertTrue(session.admin.beginAdmin('0'));
        assertTrue(session.commit() > 0, "the largest MsgSeqNum is still sent");
        assertEquals(FixContext.MAX_MSG_SEQ_NUM + 1, session.nextSenderSeqNum());
        assertTrue(session.admin.beginAdmin('0'));
        expectThrown("senderAdvanced", session::commit);
        assertEquals(FixContext.MAX_MSG_SEQ_NUM + 1, session.nextSenderSeqNum());
        assertEquals(FixContext.MAX_MSG_SEQ_NUM + 1, initiatorJournal.nextSenderSeqNum(session.sessionId()));
    }

    // ---------------------------------------------------------------------------------------------------------------

    private FixSession tw44()
    {
        return fixture.acceptor.session(TW44);
    }

    private FixSession tw()
    {
        return fixture.acceptor.session(TW);
    }

    /** Sends order {@code clOrdId} with {@code msgSeqNum} and checks the echo arrives. */
    private static void order(final RawFixClient client, final int msgSeqNum, final String clOrdId)
    {
        client.send("35=D|34=" + msgSeqNum + "|49=TW44|52=<TIME>|56=ISLD|11=" + clOrdId +
            "|21=3|40=1|54=1|55=INTC|60=<TIME>|");
        final String echo = client.receive();
        assertEquals("D", RawFixClient.field(echo, 35), echo);
        assertEquals(clOrdId, RawFixClient.field(echo, 11), echo);
    }

    private static FixDecoder decoder(final String fields)
    {
        final byte[] bytes = RawFixClient.encode("FIX.4.4", fields);
        final FixDecoder decoder = new FixDecoder(64);
        assertEquals(FixDecoder.OK, decoder.wrap(new UnsafeBuffer(bytes), 0, bytes.length));
        return decoder;
    }

    /** Runs {@code task} on the acceptor's duty-cycle thread, the only thread a session may be called from. */
    private <T> T onDutyCycle(final Callable<T> task)
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        fixture.acceptor.execute(() ->
        {
            try
            {
                result.complete(task.call());
            }
            catch (final Throwable ex)
            {
                result.completeExceptionally(ex);
            }
        });
        try
        {
            return result.get(10, TimeUnit.SECONDS);
        }
        catch (final java.util.concurrent.ExecutionException ex)
        {
            throw new AssertionError("failed on the duty cycle", ex.getCause());
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    private void awaitOnDutyCycle(final String what, final BooleanSupplier condition)
    {
        Tests.await(what, Duration.ofSeconds(10), () -> onDutyCycle(condition::getAsBoolean));
    }

    /** Runs {@code transition} on the duty cycle and returns the IllegalStateException it must throw. */
    private IllegalStateException expectInvalid(final String name, final Runnable transition)
    {
        return onDutyCycle(() -> expectThrown(name, transition));
    }

    private static IllegalStateException expectThrown(final String name, final Runnable transition)
    {
        try
        {
            transition.run();
        }
        catch (final IllegalStateException ex)
        {
            final String message = ex.getMessage();
            assertTrue(message.contains("transition " + name + "("), message);
            assertTrue(message.contains("FixSession{"), "names the session: " + message);
            assertTrue(message.contains("nextSenderSeqNum=") && message.contains("nextTargetSeqNum="), message);
            return ex;
        }
        return fail("transition " + name + " should have thrown");
    }

    /** "" when {@code transition} throws the IllegalStateException naming {@code name}, else what went wrong. */
    private static String invalid(final Runnable transition, final String name)
    {
        try
        {
            expectThrown(name, transition);
            return "";
        }
        catch (final AssertionError ex)
        {
            return ex.getMessage() + "; ";
        }
    }

    private void startInitiatorAgainstSilentAcceptor() throws IOException
    {
        silentAcceptor = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        initiatorDir = Tests.tempDir("initiator");
        initiatorJournal = Journal.open(new JournalContext().dir(initiatorDir.toString()));
        initiator = FixInitiator.create(new FixContext()
            .addSession(new SessionConfig().senderCompId("TW44").targetCompId("ISLD").heartbeatIntervalSec(30))
            .journal(initiatorJournal)
            .application((buffer, offset, length, session) -> {})
            .errorHandler(Throwable::printStackTrace));
        initiator.connect("127.0.0.1", silentAcceptor.getLocalPort());
        final Thread acceptThread = new Thread(() ->
        {
            try (Socket socket = silentAcceptor.accept())
            {
                // reads and answers nothing until the initiator closes the connection
                final byte[] sink = new byte[1024];
                while (socket.getInputStream().read(sink) >= 0)
                {
                    // drained
                }
            }
            catch (final IOException ignore)
            {
                // closed at tear-down
            }
        }, "silent-acceptor");
        acceptThread.setDaemon(true);
        acceptThread.start();
    }

    /** Runs the initiator's duty cycle on the test thread until the condition holds. */
    private void step(final String what, final BooleanSupplier condition)
    {
        Tests.await(what, Duration.ofSeconds(10), () ->
        {
            initiator.doWork();
            return condition.getAsBoolean();
        });
    }
}
