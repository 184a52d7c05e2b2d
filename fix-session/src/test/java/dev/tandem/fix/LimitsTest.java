package dev.tandem.fix;

import dev.tandem.journal.ReleaseGate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.tandem.fix.RawFixClient.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values a counterparty chooses never brick a session: sequence numbers beyond the limits get a Logout or a Reject
 * with the reason and change nothing; long repeating groups are processed, messages over the length limit get a
 * Logout with the reason and their MsgSeqNum is used up, so they are never asked for again; a message the session
 * could not resend is refused at send time, so a repeated ResendRequest is served the same way every time.
 */
class LimitsTest
{
    private static final long TW44 = new SessionConfig().senderCompId("ISLD").targetCompId("TW44").sessionId();

    private AcceptorFixture fixture;

    @BeforeEach
    void setUp()
    {
        fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
    }

    @AfterEach
    void tearDown()
    {
        fixture.close();
    }

    @Test
    void shouldLogoutALogonWhose789IsOutOfBoundsAndChangeNothing()
    {
        int seq = 1;
        for (final String value : List.of("268435455", "200000000", "2147483647", "99999999999", "0"))
        {
            try (RawFixClient client = fixture.client())
            {
                client.send("35=A|34=" + seq++ + "|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|789=" + value + "|");
                final String logout = client.receive();
                assertEquals("5", field(logout, 35), "a Logout without a Logon: " + logout);
                assertTrue(field(logout, 58).contains("NextExpectedMsgSeqNum(789)"), logout);
                client.expectDisconnect();
            }
        }
        assertEquals(0, fixture.acceptor.lostOutboundOnLogon());
        assertTrue(fixture.journal.nextSenderSeqNum(TW44) < 20, "our seq num did not jump");

        fixture.stop();
        fixture.start(false, ReleaseGate.OPEN, (context) -> {});
        final int next = fixture.journal.nextSenderSeqNum(TW44);
        try (RawFixClient client = fixture.client())
        {
            client.send("35=A|34=" + seq + "|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            final String logon = client.receive();
            assertEquals("A", field(logon, 35), logon);
            assertEquals(String.valueOf(next), field(logon, 34), "the journal reopened and the session carries on");
        }
    }

    @Test
    void shouldLogoutAMsgSeqNumWhoseSuccessorWouldOverflow()
    {
        try (RawFixClient client = fixture.client())
        {
            client.send("35=A|34=2147483647|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            final String logout = client.receive();
            assertEquals("5", field(logout, 35), logout);
            assertTrue(field(logout, 58).contains("2147483646"), logout);
        }
        try (RawFixClient client = fixture.client())
        {
            client.send("35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            assertEquals("A", field(client.receive(), 35));
            client.send("35=2|34=2|49=TW44|52=<TIME>|56=ISLD|7=2147483647|16=0|");
            final String reject = client.receive();
            assertEquals("3", field(reject, 35), reject);
            assertEquals("7", field(reject, 371), reject);
            client.send("35=4|34=3|49=TW44|52=<TIME>|56=ISLD|36=2147483647|");
            final String rejectReset = client.receive();
            assertEquals("3", field(rejectReset, 35), rejectReset);
            assertEquals("36", field(rejectReset, 371), rejectReset);
            client.send("35=1|34=3|49=TW44|52=<TIME>|56=ISLD|112=STILL|"); // a Reset does not use up its MsgSeqNum
            assertEquals("STILL", field(client.receive(), 112));
        }
    }

    @Test
    void shouldProcessA1500EntryGroupAndLogoutAnOversizedOneWithoutEverAskingForItAgain()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=D|34=2|49=TW44|52=<TIME>|56=ISLD|11=BIG|" + parties(1_500) +
                "21=3|40=1|54=1|55=INTC|60=<TIME>|");
            final String echo = client.receive();
            assertEquals("D", field(echo, 35), echo.substring(0, 80));
            assertEquals("1500", field(echo, 453));

            client.send("35=D|34=3|49=TW44|52=<TIME>|56=ISLD|11=HUGE|" + parties(10_000) +
                "21=3|40=1|54=1|55=INTC|60=<TIME>|");
            final String logout = client.receive();
            assertEquals("5", field(logout, 35), logout);
            assertTrue(field(logout, 58).contains("MsgSeqNum 3 of ") &&
                field(logout, 58).contains("exceeds maxMessageLengthBytes 65536"), logout);
            client.drainUntilDisconnect();
        }
        assertEquals(1, fixture.acceptor.oversizedMessages());
        assertEquals(4, fixture.journal.nextTargetSeqNum(TW44), "MsgSeqNum 3 is used up");
        try (RawFixClient client = fixture.client())
        {
            client.send("35=A|34=4|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            assertEquals("A", field(client.receive(), 35));
            client.send("35=1|34=5|49=TW44|52=<TIME>|56=ISLD|112=AFTER|");
            final String heartbeat = client.receive();
            assertEquals("0", field(heartbeat, 35), "no ResendRequest for the oversized message: " + heartbeat);
            assertEquals("AFTER", field(heartbeat, 112));
        }
    }

    @Test
    void shouldRefuseToSendWhatCouldNotBeResentSoARepeatedResendRequestIsServedAlike() throws Exception
    {
        try (RawFixClient client = fixture.logon())
        {
            final CompletableFuture<List<Long>> sent = new CompletableFuture<>();
            fixture.acceptor.execute(() ->
            {
                final FixSession session = fixture.acceptor.sessions().get(0);
                final List<Long> statuses = new ArrayList<>();
                statuses.add(session.send("8", new org.agrona.concurrent.UnsafeBuffer(
                    ("58=" + "x".repeat(FixContext.DEFAULT_MAX_MESSAGE_LENGTH_BYTES - 140) + "\u0001").getBytes()),
                    0, FixContext.DEFAULT_MAX_MESSAGE_LENGTH_BYTES - 136));
                for (int i = 0; i < 3; i++)
                {
                    session.tryClaim("8").putAscii(11, "E" + i).putChar(150, '0');
                    statuses.add(session.commit());
                }
                sent.complete(statuses);
            });
            final List<Long> statuses = sent.get(10, TimeUnit.SECONDS);
            assertEquals(FixSession.MESSAGE_TOO_LONG, statuses.get(0), "refused: a resend would not fit");
            for (int seq = 2; seq <= 4; seq++)
            {
                assertEquals(String.valueOf(seq), field(client.receive(), 34));
            }
            int msgSeqNum = 2;
            List<String> first = null;
            for (int round = 0; round < 3; round++)
            {
                client.send("35=2|34=" + msgSeqNum++ + "|49=TW44|52=<TIME>|56=ISLD|7=1|16=0|");
                final List<String> served = new ArrayList<>();
                for (int i = 0; i < 4; i++)
                {
                    final String message = client.receive();
                    served.add(field(message, 35) + ":" + field(message, 34) + ":" + field(message, 43));
                }
                if (first == null)
                {
                    first = served;
                    assertEquals(List.of("4:1:Y", "8:2:Y", "8:3:Y", "8:4:Y"), served);
                }
                assertEquals(first, served, "round " + round);
                client.expectNothing(Duration.ofMillis(200));
            }
        }
    }

    @Test
    void shouldRejectAWellFormedMessageWithMoreFieldsThanIndexedAndCarryOn()
    {
        fixture.close();
        fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> context.maxMessageLengthBytes(1024 * 1024)
            .outboundBufferBytes(4 * 1024 * 1024).inboundQueueBytes(1024 * 1024), 1024 * 1024);
        try (RawFixClient client = fixture.logon())
        {
            // 70,000 group entries of one field each: within the length limit, beyond the 65,536 fields indexed
            client.send("35=D|34=2|49=TW44|52=<TIME>|56=ISLD|11=WIDE|453=70000|" + "448=1|".repeat(70_000) +
                "21=3|40=1|54=1|55=INTC|60=<TIME>|");
            final String reject = client.receive();
            assertEquals("3", field(reject, 35), reject);
            assertEquals("2", field(reject, 45), reject);
            assertEquals("99", field(reject, 373), reject);
            assertTrue(field(reject, 58).startsWith("Message has more than "), reject);
            assertEquals(3, fixture.journal.nextTargetSeqNum(TW44), "its MsgSeqNum is used up");
            client.send("35=1|34=3|49=TW44|52=<TIME>|56=ISLD|112=NEXT|");
            final String heartbeat = client.receive();
            assertEquals("0", field(heartbeat, 35), "no ResendRequest for the rejected message: " + heartbeat);
            assertEquals("NEXT", field(heartbeat, 112));
        }
        assertEquals(0, fixture.application.messages.get(), "not delivered field by field");
    }

    private static String parties(final int count)
    {
        final StringBuilder fields = new StringBuilder("453=").append(count).append('|');
        for (int i = 0; i < count; i++)
        {
            fields.append("448=P").append(i).append("|447=D|452=3|");
        }
        return fields.toString();
    }
}
