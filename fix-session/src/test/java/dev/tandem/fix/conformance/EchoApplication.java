package dev.tandem.fix.conformance;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;

import dev.tandem.fix.FixApplication;
import dev.tandem.fix.FixSession;
import dev.tandem.fix.codec.FixDecoder;

/**
 * The echo application the acceptance scripts expect: each application message goes back to its sender with the same
 * MsgType and body fields in the same order under a fresh header. As the scripts' application-level check requires
 * (19a), a message with PossResend (97) = Y whose ClOrdID (11) this session has already seen is not echoed.
 * <p>
 * Threading: called on the acceptor's duty-cycle thread only; the counters may be read from any thread.
 */
final class EchoApplication implements FixApplication
{
    private static final int CL_ORD_ID = 11;

    private final Set<String> seenClOrdIds = new HashSet<>();
    private final AtomicLong echoed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile long lastRefusal;

    @Override
    public void onLogon(final FixSession session)
    {
        seenClOrdIds.removeIf(key -> key.startsWith(session.sessionId() + "|"));
    }

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession session)
    {
        final FixDecoder decoder = session.decoder();
        final String clOrdId = decoder.stringValue(CL_ORD_ID);
        if (clOrdId != null && !seenClOrdIds.add(session.sessionId() + "|" + clOrdId) && decoder.possResend())
        {
            return;
        }
        final long result = session.send(buffer, decoder.msgTypeOffset(), decoder.msgTypeLength(),
            buffer, decoder.bodyOffset(), decoder.bodyLength());
        if (result < 0)
        {
            refused.incrementAndGet();
            lastRefusal = result;
        }
        else
        {
            echoed.incrementAndGet();
        }
    }

    long echoed()
    {
        return echoed.get();
    }

    /** @return echoes the session refused, and the last status, for failure messages. */
    String refusals()
    {
        return refused.get() + " (last status " + lastRefusal + ")";
    }
}
