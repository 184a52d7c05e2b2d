package dev.tandem.benchmarks.session;

import org.HdrHistogram.Histogram;

/**
 * Records round trips timed from their intended send time, so a late send (the sender or the system fell behind)
 * counts against latency instead of being hidden: coordinated omission is corrected by construction. Message
 * {@code id} was meant to leave at {@code startNs + id * intervalNs}; its round trip is its echo's arrival minus that.
 * Ids below {@code warmupMessages} are not recorded.
 * <p>
 * Threading: {@link #onEcho} from one thread (the thread that receives the echoes); {@link #intendedSendNs} from any.
 * Allocation-free after construction.
 */
final class RoundTripRecorder
{
    private static final long HIGHEST_TRACKABLE_NS = 60_000_000_000L;

    private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
    private final long intervalNs;
    private final int warmupMessages;
    private final int totalMessages;
    private volatile long startNs;
    private volatile int echoes;

    RoundTripRecorder(final long intervalNs, final int warmupMessages, final int totalMessages)
    {
        this.intervalNs = intervalNs;
        this.warmupMessages = warmupMessages;
        this.totalMessages = totalMessages;
    }

    /** Fixes time zero: message 0 is meant to leave at {@code startNs}. */
    void start(final long startNs)
    {
        this.startNs = startNs;
    }

    long intendedSendNs(final int id)
    {
        return startNs + id * intervalNs;
    }

    int totalMessages()
    {
        return totalMessages;
    }

    void onEcho(final int id, final long nowNs)
    {
        if (id >= warmupMessages && id < totalMessages)
        {
            histogram.recordValue(Math.min(HIGHEST_TRACKABLE_NS, Math.max(0, nowNs - intendedSendNs(id))));
        }
        echoes++;
    }

    int echoes()
    {
        return echoes;
    }

    Histogram histogram()
    {
        return histogram;
    }
}
