package dev.tandem.replication;

import dev.tandem.journal.ReleaseGate;

/**
 * Releases a message only once the secondary has acknowledged its position.
 * <p>
 * Trade-off: nothing the counterparty saw can be missing on the secondary, but while the secondary is away or slow
 * every outbound message waits (in order, without blocking the session thread), so trading stalls with it. YAML:
 * {@code !WaitForever {}} or the alias {@code WAIT_FOREVER_FOR_REPLICA_ACK}. Immutable; thread safe.
 */
public final class WaitForever extends StatelessAckStrategy
{
    /** Only acknowledged positions are released: a failover can lose nothing the counterparty saw. */
    @Override
    public boolean mayReleaseUnacknowledged()
    {
        return false;
    }

    @Override
    public ReleaseGate newGate(final AckProgress progress)
    {
        return new Gate(progress);
    }

    /**
     * Released once acknowledged. A named class, not a lambda: an activation creates the first gate of a process,
     * and linking a lambda there costs it a millisecond or so (see the node's {@code ActivationPreload}).
     */
    private static final class Gate implements ReleaseGate
    {
        private final AckProgress progress;

        Gate(final AckProgress progress)
        {
            this.progress = progress;
        }

        @Override
        public int check(final long position, final long enqueuedNs, final long nowNs)
        {
            return progress.ackedPosition() >= position ? RELEASE : WAIT;
        }
    }
}
