package dev.tandem.fix;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Inbound messages that arrived with a MsgSeqNum above the expected one, held (bounded) until the gap before them is
 * filled. A message that does not fit is dropped: our ResendRequest asks up to infinity, so the counterparty sends
 * it again. Records: {@code [msgSeqNum int][length int][bytes]}; a taken record's seq num becomes 0.
 * <p>
 * Not thread safe: session agent thread only.
 */
final class InboundQueue
{
    private static final int HEADER = 8;

    private final UnsafeBuffer buffer;
    private int limit;
    private int live;

    InboundQueue(final int capacityBytes)
    {
        buffer = new UnsafeBuffer(new byte[capacityBytes]);
    }

    /** @return false if dropped (full or the seq num is already held). */
    boolean offer(final int msgSeqNum, final DirectBuffer src, final int offset, final int length)
    {
        if (find(msgSeqNum) >= 0 || limit + HEADER + length > buffer.capacity())
        {
            return false;
        }
        buffer.putInt(limit, msgSeqNum);
        buffer.putInt(limit + 4, length);
        buffer.putBytes(limit + HEADER, src, offset, length);
        limit += HEADER + length;
        live++;
        return true;
    }

    /** Offset of the record holding {@code msgSeqNum}, or -1. */
    int find(final int msgSeqNum)
    {
        for (int p = 0; p < limit; p += HEADER + buffer.getInt(p + 4))
        {
            if (buffer.getInt(p) == msgSeqNum)
            {
                return p;
            }
        }
        return -1;
    }

    MutableDirectBuffer buffer()
    {
        return buffer;
    }

    static int messageOffset(final int record)
    {
        return record + HEADER;
    }

    int messageLength(final int record)
    {
        return buffer.getInt(record + 4);
    }

    /** Copies the record's message to {@code dst} (so the queue may change while it is processed) and drops it. */
    int take(final int record, final MutableDirectBuffer dst)
    {
        final int length = messageLength(record);
        dst.putBytes(0, buffer, record + HEADER, length);
        buffer.putInt(record, 0);
        if (--live == 0)
        {
            limit = 0;
        }
        return length;
    }

    /** Drops every record below {@code msgSeqNum}. */
    void dropBelow(final int msgSeqNum)
    {
        for (int p = 0; p < limit; p += HEADER + buffer.getInt(p + 4))
        {
            final int seq = buffer.getInt(p);
            if (seq != 0 && seq < msgSeqNum)
            {
                buffer.putInt(p, 0);
                live--;
            }
        }
        if (live == 0)
        {
            limit = 0;
        }
    }

    /** Lowest seq num held, or 0 when empty. */
    int lowestSeqNum()
    {
        int lowest = 0;
        for (int p = 0; p < limit; p += HEADER + buffer.getInt(p + 4))
        {
            final int seq = buffer.getInt(p);
            if (seq != 0 && (lowest == 0 || seq < lowest))
            {
                lowest = seq;
            }
        }
        return lowest;
    }

    boolean isEmpty()
    {
        return live == 0;
    }

    void clear()
    {
        limit = 0;
        live = 0;
    }
}
