package dev.tandem.journal;

/**
 * Lets through at most {@code burst} log lines per interval and counts the rest, so a flood (refused peers, unknown
 * CompIDs, a slow consumer) writes a bounded number of lines however fast it comes. The caller asks before it formats
 * anything, so a suppressed line costs a comparison and an increment, no allocation:
 * <pre>
 * if (refusals.tryAcquire(nowNs))
 * {
 *     LOG.warn("refused {}: {} ({} similar suppressed)", remote, reason, refusals.takeSuppressed());
 * }
 * </pre>
 * Lives in the journal module because every other module depends on it; it has nothing to do with the journal.
 * <p>
 * Not thread safe: one owner thread (an agent's duty cycle, or calls under one lock).
 */
public final class LogRateLimiter
{
    private final int burst;
    private final long intervalNs;
    private long windowStartNs;
    private int inWindow;
    private long suppressed;
    private volatile long suppressedTotal;
    private boolean started;

    /**
     * @param burst      lines allowed per interval, at least 1.
     * @param intervalNs length of the interval in nanoseconds, at least 1.
     */
    public LogRateLimiter(final int burst, final long intervalNs)
    {
        if (burst < 1 || intervalNs < 1)
        {
            throw new IllegalArgumentException("burst " + burst + " and intervalNs " + intervalNs + " must be >= 1");
        }
        this.burst = burst;
        this.intervalNs = intervalNs;
    }

    /**
     * @param nowNs a monotonic time in nanoseconds (System.nanoTime or an injected NanoClock).
     * @return true if a line may be written now; false counts one suppressed line.
     */
    public boolean tryAcquire(final long nowNs)
    {
        if (!started || nowNs - windowStartNs >= intervalNs)
        {
            started = true;
            windowStartNs = nowNs;
            inWindow = 0;
        }
        if (inWindow < burst)
        {
            inWindow++;
            return true;
        }
        suppressed++;
        suppressedTotal = suppressedTotal + 1;
        return false;
    }

    /** Lines suppressed since the last call (to print with the next line that is let through); resets to 0. */
    public long takeSuppressed()
    {
        final long count = suppressed;
        suppressed = 0;
        return count;
    }

    /** Lines suppressed since creation; any thread may read it. */
    public long suppressedTotal()
    {
        return suppressedTotal;
    }
}
