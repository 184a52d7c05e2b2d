package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.journal.EntryHandler;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalEntry;

/**
 * Serves a ResendRequest from the journal, progressively: application messages go out again with PossDupFlag=Y and
 * OrigSendingTime, runs of session-level (or missing) messages become one SequenceReset-GapFill. It reads the
 * journal in small batches and pauses while the session's outbound buffer lacks room, so a huge range cannot
 * exhaust memory and other sessions are served in between.
 * <p>
 * Not thread safe: session agent thread only.
 */
final class Resender implements EntryHandler
{
    private static final int BATCH = 32;

    private final FixSession session;
    private final Journal journal;
    private final long sessionId;
    private final FixDecoder decoder;
    private boolean active;
    private int next;
    private int end;
    private int expected;
    private int gapFillStart;
    private boolean stalled;
    private int stalledAt;

    Resender(final FixSession session, final Journal journal, final long sessionId)
    {
        this.session = session;
        this.journal = journal;
        this.sessionId = sessionId;
        this.decoder = session.engine.resendDecoder();
    }

    void start(final int beginSeqNo, final int endSeqNo)
    {
        active = true;
        next = beginSeqNo;
        end = endSeqNo;
        expected = beginSeqNo;
        gapFillStart = 0;
    }

    void cancel()
    {
        active = false;
    }

    boolean isActive()
    {
        return active;
    }

    int pump()
    {
        int work = 0;
        while (active && session.outboundFreeBytes() >= 3 * session.maxMessageLength())
        {
            final int batchEnd = (int)Math.min(end, (long)next + BATCH - 1);
            stalled = false;
            journal.readOutbound(sessionId, next, batchEnd, this);
            work++;
            if (stalled)
            {
                next = stalledAt;
                continue;
            }
            if (expected <= batchEnd)
            {
                if (gapFillStart == 0)
                {
                    gapFillStart = expected;
                }
                expected = batchEnd + 1;
            }
            next = batchEnd + 1;
            if (next > end)
            {
                if (gapFillStart != 0 && !session.admin.queueGapFill(gapFillStart, end + 1))
                {
                    return work;
                }
                gapFillStart = 0;
                active = false;
            }
        }
        return work;
    }

    @Override
    public void onEntry(final JournalEntry entry)
    {
        final int msgSeqNum = entry.msgSeqNum();
        if (stalled || msgSeqNum < expected)
        {
            return;
        }
        // room for a GapFill and this message, each claimed at the maximum length
        if (session.outboundFreeBytes() < 2 * session.maxMessageLength())
        {
            stalled = true;
            stalledAt = msgSeqNum;
            return;
        }
        if (msgSeqNum > expected && gapFillStart == 0)
        {
            gapFillStart = expected;
        }
        final boolean admin = (entry.flags() & JournalEntry.FLAG_ADMIN) != 0 ||
            decoder.wrap(entry.messageBuffer(), entry.messageOffset(), entry.messageLength()) != FixDecoder.OK;
        if (admin)
        {
            if (gapFillStart == 0)
            {
                gapFillStart = msgSeqNum;
            }
        }
        else
        {
            if (gapFillStart != 0)
            {
                session.admin.queueGapFill(gapFillStart, msgSeqNum);
                gapFillStart = 0;
            }
            if (!session.admin.queueResend(decoder, msgSeqNum))
            {
                // too long once PossDupFlag and OrigSendingTime are added: fill its gap rather than skip it
                gapFillStart = msgSeqNum;
            }
        }
        expected = msgSeqNum + 1;
    }
}
