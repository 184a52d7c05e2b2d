package dev.tandem.fix;

import dev.tandem.journal.ReleaseGate;
import org.junit.jupiter.api.Test;

import static dev.tandem.fix.RawFixClient.field;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A resend far larger than the outbound buffer goes out in batches, complete and in order. */
class LargeResendTest
{
    private static final int ORDERS = 300;

    @Test
    void shouldResendRangeLargerThanOutboundBufferInOrder()
    {
        try (AcceptorFixture fixture = new AcceptorFixture(true, ReleaseGate.OPEN, (context) -> context
            .maxMessageLengthBytes(1024).outboundBufferBytes(4 * 1024));
            RawFixClient client = fixture.logon())
        {
            for (int i = 0; i < ORDERS; i++)
            {
                client.send("35=D|34=" + (i + 2) + "|49=TW44|52=<TIME>|56=ISLD|11=O" + i + "|21=1|55=MSFT|54=1|40=1|60=<TIME>|" +
                    "58=" + "x".repeat(200) + "|");
                assertEquals("O" + i, field(client.receive(), 11));
            }
            client.send("35=2|34=" + (ORDERS + 2) + "|49=TW44|52=<TIME>|56=ISLD|7=1|16=0|");
            final String gapFill = client.receive();
            assertEquals("4", field(gapFill, 35));
            assertEquals("2", field(gapFill, 36));
            for (int i = 0; i < ORDERS; i++)
            {
                final String resent = client.receive();
                assertEquals(String.valueOf(i + 2), field(resent, 34));
                assertEquals("O" + i, field(resent, 11));
                assertEquals("Y", field(resent, 43));
            }
            client.send("35=1|34=" + (ORDERS + 3) + "|49=TW44|52=<TIME>|56=ISLD|112=END|");
            final String heartbeat = client.receive();
            assertEquals("END", field(heartbeat, 112));
            assertEquals(String.valueOf(ORDERS + 2), field(heartbeat, 34));
        }
    }
}
