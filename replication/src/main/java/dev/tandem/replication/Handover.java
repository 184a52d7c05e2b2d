package dev.tandem.replication;

/**
 * Where a planned switchover stands on the source's side, as {@link ReplicationSource#handover()} reports it. The
 * node asks the source to hand over with {@link ReplicationSource#handOver(long)} once it has stopped releasing; the
 * source sends the HANDOVER frame when the attached sink has acknowledged the given position, and the sink answers
 * HANDOVER_ACCEPTED (it activates) or closes the connection with a reason (it does not).
 */
public enum Handover
{
    /** No handover asked for. */
    NONE,
    /** Asked for: waiting until the attached sink has acknowledged the position, then the frame goes out. */
    PENDING,
    /** The HANDOVER frame went out; no answer yet. */
    SENT,
    /** The sink accepted: it activates at the next epoch, and this node must never release again at this epoch. */
    ACCEPTED,
    /** The sink refused (it closed the connection and said why): it does not activate by this handover. */
    REFUSED,
    /**
     * The connection ended after the frame went out without an answer: the sink may or may not have accepted, so
     * this node must behave as if it did (never serve again at this epoch).
     */
    LOST
}
