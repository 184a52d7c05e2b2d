package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import org.agrona.DirectBuffer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Echoes each application message back with the same MsgType and body, except a PossResend (97=Y) of a ClOrdID
 * already seen. Counts what it sees.
 */
final class EchoApplication implements FixApplication
{
    final AtomicInteger logons = new AtomicInteger();
    final AtomicInteger logouts = new AtomicInteger();
    final AtomicInteger messages = new AtomicInteger();
    final java.util.Set<String> clOrdIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final java.util.List<String> skipped = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile boolean echo = true;
    volatile boolean clOrdIdTracking = true;

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
    public void onOutboundSkipped(final FixSession session, final int fromSeqNum, final int toSeqNum)
    {
        skipped.add(session.config().targetCompId() + " " + fromSeqNum + ".." + toSeqNum);
    }

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession session)
    {
        messages.incrementAndGet();
        final FixDecoder decoder = session.decoder();
        if (clOrdIdTracking)
        {
            final String clOrdId = decoder.stringValue(11);
            final boolean seen = clOrdId != null && !clOrdIds.add(clOrdId);
            if (decoder.possResend() && seen)
            {
                return; // PossResend of a message the application already has: ignored, as FIX asks
            }
        }
        if (echo)
        {
            session.send(buffer, decoder.msgTypeOffset(), decoder.msgTypeLength(),
                buffer, decoder.bodyOffset(), decoder.bodyLength());
        }
    }
}
