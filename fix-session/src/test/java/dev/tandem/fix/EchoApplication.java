package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import org.agrona.DirectBuffer;

import java.util.concurrent.atomic.AtomicInteger;

/** Echoes each application message back with the same MsgType and body. Counts what it sees. */
final class EchoApplication implements FixApplication
{
    final AtomicInteger logons = new AtomicInteger();
    final AtomicInteger logouts = new AtomicInteger();
    final AtomicInteger messages = new AtomicInteger();
    volatile boolean echo = true;

    @Override
    public void onLogon(final FixSession session)
    {
        logons.incrementAndGet();
    }

    @Override
    public void onLogout(final FixSession session)
    {
        logouts.incrementAndGet();
    }

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession session)
    {
        messages.incrementAndGet();
        if (echo)
        {
            final FixDecoder decoder = session.decoder();
            session.send(buffer, decoder.msgTypeOffset(), decoder.msgTypeLength(),
                buffer, decoder.bodyOffset(), decoder.bodyLength());
        }
    }
}
