package dev.tandem.fix;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.tandem.fix.RawFixClient.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Session rules of the acceptor over real loopback sockets, one rule per test. */
class AcceptorSessionTest
{
    private AcceptorFixture fixture;

    @BeforeEach
    void setUp()
    {
        fixture = new AcceptorFixture();
    }

    @AfterEach
    void tearDown()
    {
        fixture.close();
    }

    @Test
    void shouldAnswerValidLogonAndLogout()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=5|34=2|49=TW44|52=<TIME>|56=ISLD|");
            final String logout = client.receive();
            assertEquals("5", field(logout, 35));
            assertEquals("2", field(logout, 34));
            assertEquals("ISLD", field(logout, 49));
            assertEquals("TW44", field(logout, 56));
            client.expectDisconnect();
        }
    }

    @Test
    void shouldEchoHeartBtIntAndHeaderInLogonReply()
    {
        try (RawFixClient client = fixture.client())
        {
            client.send("35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=7|");
            final String reply = client.receive();
            assertTrue(reply.startsWith("8=FIX.4.4|9="), reply);
            assertTrue(reply.contains("|35=A|34=1|49=ISLD|52="), reply);
            assertEquals("7", field(reply, 108));
            assertEquals("0", field(reply, 98));
            assertNull(field(reply, 141));
        }
    }

    @Test
    void shouldDisconnectLogonWithUnknownCompIdWithoutReply()
    {
        try (RawFixClient client = fixture.client())
        {
            client.send("35=A|34=1|49=WT|52=<TIME>|56=ISLD|98=0|108=30|");
            client.expectDisconnect();
        }
    }

    @Test
    void shouldDisconnectLogonWithWrongBeginString()
    {
        try (RawFixClient client = new RawFixClient(fixture.port(), "FIX.3.9"))
        {
            client.send("35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            client.expectDisconnect();
        }
    }

    @Test
    void shouldDisconnectWhenFirstMessageIsNotLogon()
    {
        try (RawFixClient client = fixture.client())
        {
            client.send("35=0|34=1|49=TW44|52=<TIME>|56=DLSI|");
            client.expectDisconnect();
        }
    }

    @Test
    void shouldRefuseSecondLogonAndKeepFirstSession()
    {
        try (RawFixClient first = fixture.logon(); RawFixClient second = fixture.client())
        {
            second.send("35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            second.expectDisconnect();
            first.send("35=1|34=2|49=TW44|52=<TIME>|56=ISLD|112=STILL|");
            final String heartbeat = first.receive();
            assertEquals("0", field(heartbeat, 35));
            assertEquals("STILL", field(heartbeat, 112));
        }
    }

    @Test
    void shouldRefuseLogonsWhenDisabled()
    {
        fixture.acceptor.logonsEnabled(false);
        try (RawFixClient client = fixture.client())
        {
            client.send("35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            client.expectDisconnect();
        }
        fixture.acceptor.logonsEnabled(true);
        try (RawFixClient client = fixture.logon())
        {
            assertEquals(1, fixture.application.logons.get());
        }
    }

    @Test
    void shouldAnswerTestRequestWithHeartbeat()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=1|34=2|49=TW44|52=<TIME>|56=ISLD|112=HELLO|");
            final String heartbeat = client.receive();
            assertEquals("0", field(heartbeat, 35));
            assertEquals("2", field(heartbeat, 34));
            assertEquals("HELLO", field(heartbeat, 112));
        }
    }

    @Test
    void shouldRequestResendOnLogonWithSeqNumTooHigh()
    {
        try (RawFixClient client = fixture.client())
        {
            client.send("35=A|34=5|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            assertEquals("A", field(client.receive(), 35));
            final String resendRequest = client.receive();
            assertEquals("2", field(resendRequest, 35));
            assertEquals("1", field(resendRequest, 7));
            assertEquals("0", field(resendRequest, 16));
            client.send("35=5|34=6|49=TW44|52=<TIME>|56=ISLD|");
            final String logout = client.receive();
            assertEquals("5", field(logout, 35));
            assertEquals("3", field(logout, 34));
            client.expectDisconnect();
        }
    }

    @Test
    void shouldRequestResendAndQueueWhenSeqNumTooHigh()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=0|34=2|49=TW44|52=<TIME>|56=ISLD|");
            client.send("35=0|34=5|49=TW44|52=<TIME>|56=ISLD|");
            final String resendRequest = client.receive();
            assertEquals("2", field(resendRequest, 35));
            assertEquals("3", field(resendRequest, 7));
            assertEquals("0", field(resendRequest, 16));
            client.send("35=0|34=3|49=TW44|52=<TIME>|56=ISLD|");
            client.send("35=0|34=4|49=TW44|52=<TIME>|56=ISLD|");
            // 5 was held and is processed now, so 6 is in sequence
            client.send("35=1|34=6|49=TW44|52=<TIME>|56=ISLD|112=AFTER|");
            final String heartbeat = client.receive();
            assertEquals("AFTER", field(heartbeat, 112));
            assertEquals(7, fixture.journal.nextTargetSeqNum(new SessionConfig()
                .senderCompId("ISLD").targetCompId("TW44").sessionId()));
        }
    }

    @Test
    void shouldLogoutAndDisconnectWhenSeqNumTooLowWithoutPossDup()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=0|34=2|49=TW44|52=<TIME>|56=ISLD|");
            client.send("35=0|34=3|49=TW44|52=<TIME>|56=ISLD|");
            client.send("35=0|34=2|49=TW44|52=<TIME>|56=ISLD|");
            final String logout = client.receive();
            assertEquals("5", field(logout, 35));
            assertEquals("MsgSeqNum too low, expecting 4 but received 2", field(logout, 58));
            client.expectDisconnect();
        }
    }

    @Test
    void shouldIgnorePossDupAlreadyReceived()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=0|34=2|49=TW44|52=<TIME>|56=ISLD|");
            client.send("35=0|34=2|49=TW44|52=<TIME>|122=<TIME>|56=ISLD|43=Y|");
            client.send("35=1|34=3|49=TW44|52=<TIME>|56=ISLD|112=OK|");
            assertEquals("OK", field(client.receive(), 112));
        }
    }

    @Test
    void shouldRejectAndLogoutWhenOrigSendingTimeAfterSendingTime()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=D|34=2|49=TW44|52=<TIME>|56=ISLD|11=ID|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            assertEquals("D", field(client.receive(), 35));
            client.send("35=D|34=2|49=TW44|52=<TIME>|56=ISLD|43=Y|122=<TIME+10>|11=ID|21=3|40=1|54=1|55=INTC|");
            final String reject = client.receive();
            assertEquals("3", field(reject, 35));
            assertEquals("2", field(reject, 45));
            assertEquals("D", field(reject, 372));
            assertEquals("10", field(reject, 373));
            assertEquals("5", field(client.receive(), 35));
            client.send("35=5|34=3|49=TW44|52=<TIME>|56=ISLD|");
            client.expectDisconnect();
        }
    }

    @Test
    void shouldRejectAndLogoutOnWrongCompId()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=D|34=2|49=WT|52=<TIME>|56=ISLD|11=ID|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            final String reject = client.receive();
            assertEquals("3", field(reject, 35));
            assertEquals("9", field(reject, 373));
            assertEquals("5", field(client.receive(), 35));
            client.send("35=5|34=3|49=TW44|52=<TIME>|56=ISLD|");
            client.expectDisconnect();
        }
    }

    @Test
    void shouldRejectAndLogoutOnSendingTimeOutOfTolerance()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=0|34=2|49=TW44|52=<TIME-600>|56=ISLD|");
            assertEquals("10", field(client.receive(), 373));
            assertEquals("5", field(client.receive(), 35));
        }
    }

    @Test
    void shouldApplyGapFillAndSequenceReset()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=4|34=2|49=TW44|52=<TIME>|56=ISLD|36=20|123=Y|");
            client.send("35=1|34=20|49=TW44|52=<TIME>|56=ISLD|112=A|");
            assertEquals("A", field(client.receive(), 112));
            client.send("35=4|34=0|49=TW44|52=<TIME>|56=ISLD|36=50|");
            client.send("35=1|34=50|49=TW44|52=<TIME>|56=ISLD|112=B|");
            assertEquals("B", field(client.receive(), 112));
            client.send("35=4|34=0|49=TW44|52=<TIME>|56=ISLD|36=1|");
            final String reject = client.receive();
            assertEquals("3", field(reject, 35));
            assertEquals("0", field(reject, 45));
            assertEquals("4", field(reject, 372));
            assertEquals("5", field(reject, 373));
            client.send("35=1|34=51|49=TW44|52=<TIME>|56=ISLD|112=C|");
            assertEquals("C", field(client.receive(), 112));
        }
    }

    @Test
    void shouldResendApplicationMessagesAndGapFillAdminMessages()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=1|34=2|49=TW44|52=<TIME>|56=ISLD|112=HELLO|");
            client.receive(); // 2 heartbeat
            client.send("35=D|34=3|49=TW44|52=<TIME>|56=ISLD|11=ID|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            final String original = client.receive(); // 3 echo
            client.send("35=1|34=4|49=TW44|52=<TIME>|56=ISLD|112=HELLO|");
            client.receive(); // 4 heartbeat

            client.send("35=2|34=5|49=TW44|52=<TIME>|56=ISLD|7=1|16=0|");
            final String gapFill = client.receive();
            assertEquals("4", field(gapFill, 35));
            assertEquals("1", field(gapFill, 34));
            assertEquals("3", field(gapFill, 36));
            assertEquals("Y", field(gapFill, 123));
            assertEquals("Y", field(gapFill, 43));
            final String resent = client.receive();
            assertEquals("D", field(resent, 35));
            assertEquals("3", field(resent, 34));
            assertEquals("Y", field(resent, 43));
            assertEquals(field(original, 52), field(resent, 122));
            assertTrue(resent.endsWith("|11=ID|21=3|40=1|54=1|55=INTC|60=" + field(original, 60) + "|10=" +
                field(resent, 10) + "|"), resent);
            final String trailingGapFill = client.receive();
            assertEquals("4", field(trailingGapFill, 34));
            assertEquals("5", field(trailingGapFill, 36));

            client.send("35=1|34=6|49=TW44|52=<TIME>|56=ISLD|112=NEXT|");
            final String heartbeat = client.receive();
            assertEquals("5", field(heartbeat, 34));
        }
    }

    @Test
    void shouldServeCounterpartyResendRequestWhileWaitingForOwn()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=D|34=2|49=TW44|52=<TIME>|56=ISLD|11=ID|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            assertEquals("2", field(client.receive(), 34));
            client.send("35=0|34=7|49=TW44|52=<TIME>|56=ISLD|");
            final String ourRequest = client.receive();
            assertEquals("2", field(ourRequest, 35));
            assertEquals("3", field(ourRequest, 7));
            client.send("35=2|34=8|49=TW44|52=<TIME>|56=ISLD|7=2|16=2|");
            final String resent = client.receive();
            assertEquals("D", field(resent, 35));
            assertEquals("2", field(resent, 34));
            assertEquals("Y", field(resent, 43));
            for (int seq = 3; seq <= 6; seq++)
            {
                client.send("35=0|34=" + seq + "|43=Y|49=TW44|52=<TIME>|122=<TIME>|56=ISLD|");
            }
            client.send("35=1|34=9|49=TW44|52=<TIME>|56=ISLD|112=DONE|");
            assertEquals("DONE", field(client.receive(), 112));
        }
    }

    @Test
    void shouldCountRejectReceivedAndCarryOn()
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=3|34=2|49=TW44|52=<TIME>|56=ISLD|45=1|");
            client.send("35=5|34=3|49=TW44|52=<TIME>|56=ISLD|");
            assertEquals("2", field(client.receive(), 34));
        }
    }

    @Test
    void shouldServeOtherSessionsIndependently()
    {
        try (RawFixClient a = fixture.logon("TW44", 30); RawFixClient b = fixture.logon("TW", 30))
        {
            a.send("35=D|34=2|49=TW44|52=<TIME>|56=ISLD|11=A|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            b.send("35=D|34=2|49=TW|52=<TIME>|56=ISLD|11=B|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            assertEquals("A", field(a.receive(), 11));
            assertEquals("B", field(b.receive(), 11));
        }
    }

    @Test
    void shouldReassembleMessagesSplitAcrossReadsAndSplitCoalescedOnes()
    {
        try (RawFixClient client = fixture.logon())
        {
            final byte[] first = RawFixClient.encode("FIX.4.4", "35=1|34=2|49=TW44|52=<TIME>|56=ISLD|112=SPLIT|");
            for (final byte b : first)
            {
                client.sendBytes(new byte[]{ b });
            }
            assertEquals("SPLIT", field(client.receive(), 112));

            final byte[] second = RawFixClient.encode("FIX.4.4", "35=1|34=3|49=TW44|52=<TIME>|56=ISLD|112=ONE|");
            final byte[] third = RawFixClient.encode("FIX.4.4", "35=1|34=4|49=TW44|52=<TIME>|56=ISLD|112=TWO|");
            final byte[] both = new byte[second.length + third.length];
            System.arraycopy(second, 0, both, 0, second.length);
            System.arraycopy(third, 0, both, second.length, third.length);
            client.sendBytes(both);
            assertEquals("ONE", field(client.receive(), 112));
            assertEquals("TWO", field(client.receive(), 112));
        }
    }
}
