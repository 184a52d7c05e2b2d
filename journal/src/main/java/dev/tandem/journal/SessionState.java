package dev.tandem.journal;

import java.nio.ByteBuffer;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One session's recovered state: next sender and target seq nums, and where each outbound MsgSeqNum is in the
 * queue. The index lives off-heap and doubles as it fills, so appends allocate no heap in steady state.
 * <p>
 * Not thread safe: owned by the journal's owner thread.
 */
final class SessionState
{
    private static final int INITIAL_CAPACITY = 1024;

    final long sessionId;
    int nextSenderSeqNum = 1;
    int nextTargetSeqNum = 1;

    private ByteBuffer memory;
    private final UnsafeBuffer slots = new UnsafeBuffer(new byte[0]);
    private int capacity;
    private int highestIndexed;

    SessionState(final long sessionId)
    {
        this.sessionId = sessionId;
    }

    /** Records where the outbound message {@code msgSeqNum} is (its Chronicle index). */
    void indexOutbound(final int msgSeqNum, final long chronicleIndex)
    {
        if (msgSeqNum >= capacity)
        {
            grow(msgSeqNum);
        }
        slots.putLong(msgSeqNum << 3, chronicleIndex + 1);
        if (msgSeqNum > highestIndexed)
        {
            highestIndexed = msgSeqNum;
        }
    }

    /** The Chronicle index of outbound {@code msgSeqNum}, or -1 when not journaled (or forgotten by a reset). */
    long outboundIndex(final int msgSeqNum)
    {
        if (msgSeqNum < 1 || msgSeqNum > highestIndexed)
        {
            return -1;
        }
        return slots.getLong(msgSeqNum << 3) - 1;
    }

    int highestIndexed()
    {
        return highestIndexed;
    }

    /** A reset that lowered the next sender seq num forgets outbound messages at or above it. */
    void forgetOutboundFrom(final int msgSeqNum)
    {
        if (msgSeqNum <= highestIndexed)
        {
            final int from = Math.max(msgSeqNum, 1);
            slots.setMemory(from << 3, (highestIndexed - from + 1) << 3, (byte)0);
            highestIndexed = from - 1;
        }
    }

    private void grow(final int msgSeqNum)
    {
        if (msgSeqNum >= Integer.MAX_VALUE >> 3)
        {
            throw new JournalException("MsgSeqNum " + msgSeqNum + " on session " + sessionId + " is too large");
        }
        int newCapacity = Math.max(INITIAL_CAPACITY, capacity);
        while (newCapacity <= msgSeqNum)
        {
            newCapacity = (int)Math.min((long)newCapacity << 1, Integer.MAX_VALUE >> 3);
        }
        final ByteBuffer newMemory = ByteBuffer.allocateDirect(newCapacity << 3);
        final UnsafeBuffer newSlots = new UnsafeBuffer(newMemory);
        if (memory != null)
        {
            newSlots.putBytes(0, slots, 0, capacity << 3);
            BufferUtil.free(memory);
        }
        memory = newMemory;
        slots.wrap(newMemory);
        capacity = newCapacity;
    }

    void free()
    {
        if (memory != null)
        {
            BufferUtil.free(memory);
            memory = null;
            slots.wrap(new byte[0]);
            capacity = 0;
            highestIndexed = 0;
        }
    }
}
