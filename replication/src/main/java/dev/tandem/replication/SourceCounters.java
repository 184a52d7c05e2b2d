package dev.tandem.replication;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the source has sent and the sink has acknowledged: positions, bytes, lag in bytes and time, the last round
 * trip, and what gates recorded. It is also the {@link AckProgress} that gates read.
 * <p>
 * Threading: the {@code on...} methods are called by the source's agent thread only; every accessor is a volatile
 * read, safe from any thread; {@link #recordTimeout()} and {@link #recordReleasedWhileAway()} from the gates' thread.
 */
final class SourceCounters implements AckProgress
{
    private final SentFrameLog sentLog = new SentFrameLog();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong releasedWhileAway = new AtomicLong();
    private final AtomicLong releasedUnprotected = new AtomicLong();
    private final AtomicLong releasedUnacknowledged = new AtomicLong();
    private final AtomicLong leaseHolds = new AtomicLong();
    private final AtomicLong lossWindowHolds = new AtomicLong();

    private volatile long leaseExpiryNs;
    private volatile long leaseRenewals;
    private volatile boolean everLeased;
    private volatile boolean releaseUnprotected;
    private volatile boolean holdingForLease;
    private volatile boolean holdingForLossWindow;

    private volatile boolean sinkAttached;
    private volatile long lossWindowFloor;
    private volatile long sentPosition;
    private volatile long ackedPosition;
    private volatile long bytesSent;
    private volatile long lagBytes;
    private volatile long oldestUnackedSentNs = Long.MIN_VALUE;
    private volatile long lastAckRoundTripNs;
    private volatile long sinkSessions;

    /** A sink that holds everything up to {@code sinkLast} is attached: lag starts from nothing. */
    void onAttached(final long sinkLast)
    {
        sentLog.reset(bytesSent);
        lagBytes = 0;
        oldestUnackedSentNs = Long.MIN_VALUE;
        sentPosition = sinkLast;
        ackedPosition = Math.max(ackedPosition, sinkLast);
    }

    /**
     * The welcome went out: the sink counts as attached from now on. {@code catchUpTargetPosition} is the source's
     * last position announced in it: the sink activates by itself only once it holds that far.
     */
    void onWelcomed(final long catchUpTargetPosition)
    {
        lossWindowFloor = Math.max(lossWindowFloor, catchUpTargetPosition);
        sinkSessions = sinkSessions + 1;
        sinkAttached = true;
    }

    /**
     * Marks the sink detached.
     *
     * @return false if no sink was attached (nothing changed).
     */
    boolean onDetached()
    {
        if (!sinkAttached)
        {
            return false;
        }
        sinkAttached = false;
        oldestUnackedSentNs = Long.MIN_VALUE;
        return true;
    }

    /** A data frame of {@code frameLength} bytes ending at position {@code lastPosition} was committed. */
    void onSent(final long lastPosition, final int frameLength, final long nowNs)
    {
        final long totalBytes = bytesSent + frameLength;
        bytesSent = totalBytes;
        sentPosition = lastPosition;
        sentLog.onSent(lastPosition, totalBytes, nowNs);
        if (oldestUnackedSentNs == Long.MIN_VALUE)
        {
            oldestUnackedSentNs = sentLog.oldestUnackedSentNs();
        }
        lagBytes = totalBytes - sentLog.ackedBytes();
    }

    /** The sink acknowledged holding everything up to {@code acked} (at most {@link #sentPosition()}). */
    void onAcked(final long acked, final long nowNs)
    {
        if (acked > ackedPosition)
        {
            ackedPosition = acked;
            sentLog.onAcked(acked, nowNs);
            lagBytes = bytesSent - sentLog.ackedBytes();
            oldestUnackedSentNs = sentLog.oldestUnackedSentNs();
            lastAckRoundTripNs = sentLog.lastRoundTripNs();
        }
    }

    /** No lease yet: expired as of {@code nowNs}. Called once, before any gate exists. */
    void initLease(final long nowNs)
    {
        leaseExpiryNs = nowNs;
    }

    /** The sink echoed a timestamp of ours: the lease now runs until {@code expiryNs}, unless it already ran longer. */
    void onLeaseRenewed(final long expiryNs)
    {
        if (expiryNs - leaseExpiryNs > 0)
        {
            leaseExpiryNs = expiryNs;
            leaseRenewals = leaseRenewals + 1;
            everLeased = true;
        }
    }

    /**
     * Where the loss window counts from, besides the acknowledged position: the newest catch-up target announced to
     * a sink. A sink never activates by itself before it holds its catch-up target, so while it catches up a failover
     * can lose at most the window beyond that target, not beyond what it has acknowledged so far; and the primary
     * keeps trading while a secondary with a long backlog catches up.
     */
    long lossWindowFloor()
    {
        return lossWindowFloor;
    }

    /** When the lease the secondary granted expires, on the source's nano clock; earlier than now = no lease. */
    long leaseExpiryNs()
    {
        return leaseExpiryNs;
    }

    long leaseRenewals()
    {
        return leaseRenewals;
    }

    /** True once any secondary has granted this source a lease: from then on an expired lease is a lost one. */
    boolean everLeased()
    {
        return everLeased;
    }

    void releaseUnprotected(final boolean releaseUnprotected)
    {
        this.releaseUnprotected = releaseUnprotected;
    }

    boolean releaseUnprotected()
    {
        return releaseUnprotected;
    }

    /** A gate released a position without its ack and without a lease (RELEASE_UNPROTECTED). */
    void recordReleasedUnprotected()
    {
        releasedUnprotected.incrementAndGet();
    }

    long releasedUnprotected()
    {
        return releasedUnprotected.get();
    }

    /** A gate released a position the secondary had not acknowledged (single writer: the session agent). */
    void recordReleasedUnacknowledged()
    {
        releasedUnacknowledged.lazySet(releasedUnacknowledged.get() + 1);
    }

    long releasedUnacknowledged()
    {
        return releasedUnacknowledged.get();
    }

    /** A gate started holding because the lease expired (counted once per episode). */
    void onLeaseHold()
    {
        holdingForLease = true;
        leaseHolds.incrementAndGet();
    }

    /** A gate started holding because the loss window is full (counted once per episode). */
    void onLossWindowHold()
    {
        holdingForLossWindow = true;
        lossWindowHolds.incrementAndGet();
    }

    /** A gate released again after holding. */
    void onHoldEnded()
    {
        holdingForLease = false;
        holdingForLossWindow = false;
    }

    long leaseHolds()
    {
        return leaseHolds.get();
    }

    long lossWindowHolds()
    {
        return lossWindowHolds.get();
    }

    boolean holdingForLease()
    {
        return holdingForLease;
    }

    boolean holdingForLossWindow()
    {
        return holdingForLossWindow;
    }

    @Override
    public boolean sinkAttached()
    {
        return sinkAttached;
    }

    long sentPosition()
    {
        return sentPosition;
    }

    @Override
    public long ackedPosition()
    {
        return ackedPosition;
    }

    long bytesSent()
    {
        return bytesSent;
    }

    long lagBytes()
    {
        return lagBytes;
    }

    long lagNs(final long nowNs)
    {
        final long oldest = oldestUnackedSentNs;
        return oldest == Long.MIN_VALUE ? 0 : Math.max(0, nowNs - oldest);
    }

    long lastAckRoundTripNs()
    {
        return lastAckRoundTripNs;
    }

    long sinkSessions()
    {
        return sinkSessions;
    }

    long timeouts()
    {
        return timeouts.get();
    }

    long releasedWhileAway()
    {
        return releasedWhileAway.get();
    }

    @Override
    public void recordTimeout()
    {
        timeouts.incrementAndGet();
    }

    @Override
    public void recordReleasedWhileAway()
    {
        releasedWhileAway.incrementAndGet();
    }
}
