package dev.tandem.fix;

import dev.tandem.journal.ReleaseGate;
import org.junit.jupiter.api.Test;

import static dev.tandem.fix.RawFixClient.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FIX 4.2 and FIXT.1.1 sessions beside FIX 4.4 ones on one acceptor; configuration errors name key and value. */
class ProtocolVersionsTest
{
    @Test
    void shouldServeFix42AndFixt11Sessions()
    {
        try (AcceptorFixture fixture = new AcceptorFixture(true, ReleaseGate.OPEN, (context) -> context
            .addSession(new SessionConfig().beginString(SessionConfig.FIX42).senderCompId("ISLD").targetCompId("T42"))
            .addSession(new SessionConfig().beginString(SessionConfig.FIXT11).senderCompId("ISLD").targetCompId("T5")));
            RawFixClient fix42 = new RawFixClient(fixture.port(), "FIX.4.2");
            RawFixClient fixt = new RawFixClient(fixture.port(), "FIXT.1.1"))
        {
            fix42.send("35=A|34=1|49=T42|52=<TIME>|56=ISLD|98=0|108=30|");
            final String logon42 = fix42.receive();
            assertTrue(logon42.startsWith("8=FIX.4.2|"), logon42);
            fix42.send("35=D|34=2|49=T42|52=<TIME>|56=ISLD|11=A42|21=1|55=IBM|54=1|60=<TIME>|40=1|");
            assertEquals("A42", field(fix42.receive(), 11));

            fixt.send("35=A|34=1|49=T5|52=<TIME>|56=ISLD|98=0|108=30|1137=9|");
            final String logonT = fixt.receive();
            assertTrue(logonT.startsWith("8=FIXT.1.1|"), logonT);
            assertEquals("9", field(logonT, 1137));
            fixt.send("35=D|34=2|49=T5|52=<TIME>|56=ISLD|11=A50|21=1|55=IBM|54=1|60=<TIME>|40=1|");
            assertEquals("A50", field(fixt.receive(), 11));
        }
    }

    @Test
    void shouldNameKeyAndValueOfBadConfiguration()
    {
        final IllegalArgumentException beginString = assertThrows(IllegalArgumentException.class,
            () -> new SessionConfig().beginString("FIX.9.9").senderCompId("A").targetCompId("B").conclude());
        assertTrue(beginString.getMessage().startsWith("beginString=FIX.9.9"), beginString.getMessage());
        final IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
            () -> new FixContext().port(70_000).conclude(true));
        assertTrue(port.getMessage().startsWith("port=70000"), port.getMessage());
        final IllegalArgumentException heartbeat = assertThrows(IllegalArgumentException.class,
            () -> new SessionConfig().senderCompId("A").targetCompId("B").heartbeatIntervalSec(-1).conclude());
        assertTrue(heartbeat.getMessage().startsWith("heartbeatIntervalSec=-1"), heartbeat.getMessage());
    }

    @Test
    void shouldDeriveStableSessionIds()
    {
        final long id = SessionIds.sessionId("FIX.4.4", "ISLD", "TW44");
        assertEquals(id, new SessionConfig().senderCompId("ISLD").targetCompId("TW44").sessionId());
        assertTrue(id != SessionIds.sessionId("FIX.4.4", "TW44", "ISLD"));
        assertTrue(id != SessionIds.sessionId("FIX.4.2", "ISLD", "TW44"));
        // pinned: FNV-1a 64 of "FIX.4.4<SOH>ISLD<SOH>TW44"; a change here orphans every journal written so far
        assertEquals(0x8045906452239ce7L, id);
    }
}
