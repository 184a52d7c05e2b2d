package dev.tandem.node;

/** What a node is doing now, as the admin API reports it. */
public enum NodeMode
{
    /** Replicating; the FIX port logs no one on. */
    Warm,
    /** Serving FIX sessions. */
    Hot,
    /** Fenced: it learnt that another node holds a higher epoch, and logs no one on. */
    Stale,
    /**
     * Failed while running (an agent thread died, the journal failed or its directory was lost): serves nothing, its
     * FIX and replication ports are closed; see {@link FailurePolicy}.
     */
    Failed,
    /** Shutting down or stopped. */
    Stopped
}
