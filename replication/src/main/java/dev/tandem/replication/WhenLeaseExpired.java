package dev.tandem.replication;

/**
 * What the primary does with a message its ack strategy would release unacknowledged once the lease granted by the
 * secondary has expired (the secondary is dead, partitioned or paused, and may be about to activate). Set in YAML as
 * {@code whenLeaseExpired} on the source, and switchable at run time through
 * {@link ReplicationSource#whenLeaseExpired(WhenLeaseExpired)} (the node's admin API does this). It applies once a
 * secondary has granted the source a lease: before the first grant there is no lease to lose, and unacknowledged
 * messages go as the ack strategy says (counted as unprotected).
 */
public enum WhenLeaseExpired
{
    /**
     * Hold the message until the secondary renews the lease or acknowledges it (back-pressure, counted). Nothing the
     * new primary lacks can reach the counterparty, whatever the fault; a dead secondary stalls outbound traffic until
     * it returns or an operator switches to {@link #RELEASE_UNPROTECTED}. The default.
     */
    HOLD,
    /**
     * Release anyway, counted: trading goes on without a secondary. Use it once you know the secondary is dead and
     * will not activate (it was stopped, or its host is gone). If it is alive behind a partition or a pause it may
     * activate too, both nodes then send, and the loss bound no longer holds: everything released this way may be
     * missing on the secondary.
     */
    RELEASE_UNPROTECTED
}
