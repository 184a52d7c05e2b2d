package dev.tandem.node;

import dev.tandem.fix.FixApplication;
import dev.tandem.fix.FixSession;
import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.FixEncoder;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * The built-in application ({@code application: echo}): sends every application message back to its sender with the
 * same MsgType and body fields, under our own header. Used by the demo and the system tests: every order sent gets
 * one answer, so loss and duplication are visible end to end. A message that arrives with PossDupFlag=Y (resent after
 * a failover) is answered with PossResend=Y, since its answer may already have been sent.
 * <p>
 * Threading: the acceptor's duty-cycle thread only.
 */
public final class EchoApplication implements FixApplication
{
    /** PossResend: "this may repeat an earlier message under a new MsgSeqNum". */
    static final int POSS_RESEND = 97;

    private long echoed;
    private long backPressured;

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession session)
    {
        final FixDecoder decoder = session.decoder();
        final long result;
        if (decoder.possDup() || decoder.booleanValue(POSS_RESEND))
        {
            result = echoResent(buffer, decoder, session);
        }
        else
        {
            result = session.send(buffer, decoder.msgTypeOffset(), decoder.msgTypeLength(),
                buffer, decoder.bodyOffset(), decoder.bodyLength());
        }
        if (result > 0)
        {
            echoed++;
        }
        else
        {
            backPressured++;
        }
    }

    /**
     * The answer to a message that may have been seen before (a resend after a failover) may itself repeat an
     * answer the counterparty already has: it goes out with PossResend(97)=Y so the counterparty can tell.
     * Allocates the MsgType string: resends are rare.
     */
    private static long echoResent(final DirectBuffer buffer, final FixDecoder decoder, final FixSession session)
    {
        final byte[] msgType = new byte[decoder.msgTypeLength()];
        buffer.getBytes(decoder.msgTypeOffset(), msgType);
        final FixEncoder encoder = session.tryClaim(new String(msgType, StandardCharsets.US_ASCII));
        if (encoder == null)
        {
            return session.lastStatus();
        }
        encoder.putChar(POSS_RESEND, 'Y').putRawFields(buffer, decoder.bodyOffset(), decoder.bodyLength());
        return session.commit();
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
