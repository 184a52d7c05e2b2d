package dev.tandem.node;

import dev.tandem.fix.FixApplication;
import dev.tandem.fix.FixSession;
import dev.tandem.fix.codec.FixDecoder;
import org.agrona.DirectBuffer;

/**
 * The built-in application ({@code application: echo}): sends every application message back to its sender with the
 * same MsgType and body fields, under our own header. Used by the demo and the system tests: every order sent gets
 * exactly one answer, so loss and duplication are visible end to end.
 * <p>
 * Threading: the acceptor's duty-cycle thread only.
 */
public final class EchoApplication implements FixApplication
{
    private long echoed;
    private long backPressured;

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession session)
    {
        final FixDecoder decoder = session.decoder();
        final long result = session.send(buffer, decoder.msgTypeOffset(), decoder.msgTypeLength(),
            buffer, decoder.bodyOffset(), decoder.bodyLength());
        if (result > 0)
        {
            echoed++;
        }
        else
        {
            backPressured++;
        }
    }

    /** Messages echoed. */
    public long echoed()
    {
        return echoed;
    }

    /** Messages that could not be echoed (outbound buffer full, not logged on). */
    public long notEchoed()
    {
        return backPressured;
    }
}
