package dev.tandem.replication;

import dev.tandem.journal.ReleaseGate;
import org.agrona.concurrent.NanoClock;

/**
 * Wraps every ack strategy's gate (built-in or a user's) with the two rules that make "release without waiting for
 * the ack" safe to fail over from:
 * <ol>
 * <li><b>The lease.</b> A position the secondary has not acknowledged is released only while the lease it granted
 * holds, on the source's own monotonic clock, read at the moment of the decision: a node that wakes from a pause
 * (SIGSTOP, a long GC, a frozen VM) sees at once that its lease ran out while it slept, and releases nothing the
 * secondary may lack. When the lease has expired, {@link WhenLeaseExpired} says whether to hold or to release
 * unprotected. Before any secondary has ever granted this source a lease (a primary whose secondary has not attached
 * yet, a node just turned Hot whose new secondary has not joined) there is no lease to lose: unacknowledged positions
 * are released as the strategy says, counted as unprotected.</li>
 * <li><b>The loss window.</b> While the lease holds, a released unacknowledged position may run at most
 * {@code maxUnackedEntries} ahead of the acknowledged one, or of the catch-up target announced to the sink if that
 * is further (a sink does not activate by itself before it holds its catch-up target, so a secondary catching up a
 * long backlog does not stall the primary); at the limit the gate waits. A failover can therefore lose at most that
 * many entries, and the secondary knows the number (the source announces it in the handshake).</li>
 * </ol>
 * An acknowledged position is always released: the secondary holds it, whatever happens next.
 * <p>
 * "Acknowledged" means two things here. What the strategy's gate decides from, and what this gate releases at once,
 * is the position the source's {@link AckProgress} reports: the standby's acknowledged position, or with {@code acks}
 * above 1 the position that many sinks acknowledged, the standby among them (so it never runs ahead of the standby's).
 * The lease, the loss window and what counts as released unacknowledged concern the standby alone, read from
 * {@link SourceCounters}: only the standby may activate, so a position the standby holds needs no lease, whatever
 * the DR sinks hold. With {@code acks: 1} the two are the same object.
 * <p>
 * The strategy's own gate is asked first; once it has said RELEASE for a position it is not asked again about it, so
 * its counters (timeouts, releases while away) count each position once however long the lease holds it.
 * <p>
 * Not thread safe: the session agent's thread only. Allocation-free.
 */
final class LeaseGate implements ReleaseGate
{
    private final ReleaseGate strategyGate;
    private final AckProgress progress;
    private final SourceCounters counters;
    private final NanoClock clock;
    private final long maxUnackedEntries;
    private long approvedPosition;
    private long releasedUnackedUpTo;
    private boolean holdingForLease;
    private boolean holdingForLossWindow;

    /**
     * @param strategyGate      the ack strategy's gate, made from {@code progress}.
     * @param progress          what the strategy's gate reads: the counted acknowledgements.
     * @param counters          the standby's counters: its acknowledged position and its lease.
     * @param clock             the source's clock, read afresh for every lease check.
     * @param maxUnackedEntries the loss window, in journal entries.
     */
    LeaseGate(
        final ReleaseGate strategyGate,
        final AckProgress progress,
        final SourceCounters counters,
        final NanoClock clock,
        final long maxUnackedEntries)
    {
        this.strategyGate = strategyGate;
        this.progress = progress;
        this.counters = counters;
        this.clock = clock;
        this.maxUnackedEntries = maxUnackedEntries;
    }

    /**
     * {@inheritDoc}
     * <p>
     * {@code nowNs} goes to the strategy's gate (its timeouts); the lease is checked against a fresh read of the
     * source's clock, because the caller's {@code nowNs} may have been read before a pause.
     */
    @Override
    public int check(final long position, final long enqueuedNs, final long nowNs)
    {
        if (progress.ackedPosition() >= position)
        {
            return released();
        }
        if (position > approvedPosition)
        {
            final int verdict = strategyGate.check(position, enqueuedNs, nowNs);
            if (verdict != RELEASE)
            {
                return verdict;
            }
            approvedPosition = position;
        }
        // the standby's own: with acks above 1 the strategy released on its timeout, and the standby may hold it
        final long acked = counters.ackedPosition();
        if (acked >= position)
        {
            return released();
        }
        if (clock.nanoTime() - counters.leaseExpiryNs() < 0)
        {
            if (position - Math.max(acked, counters.catchUpTargetPosition()) > maxUnackedEntries)
            {
                if (!holdingForLossWindow)
                {
                    holdingForLossWindow = true;
                    counters.onLossWindowHold();
                }
                return WAIT;
            }
            releasedUnackedUpTo = position;
            counters.recordReleasedUnacknowledged();
            return released();
        }
        // before any secondary has granted a lease there is no promise to keep and no node that can take over from
        // us by itself (a secondary that never heard from us does not activate by TryHeartbeat): release, counted
        if (counters.releaseUnprotected() || !counters.everLeased())
        {
            counters.recordReleasedUnprotected();
            counters.recordReleasedUnacknowledged();
            releasedUnackedUpTo = position;
            return released();
        }
        if (!holdingForLease)
        {
            holdingForLease = true;
            counters.onLeaseHold();
        }
        return WAIT;
    }

    /**
     * {@inheritDoc}
     * <p>
     * Yes once everything released without its ack has been acknowledged; otherwise only under the same rule as a
     * release: a valid lease (on a fresh read of the clock), RELEASE_UNPROTECTED, or no lease ever granted. Positions
     * are released in order, so bytes still unwritten are at or below the last released position.
     */
    @Override
    public boolean mayWriteReleased()
    {
        if (counters.ackedPosition() >= releasedUnackedUpTo ||
            clock.nanoTime() - counters.leaseExpiryNs() < 0 || counters.releaseUnprotected() || !counters.everLeased())
        {
            if (holdingForLease && !holdingForLossWindow)
            {
                holdingForLease = false;
                counters.onHoldEnded();
            }
            return true;
        }
        if (!holdingForLease)
        {
            holdingForLease = true;
            counters.onLeaseHold();
        }
        return false;
    }

    private int released()
    {
        if (holdingForLease || holdingForLossWindow)
        {
            holdingForLease = false;
            holdingForLossWindow = false;
            counters.onHoldEnded();
        }
        return RELEASE;
    }
}
