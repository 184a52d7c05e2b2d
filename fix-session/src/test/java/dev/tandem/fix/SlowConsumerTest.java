package dev.tandem.fix;

import dev.tandem.fix.codec.FixEncoder;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.test.Tests;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A counterparty that stops reading: the application's sends are back-pressured by the bounded outbound buffer, and
 * after the slow-consumer timeout the connection is closed; everything sent stays in the journal.
 */
class SlowConsumerTest
{
    @Test
    void shouldBackPressureThenDisconnectSlowConsumer()
    {
        final AtomicInteger backPressured = new AtomicInteger();
        final AtomicLong sent = new AtomicLong();
        final AtomicInteger logouts = new AtomicInteger();
        final FixApplication flooder = new FixApplication()
        {
            private FixSession session;

            @Override
            public void onLogon(final FixSession session)
            {
                this.session = session;
            }

            @Override
            public void onLogout(final FixSession session)
            {
                this.session = null;
                logouts.incrementAndGet();
            }

            @Override
            public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession s)
            {
            }

            @Override
            public int doWork(final long nowNs)
            {
                if (session == null)
                {
                    return 0;
                }
                for (int i = 0; i < 64; i++)
                {
                    final FixEncoder encoder = session.tryClaim("8");
                    if (encoder == null)
                    {
                        assertEquals(FixSession.BACK_PRESSURED, session.lastStatus());
                        backPressured.incrementAndGet();
                        return 0;
                    }
                    encoder.putAscii(11, "FLOOD").putAscii(58, "x".repeat(400));
                    session.commit();
                    sent.incrementAndGet();
                }
                return 1;
            }
        };
        try (AcceptorFixture fixture = new AcceptorFixture(true, ReleaseGate.OPEN, (context) -> context
            .application(flooder).outboundBufferBytes(256 * 1024));
            RawFixClient client = fixture.logon())
        {
            Tests.await("back pressure", Duration.ofSeconds(30), () -> backPressured.get() > 1000);
            Tests.await("slow consumer disconnected", Duration.ofSeconds(30), () ->
            {
                fixture.nanoClock.advanceMs(1_000);
                return logouts.get() == 1;
            });
            assertTrue(sent.get() > 100);
            client.drainUntilDisconnect();
        }
    }
}
