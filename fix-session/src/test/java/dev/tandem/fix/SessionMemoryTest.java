package dev.tandem.fix;

import dev.tandem.journal.ReleaseGate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.tandem.fix.RawFixClient.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Session memory allocated ahead of an acceptor: taken once, by an acceptor of its sizes, and served from. */
@Timeout(30)
class SessionMemoryTest
{
    @Test
    void shouldServeSessionsFromMemoryAllocatedAheadAndLetOnlyOneAcceptorTakeIt()
    {
        final SessionMemory[] memory = new SessionMemory[1];
        try (AcceptorFixture fixture = new AcceptorFixture(true, ReleaseGate.OPEN,
            context -> context.sessionMemory(memory[0] = SessionMemory.allocate(context))))
        {
            assertTrue(memory[0].isTaken());
            assertEquals(2, memory[0].sessions());
            assertSame(memory[0].outbound(0), fixture.acceptor.sessions().get(0).outbound);
            assertSame(memory[0].outbound(1), fixture.acceptor.sessions().get(1).outbound);
            echoOnce(fixture);

            // the next acceptor handed the same memory finds it taken: it allocates its own, as without any
            fixture.stop();
            fixture.start(true, ReleaseGate.OPEN, context -> context.sessionMemory(memory[0]));
            assertNotSame(memory[0].outbound(0), fixture.acceptor.sessions().get(0).outbound);
            echoOnce(fixture);
        }
    }

    @Test
    void shouldLeaveMemoryOfOtherSizesUntaken()
    {
        final SessionMemory[] memory = new SessionMemory[1];
        try (AcceptorFixture fixture = new AcceptorFixture(true, ReleaseGate.OPEN, context ->
        {
            memory[0] = SessionMemory.allocate(new FixContext().addSession(new SessionConfig()
                .senderCompId("ISLD").targetCompId("TW44")).outboundBufferBytes(context.outboundBufferBytes()));
            context.sessionMemory(memory[0]);
        }))
        {
            assertFalse(memory[0].isTaken(), "one session's memory, two sessions configured");
            echoOnce(fixture);
        }
    }

    @Test
    void shouldNameTheSettingThatCannotBeAllocated()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> SessionMemory.allocate(new FixContext().outboundBufferBytes(-1)));
        assertTrue(ex.getMessage().startsWith("outboundBufferBytes=-1: "), ex.getMessage());
    }

    private static void echoOnce(final AcceptorFixture fixture)
    {
        try (RawFixClient client = fixture.logon())
        {
            client.send("35=D|34=2|49=TW44|52=<TIME>|56=ISLD|11=ID|21=3|40=1|54=1|55=INTC|60=<TIME>|");
            final String echoed = client.receive();
            assertEquals("D", field(echoed, 35));
            assertEquals("ID", field(echoed, 11));
        }
    }
}
