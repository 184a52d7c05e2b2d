package dev.tandem.node;

/**
 * What a node does once it has failed while running (an agent thread died, the journal failed or its directory was
 * lost): key {@code onFailure}. In both cases the node is {@link NodeMode#Failed} at once: {@code /health} answers 503
 * with the reason, the FIX and replication ports are closed and one {@code TANDEM FAILED} line is printed.
 */
public enum FailurePolicy
{
    /**
     * The default: then exit the process with {@link Node#EXIT_FAILED}, so a supervisor restarts it and the
     * secondary takes over meanwhile (its replication connection resets at once).
     */
    EXIT,

    /** Then stay up, unhealthy, serving only the admin API: for an application that embeds the node. */
    STAY_UP
}
