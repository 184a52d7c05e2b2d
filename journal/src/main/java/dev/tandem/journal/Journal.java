package dev.tandem.journal;

import org.agrona.DirectBuffer;

/**
 * STUB of the journal's public contract (the journal issue implements it).
 * <p>
 * An append-only journal of FIX messages and sequence-number changes over a Chronicle Queue. Every entry has a
 * 1-based, gap-free {@code position} that is the same on the primary and on its replicas; replication speaks in
 * positions, never in Chronicle indices.
 * <p>
 * Threading: appends and the per-session state accessors are called from one thread (the owner: the session agent
 * on a primary, the replication sink's agent on a secondary). Ownership may move to another thread after a
 * happens-before edge (for example the old owner's thread was joined). {@link #reader(long)} may be used from any
 * one other thread per reader. {@link #lastPosition()} may be read from any thread.
 */
public final class Journal implements AutoCloseable
{
    /** Returned by an append that was refused (message too long, empty, journal closed); see the exception text. */
    public static final long REFUSED = -1;

    public static Journal open(final JournalContext context)
    {
        throw new UnsupportedOperationException("stub");
    }

    /**
     * Appends a FIX message: copies {@code length} bytes once into the queue, allocates nothing in steady state.
     * For outbound messages the session's next sender seq num becomes {@code msgSeqNum + 1} once this returns;
     * for inbound, the next target seq num becomes {@code msgSeqNum + 1}.
     *
     * @return the entry's position.
     * @throws JournalException for an empty or oversized message, or a closed journal.
     */
    public long appendMessage(
        final long sessionId,
        final Direction direction,
        final int msgSeqNum,
        final long timestampNs,
        final int flags,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        throw new UnsupportedOperationException("stub");
    }

    /**
     * Appends a sequence-number change that is not a message (reset on logon, SequenceReset, operator set).
     *
     * @return the entry's position.
     */
    public long appendSequenceChange(
        final long sessionId, final int nextSenderSeqNum, final int nextTargetSeqNum, final long timestampNs)
    {
        throw new UnsupportedOperationException("stub");
    }

    /**
     * Appends an entry exactly as encoded by another journal (a replica's write path). Its position must be
     * {@code lastPosition() + 1}.
     *
     * @return the entry's position.
     * @throws JournalException if the bytes are not a valid entry or the position does not follow on.
     */
    public long appendReplicated(final DirectBuffer buffer, final int offset, final int length)
    {
        throw new UnsupportedOperationException("stub");
    }

    /** The position of the newest entry, 0 when empty. Any thread. */
    public long lastPosition()
    {
        throw new UnsupportedOperationException("stub");
    }

    /** The next MsgSeqNum we send on this session: 1 for a session never seen. */
    public int nextSenderSeqNum(final long sessionId)
    {
        throw new UnsupportedOperationException("stub");
    }

    /** The next MsgSeqNum we expect from the counterparty on this session: 1 for a session never seen. */
    public int nextTargetSeqNum(final long sessionId)
    {
        throw new UnsupportedOperationException("stub");
    }

    /**
     * Reads this session's outbound messages with MsgSeqNum in [beginSeqNo, endSeqNo] in order (endSeqNo 0 means
     * no upper bound), without scanning the whole journal. Where a seq num was journaled more than once (after a
     * reset), the newest is read.
     *
     * @return how many entries were delivered.
     */
    public int readOutbound(final long sessionId, final int beginSeqNo, final int endSeqNo, final EntryHandler handler)
    {
        throw new UnsupportedOperationException("stub");
    }

    /** A reader from {@code fromPosition} onward (1 = the start). Not thread safe: one thread per reader. */
    public JournalReader reader(final long fromPosition)
    {
        throw new UnsupportedOperationException("stub");
    }

    public JournalContext context()
    {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public void close()
    {
    }
}
