package dev.tandem.fix;

import dev.tandem.journal.ReleaseGate;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A session's outbound bytes: messages that are journaled and wait for the release gate, then released bytes that
 * wait for the socket. One contiguous direct buffer: {@code [0, sent)} written, {@code [sent, released)} released and
 * not yet written, {@code [released, tail)} waiting for the gate (one record per message, in order). Bounded: a
 * claim that does not fit is refused, which is how a slow consumer back-pressures the application.
 * <p>
 * Not thread safe: session agent thread only.
 */
final class OutboundQueue
{
    static final int RELEASED_ALL = 0;
    static final int GATE_DISCONNECT = -1;

    private final ByteBuffer byteBuffer;
    private final UnsafeBuffer buffer;
    private final int capacity;
    private final long[] positions;
    private final long[] enqueuedNs;
    private final int[] ends;
    private final int recordMask;
    private int head;
    private int count;
    private int sent;
    private int released;
    private int tail;

    OutboundQueue(final int capacityBytes, final int maxRecords)
    {
        this.byteBuffer = ByteBuffer.allocateDirect(capacityBytes);
        this.buffer = new UnsafeBuffer(byteBuffer);
        this.capacity = capacityBytes;
        final int records = Integer.highestOneBit(Math.max(maxRecords, 16) - 1) << 1;
        this.positions = new long[records];
        this.enqueuedNs = new long[records];
        this.ends = new int[records];
        this.recordMask = records - 1;
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * Makes room for {@code length} bytes at the tail, compacting written bytes away if needed.
     *
     * @return the offset to write at, or -1 if the bytes do not fit or too many messages wait.
     */
    int claim(final int length)
    {
        if (count == positions.length)
        {
            return -1;
        }
        if (tail + length > capacity && sent > 0)
        {
            compact();
        }
        return tail + length > capacity ? -1 : tail;
    }

    /** Appends the message at {@code [tail, tail + length)} as waiting for the gate; position 0 means no gate. */
    void commit(final int length, final long position, final long nowNs)
    {
        tail += length;
        final int index = (head + count) & recordMask;
        positions[index] = position;
        enqueuedNs[index] = nowNs;
        ends[index] = tail;
        count++;
    }

    /**
     * Releases waiting messages in order while the gate allows.
     *
     * @return how many were released, or {@link #GATE_DISCONNECT} when the gate says to disconnect.
     */
    int release(final ReleaseGate gate, final long nowNs)
    {
        int releasedCount = 0;
        while (count > 0)
        {
            final long position = positions[head];
            if (position > 0)
            {
                final int verdict = gate.check(position, enqueuedNs[head], nowNs);
                if (verdict == ReleaseGate.WAIT)
                {
                    break;
                }
                if (verdict == ReleaseGate.DISCONNECT)
                {
                    return GATE_DISCONNECT;
                }
            }
            released = ends[head];
            head = (head + 1) & recordMask;
            count--;
            releasedCount++;
        }
        return releasedCount;
    }

    /** Whether the oldest unreleased message waits for the gate (it has a journal position the gate has not let go). */
    boolean waitsForGate()
    {
        return count > 0 && positions[head] > 0;
    }

    /** When the oldest unreleased message was queued ({@link System#nanoTime()}); meaningful while {@link #waitsForGate()}. */
    long oldestWaitingNs()
    {
        return enqueuedNs[head];
    }

    /**
     * Writes released bytes to the channel without blocking.
     *
     * @return bytes written.
     */
    int write(final SocketChannel channel) throws IOException
    {
        if (released == sent)
        {
            return 0;
        }
        byteBuffer.limit(released).position(sent);
        final int written = channel.write(byteBuffer);
        sent += written;
        if (sent == tail)
        {
            sent = 0;
            released = 0;
            tail = 0;
        }
        return written;
    }

    boolean hasReleasedUnwritten()
    {
        return released > sent;
    }

    boolean isEmpty()
    {
        return tail == sent && count == 0;
    }

    int waitingCount()
    {
        return count;
    }

    int freeBytes()
    {
        return capacity - tail + sent;
    }

    void clear()
    {
        head = 0;
        count = 0;
        sent = 0;
        released = 0;
        tail = 0;
    }

    private void compact()
    {
        final int shift = sent;
        buffer.putBytes(0, buffer, shift, tail - shift);
        for (int i = 0; i < count; i++)
        {
            ends[(head + i) & recordMask] -= shift;
        }
        sent = 0;
        released -= shift;
        tail -= shift;
    }
}
