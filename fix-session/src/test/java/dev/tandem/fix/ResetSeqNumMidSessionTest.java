package dev.tandem.fix;

import dev.tandem.journal.ReleaseGate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A Logon with ResetSeqNumFlag=Y while logged on resets both sides to 1 and is answered with a Logon 141=Y. */
class ResetSeqNumMidSessionTest
{
    private static final long TW44 = new SessionConfig().senderCompId("ISLD").targetCompId("TW44").sessionId();

    private AcceptorFixture fixture;

    @AfterEach
    void tearDown()
    {
        fixture.close();
    }

    @Test
    void shouldResetBothSidesOnALogonWithResetSeqNumFlagMidSession()
    {
        fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=D|34=2|49=TW44|52=<TIME>|56=ISLD|11=A|21=3|40=1|54=1|55=INTC|");
            assertEquals("2", RawFixClient.field(client.receive(), 34));
            client.send("35=D|34=3|49=TW44|52=<TIME>|56=ISLD|11=B|21=3|40=1|54=1|55=INTC|");
            assertEquals("3", RawFixClient.field(client.receive(), 34));

            client.send("35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|141=Y|");
            final String logon = client.receive();
            assertEquals("A", RawFixClient.field(logon, 35), logon);
            assertEquals("1", RawFixClient.field(logon, 34));
            assertEquals("Y", RawFixClient.field(logon, 141));
            assertEquals(2, fixture.journal.nextSenderSeqNum(TW44), "the journal says we reset");
            assertEquals(2, fixture.journal.nextTargetSeqNum(TW44));

            client.send("35=D|34=2|49=TW44|52=<TIME>|56=ISLD|11=C|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            final String echo = client.receive();
            assertEquals("D", RawFixClient.field(echo, 35), echo);
            assertEquals("2", RawFixClient.field(echo, 34));
            assertEquals("C", RawFixClient.field(echo, 11));
        }
    }

    @Test
    void shouldStillLogOutOnALogonWithoutResetMidSession()
    {
        fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=A|34=2|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
            final String logout = client.receive();
            assertEquals("5", RawFixClient.field(logout, 35), logout);
        }
    }
}
