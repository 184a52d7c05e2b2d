package dev.tandem.journal;

import java.nio.ByteBuffer;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One session's recovered state: next sender and target seq nums, and where each outbound MsgSeqNum is in the
 * queue. The index is a sorted off-heap array of (MsgSeqNum, Chronicle index) pairs, one per outbound message really
 * journaled: its size follows what was written, never the value of a MsgSeqNum (a counterparty's
 * NextExpectedMsgSeqNum of 200,000,000 costs one pair, not 1.6 GB of slots). Messages are appended in MsgSeqNum
 * order, so a lookup is one comparison in steady state (binary search otherwise) and appends allocate no heap.
 * <p>
 * Not thread safe: owned by the journal's owner thread.
 */
final class SessionState
{
    private static final int INITIAL_CAPACITY = 1024;
    /** One pair: MsgSeqNum (int, padded to 8) then Chronicle index (long). */
    private static final int PAIR_BYTES = 16;
    private static final int SEQ_NUM_OFFSET = 0;
    private static final int INDEX_OFFSET = 8;
    /** Keeps capacity * PAIR_BYTES within an int. */
    private static final int MAX_CAPACITY = Integer.MAX_VALUE / PAIR_BYTES;

    final long sessionId;
    int nextSenderSeqNum = 1;
    int nextTargetSeqNum = 1;

    private ByteBuffer memory;
    private final UnsafeBuffer pairs = new UnsafeBuffer(new byte[0]);
    private int capacity;
    private int count;

    SessionState(final long sessionId)
    {
        this.sessionId = sessionId;
    }

    /** Records where the outbound message {@code msgSeqNum} is (its Chronicle index); the newest one wins. */
    void indexOutbound(final int msgSeqNum, final long chronicleIndex)
    {
        if (count == 0 || msgSeqNum > seqNumAt(count - 1))
        {
            ensureCapacity();
            putPair(count++, msgSeqNum, chronicleIndex);
            return;
        }
        final int slot = firstSlotAtOrAbove(msgSeqNum);
        if (seqNumAt(slot) == msgSeqNum)
        {
            pairs.putLong(slot * PAIR_BYTES + INDEX_OFFSET, chronicleIndex);
            return;
        }
        ensureCapacity();
        pairs.putBytes((slot + 1) * PAIR_BYTES, pairs, slot * PAIR_BYTES, (count - slot) * PAIR_BYTES);
        putPair(slot, msgSeqNum, chronicleIndex);
        count++;
    }

    /** The Chronicle index of outbound {@code msgSeqNum}, or -1 when not journaled (or forgotten by a reset). */
    long outboundIndex(final int msgSeqNum)
    {
        if (count == 0 || msgSeqNum < seqNumAt(0) || msgSeqNum > seqNumAt(count - 1))
        {
            return -1;
        }
        final long guess = (long)count - 1 - ((long)seqNumAt(count - 1) - msgSeqNum);
        if (guess >= 0 && seqNumAt((int)guess) == msgSeqNum)
        {
            return indexAt((int)guess);
        }
        final int slot = firstSlotAtOrAbove(msgSeqNum);
        return seqNumAt(slot) == msgSeqNum ? indexAt(slot) : -1;
    }

    /** The highest MsgSeqNum indexed, 0 when none. */
    int highestIndexed()
    {
        return count == 0 ? 0 : seqNumAt(count - 1);
    }

    /** Number of indexed messages. */
    int indexedCount()
    {
        return count;
    }

    /** The first slot whose MsgSeqNum is at or above {@code msgSeqNum}; {@link #indexedCount()} when none. */
    int firstSlotAtOrAbove(final int msgSeqNum)
    {
        int low = 0;
        int high = count;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (seqNumAt(mid) < msgSeqNum)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    int seqNumAt(final int slot)
    {
        return pairs.getInt(slot * PAIR_BYTES + SEQ_NUM_OFFSET);
    }

    long indexAt(final int slot)
    {
        return pairs.getLong(slot * PAIR_BYTES + INDEX_OFFSET);
    }

    /** A reset that lowered the next sender seq num forgets outbound messages at or above it. */
    void forgetOutboundFrom(final int msgSeqNum)
    {
        count = firstSlotAtOrAbove(msgSeqNum);
    }

    private void putPair(final int slot, final int msgSeqNum, final long chronicleIndex)
    {
        pairs.putInt(slot * PAIR_BYTES + SEQ_NUM_OFFSET, msgSeqNum);
        pairs.putLong(slot * PAIR_BYTES + INDEX_OFFSET, chronicleIndex);
    }

    private void ensureCapacity()
    {
        if (count < capacity)
        {
            return;
        }
        if (capacity >= MAX_CAPACITY)
        {
            throw new JournalException("session " + sessionId + " has more than " + MAX_CAPACITY +
                " indexed outbound messages");
        }
        final int newCapacity = capacity == 0 ? INITIAL_CAPACITY : (int)Math.min((long)capacity << 1, MAX_CAPACITY);
        final ByteBuffer newMemory = ByteBuffer.allocateDirect(newCapacity * PAIR_BYTES);
        final UnsafeBuffer newPairs = new UnsafeBuffer(newMemory);
        if (memory != null)
        {
            newPairs.putBytes(0, pairs, 0, count * PAIR_BYTES);
            BufferUtil.free(memory);
        }
        memory = newMemory;
        pairs.wrap(newMemory);
        capacity = newCapacity;
    }

    void free()
    {
        if (memory != null)
        {
            BufferUtil.free(memory);
            memory = null;
            pairs.wrap(new byte[0]);
            capacity = 0;
            count = 0;
        }
    }
}
