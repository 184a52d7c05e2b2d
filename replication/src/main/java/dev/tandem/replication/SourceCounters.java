package dev.tandem.replication;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the source has sent and the sink has acknowledged: positions, bytes, lag in bytes and time, the last round
 * trip, and what gates recorded. It is also the {@link AckProgress} that gates read when {@code acks} is 1 (the
 * standby alone); with {@code acks} above 1 they read {@link #countedProgress()} instead, the position that many
 * sinks acknowledged, published here by the source's {@link AckCounter}.
 * <p>
 * Threading: every field has one writer. The {@code on...} methods that track the link ({@link #onAttached},
 * {@link #onWelcomed}, {@link #onDetached}, {@link #onSent}, {@link #onAcked}, {@link #initLease},
 * {@link #onLeaseRenewed}, {@link #onCounted}) are called by the source's agent thread only; what gates record
 * ({@link #recordTimeout}, {@link #recordReleasedWhileAway}, {@link #recordReleasedUnprotected},
 * {@link #recordReleasedUnacknowledged}, {@link #onLeaseHold}, {@link #onLossWindowHold}, {@link #onHoldEnded}) by
 * the session agent's thread, the only one that calls a {@code ReleaseGate}. A writer publishes with an ordered
 * store (a release: {@code setRelease} or {@code lazySet}), never a volatile store or an atomic increment, so the
 * data path pays no full fence; every accessor is a volatile read, safe from any thread, and sees a value no older
 * than the writer's previous store.
 */
final class SourceCounters implements AckProgress
{
    private static final VarHandle LEASE_EXPIRY_NS = handle("leaseExpiryNs", long.class);
    private static final VarHandle LEASE_RENEWALS = handle("leaseRenewals", long.class);
    private static final VarHandle EVER_LEASED = handle("everLeased", boolean.class);
    private static final VarHandle HOLDING_FOR_LEASE = handle("holdingForLease", boolean.class);
    private static final VarHandle HOLDING_FOR_LOSS_WINDOW = handle("holdingForLossWindow", boolean.class);
    private static final VarHandle SINK_ATTACHED = handle("sinkAttached", boolean.class);
    private static final VarHandle SENT_POSITION = handle("sentPosition", long.class);
    private static final VarHandle ACKED_POSITION = handle("ackedPosition", long.class);
    private static final VarHandle BYTES_SENT = handle("bytesSent", long.class);
    private static final VarHandle LAG_BYTES = handle("lagBytes", long.class);
    private static final VarHandle OLDEST_UNACKED_SENT_NS = handle("oldestUnackedSentNs", long.class);
    private static final VarHandle LAST_ACK_ROUND_TRIP_NS = handle("lastAckRoundTripNs", long.class);
    private static final VarHandle SINK_SESSIONS = handle("sinkSessions", long.class);
    private static final VarHandle COUNTED_ACKED_POSITION = handle("countedAckedPosition", long.class);
    private static final VarHandle COUNTED_SINKS_ATTACHED = handle("countedSinksAttached", boolean.class);

    private final SentFrameLog sentLog = new SentFrameLog();
    private final AckProgress countedProgress = new CountedProgress();
    // written by the session agent (the gates)
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong releasedWhileAway = new AtomicLong();
    private final AtomicLong releasedUnprotected = new AtomicLong();
    private final AtomicLong releasedUnacknowledged = new AtomicLong();
    private final AtomicLong leaseHolds = new AtomicLong();
    private final AtomicLong lossWindowHolds = new AtomicLong();
    private volatile boolean holdingForLease;
    private volatile boolean holdingForLossWindow;

    // written by whoever turns protection off (an operator's call through the node), rarely
    private volatile boolean releaseUnprotected;

    // written by the source's agent
    private volatile long leaseExpiryNs;
    private volatile long leaseRenewals;
    private volatile boolean everLeased;
    private volatile boolean sinkAttached;
    private volatile long catchUpTargetPosition;
    private volatile long sentPosition;
    private volatile long ackedPosition;
    private volatile long bytesSent;
    private volatile long lagBytes;
    private volatile long oldestUnackedSentNs = Long.MIN_VALUE;
    private volatile long lastAckRoundTripNs;
    private volatile long sinkSessions;
    private volatile long countedAckedPosition;
    private volatile boolean countedSinksAttached;

    private static VarHandle handle(final String field, final Class<?> type)
    {
        try
        {
            return MethodHandles.lookup().findVarHandle(SourceCounters.class, field, type);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Single writer: one more, published with an ordered store. */
    private static void increment(final AtomicLong counter)
    {
        counter.lazySet(counter.get() + 1);
    }

    /** A sink that holds everything up to {@code sinkLast} is attached: lag starts from nothing. */
    void onAttached(final long sinkLast)
    {
        sentLog.reset(bytesSent);
        LAG_BYTES.setRelease(this, 0L);
        OLDEST_UNACKED_SENT_NS.setRelease(this, Long.MIN_VALUE);
        SENT_POSITION.setRelease(this, sinkLast);
        ACKED_POSITION.setRelease(this, Math.max(ackedPosition, sinkLast));
    }

    /**
     * The welcome went out: the sink counts as attached from now on. {@code catchUpTargetPosition} is the source's
     * last position announced in it: the sink activates by itself only once it holds that far.
     */
    void onWelcomed(final long catchUpTargetPosition)
    {
        // once per attach, on the source's agent thread: a volatile store is no cost here
        this.catchUpTargetPosition = catchUpTargetPosition;
        SINK_SESSIONS.setRelease(this, sinkSessions + 1);
        SINK_ATTACHED.setRelease(this, true);
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
        SINK_ATTACHED.setRelease(this, false);
        OLDEST_UNACKED_SENT_NS.setRelease(this, Long.MIN_VALUE);
        return true;
    }

    /** A data frame of {@code frameLength} bytes ending at position {@code lastPosition} was committed. */
    void onSent(final long lastPosition, final int frameLength, final long nowNs)
    {
        final long totalBytes = bytesSent + frameLength;
        BYTES_SENT.setRelease(this, totalBytes);
        SENT_POSITION.setRelease(this, lastPosition);
        sentLog.onSent(lastPosition, totalBytes, nowNs);
        if (oldestUnackedSentNs == Long.MIN_VALUE)
        {
            OLDEST_UNACKED_SENT_NS.setRelease(this, sentLog.oldestUnackedSentNs());
        }
        LAG_BYTES.setRelease(this, totalBytes - sentLog.ackedBytes());
    }

    /** The sink acknowledged holding everything up to {@code acked} (at most {@link #sentPosition()}). */
    void onAcked(final long acked, final long nowNs)
    {
        if (acked > ackedPosition)
        {
            ACKED_POSITION.setRelease(this, acked);
            sentLog.onAcked(acked, nowNs);
            LAG_BYTES.setRelease(this, bytesSent - sentLog.ackedBytes());
            OLDEST_UNACKED_SENT_NS.setRelease(this, sentLog.oldestUnackedSentNs());
            LAST_ACK_ROUND_TRIP_NS.setRelease(this, sentLog.lastRoundTripNs());
        }
    }

    /** No lease yet: expired as of {@code nowNs}. Called once, before any gate exists. */
    void initLease(final long nowNs)
    {
        LEASE_EXPIRY_NS.setRelease(this, nowNs);
    }

    /** The sink echoed a timestamp of ours: the lease now runs until {@code expiryNs}, unless it already ran longer. */
    void onLeaseRenewed(final long expiryNs)
    {
        if (expiryNs - leaseExpiryNs > 0)
        {
            LEASE_EXPIRY_NS.setRelease(this, expiryNs);
            LEASE_RENEWALS.setRelease(this, leaseRenewals + 1);
            EVER_LEASED.setRelease(this, true);
        }
    }

    /**
     * With {@code acks} above 1: {@code position} is now acknowledged by that many sinks, the standby among them, and
     * {@code attached} says whether that many are attached, the standby among them. Each is published only when it
     * changed; the position never goes down.
     *
     * @return true if the counted position moved forward (a gate may now release more).
     */
    boolean onCounted(final long position, final boolean attached)
    {
        if (attached != countedSinksAttached)
        {
            COUNTED_SINKS_ATTACHED.setRelease(this, attached);
        }
        if (position > countedAckedPosition)
        {
            COUNTED_ACKED_POSITION.setRelease(this, position);
            return true;
        }
        return false;
    }

    /**
     * The highest position acknowledged by {@code acks} sinks, the standby among them, as last published by
     * {@link #onCounted}; 0 before any, and never written when {@code acks} is 1 (the gates then read
     * {@link #ackedPosition()}).
     */
    long countedAckedPosition()
    {
        return countedAckedPosition;
    }

    /**
     * What the gates read when {@code acks} is above 1: {@link AckProgress#ackedPosition()} is
     * {@link #countedAckedPosition()}, {@link AckProgress#sinkAttached()} is true while {@code acks} sinks are
     * attached, the standby among them, and what a gate records is counted here as from any gate.
     */
    AckProgress countedProgress()
    {
        return countedProgress;
    }

    /**
     * The source's last position announced in the newest welcome: the sink's catch-up target, which only grows (the
     * source's journal only grows). The loss window counts from it too while the sink is behind it: a sink never
     * activates by itself before it holds its catch-up target, so a failover can lose at most the window beyond that
     * target, and the primary keeps trading while a secondary with a long backlog catches up.
     */
    long catchUpTargetPosition()
    {
        return catchUpTargetPosition;
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
        increment(releasedUnprotected);
    }

    long releasedUnprotected()
    {
        return releasedUnprotected.get();
    }

    /** A gate released a position the secondary had not acknowledged. */
    void recordReleasedUnacknowledged()
    {
        increment(releasedUnacknowledged);
    }

    long releasedUnacknowledged()
    {
        return releasedUnacknowledged.get();
    }

    /** A gate started holding because the lease expired (counted once per episode). */
    void onLeaseHold()
    {
        HOLDING_FOR_LEASE.setRelease(this, true);
        increment(leaseHolds);
    }

    /** A gate started holding because the loss window is full (counted once per episode). */
    void onLossWindowHold()
    {
        HOLDING_FOR_LOSS_WINDOW.setRelease(this, true);
        increment(lossWindowHolds);
    }

    /** A gate released again after holding. */
    void onHoldEnded()
    {
        HOLDING_FOR_LEASE.setRelease(this, false);
        HOLDING_FOR_LOSS_WINDOW.setRelease(this, false);
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
        increment(timeouts);
    }

    @Override
    public void recordReleasedWhileAway()
    {
        increment(releasedWhileAway);
    }

    /** The view of {@link #countedProgress()}: reads the counted fields, records into this object's counters. */
    private final class CountedProgress implements AckProgress
    {
        @Override
        public long ackedPosition()
        {
            return countedAckedPosition;
        }

        @Override
        public boolean sinkAttached()
        {
            return countedSinksAttached;
        }

        @Override
        public void recordTimeout()
        {
            SourceCounters.this.recordTimeout();
        }

        @Override
        public void recordReleasedWhileAway()
        {
            SourceCounters.this.recordReleasedWhileAway();
        }
    }
}
