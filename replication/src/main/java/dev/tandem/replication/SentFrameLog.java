package dev.tandem.replication;

/**
 * The data frames sent and not yet acknowledged: last position, cumulative bytes and send time of each, in a
 * fixed ring, so acknowledgements turn into lag in bytes and time and a round-trip time without allocating.
 * When the ring is full the newest frames are not recorded, which only makes the time lag read low until it drains.
 * <p>
 * Not thread safe: owned by the source's agent.
 */
final class SentFrameLog
{
    private static final int CAPACITY = 4096;
    private static final int MASK = CAPACITY - 1;

    private final long[] positions = new long[CAPACITY];
    private final long[] cumulativeBytes = new long[CAPACITY];
    private final long[] sentNs = new long[CAPACITY];
    private long head;
    private long tail;
    private long ackedBytes;
    private long lastRoundTripNs;

    void reset(final long bytesSentSoFar)
    {
        head = 0;
        tail = 0;
        ackedBytes = bytesSentSoFar;
    }

    void onSent(final long lastPosition, final long bytesSentSoFar, final long nowNs)
    {
        if (tail - head < CAPACITY)
        {
            final int i = (int)(tail & MASK);
            positions[i] = lastPosition;
            cumulativeBytes[i] = bytesSentSoFar;
            sentNs[i] = nowNs;
            tail++;
        }
    }

    void onAcked(final long ackedPosition, final long nowNs)
    {
        while (head < tail)
        {
            final int i = (int)(head & MASK);
            if (positions[i] > ackedPosition)
            {
                break;
            }
            ackedBytes = cumulativeBytes[i];
            lastRoundTripNs = nowNs - sentNs[i];
            head++;
        }
    }

    /** Send time of the oldest unacknowledged frame, or {@link Long#MIN_VALUE} when all are acknowledged. */
    long oldestUnackedSentNs()
    {
        return head < tail ? sentNs[(int)(head & MASK)] : Long.MIN_VALUE;
    }

    long ackedBytes()
    {
        return ackedBytes;
    }

    long lastRoundTripNs()
    {
        return lastRoundTripNs;
    }
}
