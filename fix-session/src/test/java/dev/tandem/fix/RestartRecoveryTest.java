package dev.tandem.fix;

import dev.tandem.journal.ReleaseGate;
import org.junit.jupiter.api.Test;

import static dev.tandem.fix.RawFixClient.field;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A restarted acceptor recovers each session's sequence numbers from its journal and serves resends from it. */
class RestartRecoveryTest
{
    @Test
    void shouldCarryOnWithJournaledSequenceNumbersAfterRestart()
    {
        try (AcceptorFixture fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {}))
        {
            try (RawFixClient client = fixture.logon())
            {
                client.send("35=D|34=2|49=TW44|52=<TIME>|56=ISLD|11=ORDER1|21=3|40=1|54=1|55=INTC|60=<TIME>|");
                assertEquals("ORDER1", field(client.receive(), 11));
                client.send("35=5|34=3|49=TW44|52=<TIME>|56=ISLD|");
                assertEquals("3", field(client.receive(), 34));
                client.expectDisconnect();
            }

            fixture.stop();
            fixture.start(false, ReleaseGate.OPEN, (context) -> {});

            try (RawFixClient client = fixture.client())
            {
                client.send("35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
                final String tooLow = client.receive();
                assertEquals("5", field(tooLow, 35));
                assertEquals("MsgSeqNum too low, expecting 4 but received 1", field(tooLow, 58));
                client.expectDisconnect();
            }
            try (RawFixClient client = fixture.client())
            {
                client.send("35=A|34=4|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
                final String logon = client.receive();
                assertEquals("A", field(logon, 35));
                assertEquals("5", field(logon, 34));

                client.send("35=2|34=5|49=TW44|52=<TIME>|56=ISLD|7=1|16=0|");
                final String gapFill = client.receive();
                assertEquals("4", field(gapFill, 35));
                assertEquals("1", field(gapFill, 34));
                assertEquals("2", field(gapFill, 36));
                final String order = client.receive();
                assertEquals("ORDER1", field(order, 11));
                assertEquals("2", field(order, 34));
                assertEquals("Y", field(order, 43));
                final String trailing = client.receive();
                assertEquals("3", field(trailing, 34));
                assertEquals("6", field(trailing, 36));

                client.send("35=1|34=6|49=TW44|52=<TIME>|56=ISLD|112=NEXT|");
                assertEquals("6", field(client.receive(), 34));
            }
        }
    }
}
