package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.FixEncoder;
import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.JournalEntry;
import dev.tandem.journal.JournalReader;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.test.Tests;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NextExpectedMsgSeqNum (789) in the Logon: an acceptor whose journal lacks the newest outbound messages the
 * counterparty has already seen (a failover after NeverTimesOut) moves its MsgSeqNum up past them instead of being
 * told "MsgSeqNum too low", and answers a ResendRequest for them with a GapFill. The "behind" journal is built for
 * real: a second journal that received only a prefix of the first one's entries, as replication would have copied.
 */
class NextExpectedMsgSeqNumTest
{
    private static final long TW44 = new SessionConfig().senderCompId("ISLD").targetCompId("TW44").sessionId();

    private AcceptorFixture first;
    private AcceptorFixture second;
    private Path initiatorDir;
    private Journal initiatorJournal;
    private FixInitiator initiator;

    @AfterEach
    void tearDown()
    {
        if (initiator != null)
        {
            initiator.close();
            initiatorJournal.close();
            Tests.deleteRecursively(initiatorDir);
        }
        if (second != null)
        {
            second.close();
        }
        if (first != null)
        {
            first.close();
        }
    }

    @Test
    void shouldMoveUpToNextExpectedAndGapFillTheLostOutboundRange()
    {
        first = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        try (RawFixClient client = first.logon())
        {
            first.acceptor.execute(() ->
            {
                final FixSession session = first.acceptor.sessions().get(0);
                for (int i = 0; i < 10; i++)
                {
                    session.tryClaim("8").putAscii(11, "E" + i).putChar(150, '0')
                    .putAscii(37, "O" + i).putAscii(17, "X" + i).putChar(39, '0').putChar(54, '1').putAscii(55, "INTC")
                    .putInt(151, 0).putInt(14, 0).putInt(6, 0);
                    session.commit();
                }
            });
            for (int seq = 2; seq <= 11; seq++)
            {
                assertEquals(String.valueOf(seq), RawFixClient.field(client.receive(), 34));
            }
        }

        // the second journal got everything up to the acceptor's outbound 6: outbound 7..11 were seen, then lost
        second = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        second.stop();
        copyPrefix(first.journal, second.dir,
            (entry) -> entry.direction() == Direction.OUTBOUND && entry.msgSeqNum() >= 7);
        second.start(false, ReleaseGate.OPEN, (context) -> {});
        assertEquals(7, second.journal.nextSenderSeqNum(TW44));

        try (RawFixClient client = second.client())
        {
            client.send("35=A|34=2|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|789=12|");
            final String logon = client.receive();
            assertEquals("A", RawFixClient.field(logon, 35), logon);
            assertEquals("12", RawFixClient.field(logon, 34), "our Logon continues where the counterparty is");
            assertEquals("3", RawFixClient.field(logon, 789), "789 echoed: the Logon 2 counted");
            assertEquals(5, second.acceptor.lostOutboundOnLogon());
            assertEquals(13, second.journal.nextSenderSeqNum(TW44), "the journal alone says we moved on");

            client.send("35=2|34=3|49=TW44|52=<TIME>|56=ISLD|7=5|16=0|");
            for (int seq = 5; seq <= 6; seq++)
            {
                final String resent = client.receive();
                assertEquals("8", RawFixClient.field(resent, 35), resent);
                assertEquals(String.valueOf(seq), RawFixClient.field(resent, 34));
                assertEquals("Y", RawFixClient.field(resent, 43));
            }
            final String gapFill = client.receive();
            assertEquals("4", RawFixClient.field(gapFill, 35), gapFill);
            assertEquals("7", RawFixClient.field(gapFill, 34));
            assertEquals("Y", RawFixClient.field(gapFill, 123));
            assertEquals("13", RawFixClient.field(gapFill, 36), "the lost range and our Logon filled");

            client.send("35=1|34=4|49=TW44|52=<TIME>|56=ISLD|112=ALIVE|");
            final String heartbeat = client.receive();
            assertEquals("0", RawFixClient.field(heartbeat, 35), heartbeat);
            assertEquals("13", RawFixClient.field(heartbeat, 34));
            assertEquals("ALIVE", RawFixClient.field(heartbeat, 112));
        }
    }

    @Test
    void shouldNotEchoNextExpectedToACounterpartyThatDidNotSendIt()
    {
        first = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        try (RawFixClient client = first.client())
        {
            client.send("35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            final String logon = client.receive();
            assertEquals("A", RawFixClient.field(logon, 35), logon);
            assertEquals(null, RawFixClient.field(logon, 789));
        }
        assertEquals(0, first.acceptor.lostOutboundOnLogon());
    }

    @Test
    void shouldResumeOurInitiatorOnAnAcceptorThatLostTheTailOfBothDirections()
    {
        final Set<String> received = ConcurrentHashMap.newKeySet();
        final CopyOnWriteArrayList<String> events = new CopyOnWriteArrayList<>();
        first = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        second = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        second.stop();
        initiatorDir = Tests.tempDir("initiator");
        initiatorJournal = Journal.open(new JournalContext().dir(initiatorDir.toString()));
        initiator = FixInitiator.create(new FixContext()
            .addSession(new SessionConfig().senderCompId("TW44").targetCompId("ISLD").heartbeatIntervalSec(30))
            .journal(initiatorJournal)
            .application(new FixApplication()
            {
                @Override
                public void onMessage(
                    final DirectBuffer buffer, final int offset, final int length, final FixSession session)
                {
                    final FixDecoder decoder = session.decoder();
                    received.add(decoder.stringValue(11));
                }
            })
            .initiatorListener(new InitiatorListener()
            {
                @Override
                public void onLogonCompleted(final FixSession session, final String host, final int port)
                {
                    events.add("logon " + port);
                }

                @Override
                public void onConnectionFailed(final String host, final int port, final String reason)
                {
                    events.add("failed " + port);
                }

                @Override
                public void onDisconnected(final FixSession session, final String host, final int port)
                {
                    events.add("disconnected " + port);
                }
            }));

        initiator.connect("127.0.0.1", first.port());
        step("logon on the first", () -> events.contains("logon " + first.port()));
        sendOrders("A", 30);
        step("30 echoes", () -> received.size() == 30);
        initiator.session().disconnect();
        final int counterpartyExpects = initiator.session().nextTargetSeqNum();
        final int counterpartySends = initiator.session().nextSenderSeqNum();

        // the second journal lacks the last 20 entries: about ten orders and their ten echoes
        final long cut = first.journal.lastPosition() - 20;
        copyPrefix(first.journal, second.dir, (entry) -> entry.position() > cut);
        second.start(false, ReleaseGate.OPEN, (context) -> {});
        final int secondSender = second.journal.nextSenderSeqNum(TW44);
        assertTrue(secondSender < counterpartyExpects, "the second journal really is behind");
        assertTrue(second.journal.nextTargetSeqNum(TW44) < counterpartySends);

        initiator.connect("127.0.0.1", second.port());
        step("logon on the second", () -> events.contains("logon " + second.port()));
        assertEquals(counterpartyExpects - secondSender, second.acceptor.lostOutboundOnLogon());

        // the orders the second lacks come back by its ResendRequest; the session carries on
        step("the second caught up with the inbound side",
            () -> second.journal.nextTargetSeqNum(TW44) == initiator.session().nextSenderSeqNum());
        assertTrue(second.application.clOrdIds.contains("A29"), "the lost last order came back");
        sendOrders("B", 5);
        step("echoes of new orders", () -> received.size() == 35);
        assertFalse(events.contains("disconnected " + second.port()), events.toString());
        assertEquals(0, second.acceptor.disconnects());
        assertEquals(initiator.session().nextSenderSeqNum(), second.journal.nextTargetSeqNum(TW44));
    }

    private void step(final String what, final BooleanSupplier condition)
    {
        Tests.await(what, Duration.ofSeconds(10), () ->
        {
            initiator.doWork();
            return condition.getAsBoolean();
        });
    }

    private void sendOrders(final String prefix, final int count)
    {
        final FixSession session = initiator.session();
        for (int i = 0; i < count; i++)
        {
            final FixEncoder encoder = session.tryClaim("D");
            encoder.putAscii(11, prefix + i).putChar(21, '3').putChar(40, '1').putChar(54, '1').putAscii(55, "INTC")
                .putTimestampMs(60, System.currentTimeMillis());
            assertTrue(session.commit() > 0);
        }
    }

    /** Copies {@code from}'s entries into a journal in {@code dir} as replication would, up to the first {@code stop}. */
    static void copyPrefix(final Journal from, final Path dir, final Predicate<JournalEntry> stop)
    {
        final UnsafeBuffer wire = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
        final boolean[] stopped = {false};
        try (Journal to = Journal.open(new JournalContext().dir(dir.toString()));
            JournalReader reader = from.reader(1))
        {
            while (!stopped[0] && reader.poll((entry) ->
            {
                if (stopped[0] || stop.test(entry))
                {
                    stopped[0] = true;
                    return;
                }
                wire.putBytes(0, entry.rawBuffer(), entry.rawOffset(), entry.rawLength());
                assertEquals(entry.position(), to.appendReplicated(wire, 0, entry.rawLength()));
            }, 16) > 0)
            {
                // copy
            }
        }
    }
}
