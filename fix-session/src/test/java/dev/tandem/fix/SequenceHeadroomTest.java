package dev.tandem.fix;

import dev.tandem.journal.Direction;
import dev.tandem.journal.ReleaseGate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sequence headroom: an acceptor activated on a journal that may lack up to {@code lostOutboundBound} outbound
 * messages the counterparty saw moves its next MsgSeqNum past all of them at the first Logon without
 * NextExpectedMsgSeqNum (789), once, journaled; the counterparty sees a gap, never "MsgSeqNum too low". The behind
 * journal is a real prefix of another acceptor's journal, copied as replication would.
 */
class SequenceHeadroomTest
{
    private static final long TW44 = new SessionConfig().senderCompId("ISLD").targetCompId("TW44").sessionId();
    private static final int BOUND = 100;

    private AcceptorFixture first;
    private AcceptorFixture second;

    @AfterEach
    void tearDown()
    {
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
    void shouldSkipTheBoundOnceAtTheFirstLogonWithout789AndGapFillTheSkippedRange()
    {
        secondLacksOutboundFrom7(BOUND);
        try (RawFixClient client = second.client())
        {
            client.send("35=A|34=2|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            final String logon = client.receive();
            assertEquals("A", RawFixClient.field(logon, 35), logon);
            assertEquals(String.valueOf(7 + BOUND), RawFixClient.field(logon, 34), "our Logon is past the headroom");
            assertNull(RawFixClient.field(logon, 789));
            assertEquals(BOUND, second.acceptor.outboundSkippedByHeadroom());
            assertEquals(BOUND, second.acceptor.sessions().get(0).outboundSkipped());
            assertEquals(0, second.acceptor.lostOutboundOnLogon());
            assertEquals(8 + BOUND, second.journal.nextSenderSeqNum(TW44), "the skip is journaled");

            // the counterparty (which had 1..11) asks from 12: the skipped range and our Logon are one GapFill
            client.send("35=2|34=3|49=TW44|52=<TIME>|56=ISLD|7=12|16=0|");
            final String gapFill = client.receive();
            assertEquals("4", RawFixClient.field(gapFill, 35), gapFill);
            assertEquals("12", RawFixClient.field(gapFill, 34));
            assertEquals("Y", RawFixClient.field(gapFill, 123));
            assertEquals(String.valueOf(8 + BOUND), RawFixClient.field(gapFill, 36));
            client.send("35=1|34=4|49=TW44|52=<TIME>|56=ISLD|112=ALIVE|");
            final String heartbeat = client.receive();
            assertEquals("0", RawFixClient.field(heartbeat, 35), heartbeat);
            assertEquals(String.valueOf(8 + BOUND), RawFixClient.field(heartbeat, 34));
            client.send("35=5|34=5|49=TW44|52=<TIME>|56=ISLD|");
            assertEquals("5", RawFixClient.field(client.receive(), 35));
        }
        dev.tandem.test.Tests.await("the application heard of the skip", java.time.Duration.ofSeconds(10), () -> second.application.skipped.size() == 1);
        assertEquals(List.of("TW44 7.." + (6 + BOUND)), second.application.skipped);

        // a second Logon to the same acceptor (same activation) uses no headroom
        final int next = second.journal.nextSenderSeqNum(TW44);
        try (RawFixClient client = second.client())
        {
            client.send("35=A|34=6|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            final String logon = client.receive();
            assertEquals(String.valueOf(next), RawFixClient.field(logon, 34), logon);
        }
        assertEquals(BOUND, second.acceptor.outboundSkippedByHeadroom());

        // a restart on its own journal (bound 0: nothing can be lost) carries on from the journaled skip
        second.stop();
        second.start(false, ReleaseGate.OPEN, (context) -> {});
        try (RawFixClient client = second.client())
        {
            client.send("35=A|34=7|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            final String logon = client.receive();
            assertEquals(String.valueOf(next + 1), RawFixClient.field(logon, 34), logon);
        }
        assertEquals(0, second.acceptor.outboundSkippedByHeadroom());
    }

    @Test
    void shouldTakeTheExactPathWhenTheLogonCarries789()
    {
        secondLacksOutboundFrom7(BOUND);
        try (RawFixClient client = second.client())
        {
            client.send("35=A|34=2|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|789=12|");
            final String logon = client.receive();
            assertEquals("12", RawFixClient.field(logon, 34), logon);
            assertEquals(5, second.acceptor.lostOutboundOnLogon());
            assertEquals(0, second.acceptor.outboundSkippedByHeadroom());
        }
        dev.tandem.test.Tests.await("the application heard of the skip", java.time.Duration.ofSeconds(10), () -> second.application.skipped.size() == 1);
        assertEquals(List.of("TW44 7..11"), second.application.skipped);
        try (RawFixClient client = second.client())
        {
            client.send("35=A|34=4|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            final String logon = client.receive();
            assertEquals("13", RawFixClient.field(logon, 34), "the headroom was used up by the exact path");
        }
    }

    @Test
    void shouldChangeNothingWithBoundZero()
    {
        secondLacksOutboundFrom7(0);
        try (RawFixClient client = second.client())
        {
            client.send("35=A|34=2|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            final String logon = client.receive();
            assertEquals("7", RawFixClient.field(logon, 34), logon);
        }
        assertEquals(0, second.acceptor.outboundSkippedByHeadroom());
        assertTrue(second.application.skipped.isEmpty());
    }

    @Test
    void shouldGiveAFix42SessionTheHeadroomSinceFix42HasNo789()
    {
        final SessionConfig fix42 = new SessionConfig().beginString(SessionConfig.FIX42)
            .senderCompId("ISLD").targetCompId("TW42").resetOnLogon(false);
        first = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> context.addSession(fix42));
        try (RawFixClient client = new RawFixClient(first.port(), SessionConfig.FIX42))
        {
            client.send("35=A|34=1|49=TW42|52=<TIME>|56=ISLD|98=0|108=30|");
            assertEquals("1", RawFixClient.field(client.receive(), 34));
            first.acceptor.execute(() ->
            {
                final FixSession session = first.acceptor.sessions().get(2);
                for (int i = 0; i < 10; i++)
                {
                    session.tryClaim("8").putAscii(11, "E" + i).putChar(150, '0');
                    session.commit();
                }
            });
            for (int seq = 2; seq <= 11; seq++)
            {
                assertEquals(String.valueOf(seq), RawFixClient.field(client.receive(), 34));
            }
        }
        final long tw42 = fix42.sessionId();
        second = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> context.addSession(fix42));
        second.stop();
        NextExpectedMsgSeqNumTest.copyPrefix(first.journal, second.dir, (entry) -> entry.sessionId() == tw42 &&
            entry.direction() == Direction.OUTBOUND && entry.msgSeqNum() >= 7);
        second.start(false, ReleaseGate.OPEN, (context) -> context.addSession(fix42).lostOutboundBound(BOUND));
        try (RawFixClient client = new RawFixClient(second.port(), SessionConfig.FIX42))
        {
            client.send("35=A|34=2|49=TW42|52=<TIME>|56=ISLD|98=0|108=30|");
            final String logon = client.receive();
            assertEquals(String.valueOf(7 + BOUND), RawFixClient.field(logon, 34), logon);
            client.send("35=2|34=3|49=TW42|52=<TIME>|56=ISLD|7=12|16=0|");
            final String gapFill = client.receive();
            assertEquals("4", RawFixClient.field(gapFill, 35), gapFill);
            assertEquals("12", RawFixClient.field(gapFill, 34));
            assertEquals(String.valueOf(8 + BOUND), RawFixClient.field(gapFill, 36));
        }
        assertEquals(BOUND, second.acceptor.sessions().get(2).outboundSkipped());
        assertEquals(0, second.acceptor.sessions().get(0).outboundSkipped(), "other sessions untouched");
    }

    @Test
    void shouldRefuseABoundBeyondTheLargestSkip()
    {
        final IllegalArgumentException ex = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> new AcceptorFixture(false, ReleaseGate.OPEN,
                (context) -> context.lostOutboundBound(2_000_000)));
        assertTrue(ex.getMessage().startsWith("lostOutboundBound=2000000"), ex.getMessage());
    }

    /** first sent 2..11 to TW44; second holds first's journal up to outbound 6 and starts with {@code bound}. */
    private void secondLacksOutboundFrom7(final int bound)
    {
        first = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        try (RawFixClient client = first.logon())
        {
            first.acceptor.execute(() ->
            {
                final FixSession session = first.acceptor.sessions().get(0);
                for (int i = 0; i < 10; i++)
                {
                    session.tryClaim("8").putAscii(11, "E" + i).putChar(150, '0');
                    session.commit();
                }
            });
            for (int seq = 2; seq <= 11; seq++)
            {
                assertEquals(String.valueOf(seq), RawFixClient.field(client.receive(), 34));
            }
        }
        second = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        second.stop();
        NextExpectedMsgSeqNumTest.copyPrefix(first.journal, second.dir,
            (entry) -> entry.direction() == Direction.OUTBOUND && entry.msgSeqNum() >= 7);
        second.start(false, ReleaseGate.OPEN, (context) -> context.lostOutboundBound(bound));
        assertEquals(7, second.journal.nextSenderSeqNum(TW44));
    }
}
