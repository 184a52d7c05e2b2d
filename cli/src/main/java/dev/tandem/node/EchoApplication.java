package dev.tandem.node;

import dev.tandem.fix.FixApplication;
import dev.tandem.fix.FixSession;
import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.FixEncoder;
import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalEntry;
import dev.tandem.journal.JournalReader;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;

import java.nio.charset.StandardCharsets;

/**
 * The built-in application ({@code application: echo}): sends every application message back to its sender with the
 * same MsgType and body fields, under our own header. Used by the demo and the system tests: every order sent gets
 * one answer, so loss and duplication are visible end to end. A message that arrives with PossDupFlag=Y (resent after
 * a failover) is answered with PossResend=Y, since its answer may already have been sent. On activation it finds in
 * the replicated journal the requests the old primary received but never answered, and answers them at Logon.
 * <p>
 * Threading: the acceptor's duty-cycle thread only.
 */
public final class EchoApplication implements FixApplication, RecoverableApplication
{
    /** PossResend: "this may repeat an earlier message under a new MsgSeqNum". */
    static final int POSS_RESEND = 97;

    private final Long2ObjectHashMap<ArrayDeque<byte[]>> unanswered = new Long2ObjectHashMap<>();
    private final FixDecoder pendingDecoder = new FixDecoder();
    private long echoed;
    private long backPressured;
    private long recovered;

    /**
     * Every application message journaled inbound is answered by exactly one application message journaled outbound,
     * in order, per session: the inbound ones left over at the end of the journal were received by the old primary
     * and never answered. They are answered (with PossResend=Y) when their session logs on.
     */
    @Override
    public void onActivation(final Journal journal)
    {
        try (JournalReader reader = journal.reader(1))
        {
            while (reader.poll(this::match, 4096) > 0)
            {
                // drain
            }
        }
    }

    private void match(final JournalEntry entry)
    {
        if (entry.type() != JournalEntry.TYPE_MESSAGE || (entry.flags() & JournalEntry.FLAG_ADMIN) != 0)
        {
            return;
        }
        final ArrayDeque<byte[]> pending = unanswered.computeIfAbsent(entry.sessionId(), id -> new ArrayDeque<>());
        if (entry.direction() == Direction.INBOUND)
        {
            final byte[] message = new byte[entry.messageLength()];
            entry.messageBuffer().getBytes(entry.messageOffset(), message);
            pending.addLast(message);
        }
        else
        {
            pending.pollFirst();
        }
    }

    /** Requests found unanswered at activation and not answered yet. */
    public int unansweredCount()
    {
        int count = 0;
        for (final ArrayDeque<byte[]> pending : unanswered.values())
        {
            count += pending.size();
        }
        return count;
    }

    /** Requests answered at Logon after an activation. */
    public long recovered()
    {
        return recovered;
    }

    @Override
    public void onLogon(final FixSession session)
    {
        final ArrayDeque<byte[]> pending = unanswered.get(session.sessionId());
        while (pending != null && !pending.isEmpty())
        {
            final byte[] message = pending.peekFirst();
            final UnsafeBuffer buffer = new UnsafeBuffer(message);
            // a long repeating group needs more fields than the default decoder indexes (recovery only, so it may
            // allocate); a field takes at least 4 bytes
            final FixDecoder decoder = message.length / 4 + 1 > FixDecoder.DEFAULT_MAX_FIELDS ?
                new FixDecoder(message.length / 4 + 1) : pendingDecoder;
            if (decoder.wrap(buffer, 0, message.length) != FixDecoder.OK)
            {
                pending.pollFirst();
                continue;
            }
            final byte[] msgType = new byte[decoder.msgTypeLength()];
            buffer.getBytes(decoder.msgTypeOffset(), msgType);
            final FixEncoder encoder = session.tryClaim(new String(msgType, StandardCharsets.US_ASCII));
            if (encoder == null)
            {
                return;
            }
            encoder.putChar(POSS_RESEND, 'Y').putRawFields(buffer, decoder.bodyOffset(), decoder.bodyLength());
            if (session.commit() < 0)
            {
                return;
            }
            pending.pollFirst();
            recovered++;
        }
    }

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
