package dev.tandem.fix;

import dev.tandem.journal.ReleaseGate;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;

import static dev.tandem.fix.RawFixClient.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Garbage, bad CheckSum, bad BodyLength, oversized messages and silence on a socket get the FIX-prescribed reaction,
 * while another session on the same acceptor keeps working.
 */
class BadInputTest
{
    private AcceptorFixture fixture;

    @BeforeEach
    void setUp()
    {
        fixture = new AcceptorFixture(true, ReleaseGate.OPEN, (context) -> context.maxMessageLengthBytes(1024));
    }

    @AfterEach
    void tearDown()
    {
        fixture.close();
    }

    @Test
    void shouldIgnoreGarbledMessagesAndRequestTheGap()
    {
        try (RawFixClient client = fixture.logon(); RawFixClient other = fixture.logon("TW", 30))
        {
            client.send("8=FIX.4.4|9=52|35=0|34=2|4garbled9=TW|52=<TIME>|56=ISLD|10=0|");
            client.send("35=0|34=2|49=TW44|52=<TIME>|56=ISLD|");
            client.send("8=FIX.4.4|9=81|35=D|34=3|49garbled=TW|52=<TIME>|56=ISLD|11=ID|21=3|40=1|54=1|55=INTC|10=0|");
            assertOtherSessionWorks(other, 2);
            client.send("35=0|34=4|49=TW44|52=<TIME>|56=ISLD|");
            final String resendRequest = client.receive();
            assertEquals("2", field(resendRequest, 35));
            assertEquals("3", field(resendRequest, 7));
            client.send("35=D|34=3|49=TW44|52=<TIME>|56=ISLD|11=ID|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            assertEquals("D", field(client.receive(), 35));
            assertTrue(fixture.acceptor.garbledMessages() >= 2);
        }
    }

    @Test
    void shouldIgnoreWrongChecksum()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=0|34=2|49=TW44|52=<TIME>|56=ISLD|10=256|");
            client.send("35=1|34=2|49=TW44|52=<TIME>|56=ISLD|112=AFTER|");
            final String heartbeat = client.receive();
            assertEquals("AFTER", field(heartbeat, 112));
            assertEquals("2", field(heartbeat, 34));
        }
    }

    @Test
    void shouldIgnoreWrongBodyLengthTooShortAndTooLong()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("8=FIX.4.4|9=30|35=D|34=2|49=TW44|52=<TIME>|56=ISLD|11=ID|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            client.send("35=D|34=3|49=TW44|52=<TIME>|56=ISLD|11=ID|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            final String resendRequest = client.receive();
            assertEquals("2", field(resendRequest, 7));
            client.send("35=D|34=2|49=TW44|52=<TIME>|56=ISLD|122=<TIME>|11=ID|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            assertEquals("3", field(client.receive(), 34));
            assertEquals("4", field(client.receive(), 34));

            // too long: swallows the next message, and both are ignored
            client.send("8=FIX.4.4|9=111|35=D|34=4|49=TW44|52=<TIME>|56=ISLD|11=ID|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            client.send("35=D|34=5|49=TW44|52=<TIME>|56=ISLD|11=ID|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            client.send("35=D|34=4|49=TW44|52=<TIME>|56=ISLD|11=ID|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            client.send("35=D|34=5|49=TW44|52=<TIME>|56=ISLD|11=ID|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            assertEquals("5", field(client.receive(), 34));
            assertEquals("6", field(client.receive(), 34));
            client.send("35=5|34=7|49=TW44|52=<TIME>|56=ISLD|");
            assertEquals("7", field(client.receive(), 34));
        }
    }

    @Test
    void shouldLogoutWithTheReasonOnAnOversizedMessageRatherThanAskForItAgainAndAgain()
    {
        try (RawFixClient client = fixture.logon(); RawFixClient other = fixture.logon("TW", 30))
        {
            client.send("35=D|34=2|49=TW44|52=<TIME>|56=ISLD|58=" + "x".repeat(4000) + "|");
            final String logout = client.receive();
            assertEquals("5", field(logout, 35), logout);
            assertTrue(field(logout, 58).startsWith("Message MsgSeqNum 2 of "), logout);
            assertTrue(field(logout, 58).endsWith("exceeds maxMessageLengthBytes 1024"), logout);
            client.drainUntilDisconnect();
            assertOtherSessionWorks(other, 2);
            assertEquals(1, fixture.acceptor.oversizedMessages());
        }
    }

    @Test
    void shouldIgnoreRandomGarbageBetweenMessages()
    {
        final SplittableRandom random = new SplittableRandom(7);
        try (RawFixClient client = fixture.logon(); RawFixClient other = fixture.logon("TW", 30))
        {
            for (int i = 0; i < 20; i++)
            {
                final byte[] garbage = new byte[random.nextInt(1, 3000)];
                for (int b = 0; b < garbage.length; b++)
                {
                    garbage[b] = (byte)random.nextInt(256);
                }
                client.sendBytes(garbage);
                client.sendBytes("\u0001".getBytes(StandardCharsets.ISO_8859_1));
            }
            assertOtherSessionWorks(other, 2);
            client.send("35=1|34=2|49=TW44|52=<TIME>|56=ISLD|112=ALIVE|");
            assertEquals("ALIVE", field(client.receive(), 112));
        }
    }

    @Test
    void shouldCloseConnectionThatSendsOnlyGarbageBeforeLogon()
    {
        try (RawFixClient client = fixture.client(); RawFixClient other = fixture.logon("TW", 30))
        {
            client.sendBytes("this is not FIX at all\u0001".getBytes(StandardCharsets.ISO_8859_1));
            fixture.nanoClock.advanceMs(FixContext.DEFAULT_LOGON_TIMEOUT_MS + 1_000);
            client.expectDisconnect();
            // the jump also makes the other session's heartbeat due: it must keep working regardless
            other.send("35=1|34=2|49=TW|52=<TIME>|56=ISLD|112=OTHER|");
            String message;
            do
            {
                message = other.receive();
            }
            while (!"OTHER".equals(field(message, 112)));
        }
    }

    @Test
    void shouldSendTestRequestThenDisconnectAfterHalfMessageAndSilence()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.sendBytes("8=FIX.4.4\u00019=80\u000135=D\u000134=2\u0001".getBytes(StandardCharsets.ISO_8859_1));
            client.expectNothing(Duration.ofMillis(200));
            fixture.nanoClock.advanceMs(37_000);
            final String testRequest = client.receive();
            assertEquals("1", field(testRequest, 35));
            assertEquals("TEST", field(testRequest, 112));
            fixture.nanoClock.advanceMs(37_000);
            client.drainUntilDisconnect();
            Tests.await("logout callback", Duration.ofSeconds(10), () -> fixture.application.logouts.get() == 1);
        }
    }

    @Test
    void shouldSendHeartbeatOnSilenceAndTestRequestThenDisconnect()
    {
        try (RawFixClient client = fixture.logon("TW44", 6))
        {
            fixture.nanoClock.advanceMs(6_100);
            final String heartbeat = client.receive();
            assertEquals("0", field(heartbeat, 35));
            assertEquals("2", field(heartbeat, 34));
            // a round trip, so the acceptor has seen our message before the clock jumps again
            client.send("35=1|34=2|49=TW44|52=<TIME>|56=ISLD|112=SYNC|");
            assertEquals("SYNC", field(client.receive(), 112));
            fixture.nanoClock.advanceMs(7_300);
            final String testRequest = client.receive();
            assertEquals("1", field(testRequest, 35));
            assertEquals("TEST", field(testRequest, 112));
            client.send("35=0|34=3|49=TW44|52=<TIME>|56=ISLD|112=TEST|");
            client.send("35=1|34=4|49=TW44|52=<TIME>|56=ISLD|112=SYNC2|");
            assertEquals("SYNC2", field(client.receive(), 112));
            fixture.nanoClock.advanceMs(7_300);
            assertEquals("1", field(client.receive(), 35));
            fixture.nanoClock.advanceMs(7_300);
            client.drainUntilDisconnect();
        }
    }

    private static void assertOtherSessionWorks(final RawFixClient other, final int seq)
    {
        other.send("35=1|34=" + seq + "|49=TW|52=<TIME>|56=ISLD|112=OTHER" + seq + "|");
        assertEquals("OTHER" + seq, field(other.receive(), 112));
    }
}
