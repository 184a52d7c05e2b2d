package dev.tandem.node;

/**
 * Why a Warm node may activate before the lease it granted the primary has expired: only on proof that the primary
 * can release nothing more, never on silence alone.
 */
enum ActivationProof
{
    /** No proof: wait until last contact + lease + margin ({@code ReplicationSink.earliestActivationNs()}). */
    NONE,
    /** The primary stopped serving and handed over (a planned switchover). */
    HANDOVER,
    /**
     * The replication connection was lost and a re-dial was refused: nothing listens on the primary's replication
     * port, so its process is gone (a Tandem node closes that port only after its FIX acceptor).
     */
    REFUSED
}
