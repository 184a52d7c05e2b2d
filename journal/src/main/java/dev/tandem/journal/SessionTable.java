package dev.tandem.journal;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * Every session's state as the journal's entries define it, applied entry by entry on append and on recovery:
 * next sender and target seq nums, and the outbound MsgSeqNum index.
 * <p>
 * Not thread safe: owned by the journal's owner thread.
 */
final class SessionTable
{
    final Long2ObjectHashMap<SessionState> sessions = new Long2ObjectHashMap<>();

    SessionState get(final long sessionId)
    {
        return sessions.get(sessionId);
    }

    int size()
    {
        return sessions.size();
    }

    int nextSenderSeqNum(final long sessionId)
    {
        final SessionState state = sessions.get(sessionId);
        return state == null ? 1 : state.nextSenderSeqNum;
    }

    int nextTargetSeqNum(final long sessionId)
    {
        final SessionState state = sessions.get(sessionId);
        return state == null ? 1 : state.nextTargetSeqNum;
    }

    /**
     * Applies one entry. Messages advance the seq num of their direction to MsgSeqNum + 1 (PossDup never moves one
     * backwards nor replaces the original in the index); an outbound message or sequence change that lowers the
     * next sender seq num forgets indexed messages at or above it.
     *
     * @param seqNumOrNextSender MsgSeqNum for messages, next sender seq num for sequence changes.
     * @param nextTarget         next target seq num for sequence changes.
     * @param index              the entry's Chronicle index.
     */
    void apply(
        final int type,
        final long sessionId,
        final boolean inbound,
        final int flags,
        final int seqNumOrNextSender,
        final int nextTarget,
        final long index)
    {
        SessionState state = sessions.get(sessionId);
        if (state == null)
        {
            state = new SessionState(sessionId);
            sessions.put(sessionId, state);
        }
        if (type == JournalEntry.TYPE_SEQUENCE)
        {
            if (seqNumOrNextSender < state.nextSenderSeqNum)
            {
                state.forgetOutboundFrom(seqNumOrNextSender);
            }
            state.nextSenderSeqNum = seqNumOrNextSender;
            state.nextTargetSeqNum = nextTarget;
            return;
        }
        final boolean possDup = (flags & JournalEntry.FLAG_POSS_DUP) != 0;
        final int next = seqNumOrNextSender + 1;
        if (inbound)
        {
            state.nextTargetSeqNum = possDup ? Math.max(state.nextTargetSeqNum, next) : next;
        }
        else if (possDup)
        {
            state.nextSenderSeqNum = Math.max(state.nextSenderSeqNum, next);
            if (state.outboundIndex(seqNumOrNextSender) < 0)
            {
                state.indexOutbound(seqNumOrNextSender, index);
            }
        }
        else
        {
            if (next <= state.highestIndexed())
            {
                state.forgetOutboundFrom(next);
            }
            state.nextSenderSeqNum = next;
            state.indexOutbound(seqNumOrNextSender, index);
        }
    }

    void free()
    {
        for (final SessionState state : sessions.values())
        {
            state.free();
        }
    }
}
