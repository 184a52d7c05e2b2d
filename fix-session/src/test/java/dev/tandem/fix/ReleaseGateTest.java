package dev.tandem.fix;

import dev.tandem.journal.ReleaseGate;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.tandem.fix.RawFixClient.field;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Outbound messages reach the socket only when the gate releases them, in order, without stalling other sessions. */
class ReleaseGateTest
{
    /** Holds exactly one journal position back. */
    static final class HoldOneGate implements ReleaseGate
    {
        volatile long held = -1;
        volatile boolean disconnect;

        @Override
        public int check(final long position, final long enqueuedNs, final long nowNs)
        {
            if (position == held)
            {
                return disconnect ? DISCONNECT : WAIT;
            }
            return RELEASE;
        }
    }

    @Test
    void shouldHoldMessagesInOrderPerSessionWithoutStallingOthers()
    {
        final HoldOneGate gate = new HoldOneGate();
        try (AcceptorFixture fixture = new AcceptorFixture(true, gate, (context) -> {});
            RawFixClient held = fixture.logon();
            RawFixClient other = fixture.logon("TW", 30))
        {
            // next entries: the inbound TestRequest, then our Heartbeat reply, which the gate holds
            gate.held = fixture.journal.lastPosition() + 2;
            held.send("35=1|34=2|49=TW44|52=<TIME>|56=ISLD|112=FIRST|");
            held.expectNothing(Duration.ofMillis(200));
            held.send("35=1|34=3|49=TW44|52=<TIME>|56=ISLD|112=SECOND|");
            held.expectNothing(Duration.ofMillis(200));

            other.send("35=1|34=2|49=TW|52=<TIME>|56=ISLD|112=OTHER|");
            assertEquals("OTHER", field(other.receive(), 112));

            gate.held = -1;
            assertEquals("FIRST", field(held.receive(), 112));
            assertEquals("SECOND", field(held.receive(), 112));
        }
    }

    @Test
    void shouldDisconnectWhenGateSaysDisconnect()
    {
        final HoldOneGate gate = new HoldOneGate();
        gate.disconnect = true;
        try (AcceptorFixture fixture = new AcceptorFixture(true, gate, (context) -> {});
            RawFixClient client = fixture.logon())
        {
            gate.held = fixture.journal.lastPosition() + 2;
            client.send("35=1|34=2|49=TW44|52=<TIME>|56=ISLD|112=X|");
            client.expectDisconnect();
        }
    }
}
