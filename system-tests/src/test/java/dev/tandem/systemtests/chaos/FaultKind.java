package dev.tandem.systemtests.chaos;

/** The faults a chaos run injects, one at a time. */
enum FaultKind
{
    /** SIGKILL of the Hot node; it comes back as the new primary's secondary (rejoin). */
    KILL_HOT,
    /** SIGKILL of the Warm node; it comes back as a secondary. */
    KILL_WARM,
    /** SIGSTOP of the Hot node for 0.5-3 s, then SIGCONT: a GC pause, a stalled VM, a frozen container. */
    PAUSE_HOT,
    /** SIGTERM of the Hot node (a clean stop); it comes back as a secondary. */
    TERM_HOT,
    /** Every connection of the replication link reset at once through the fault proxy. */
    LINK_DROP,
    /** The replication link stops forwarding both ways for 0.5-3 s, then resumes. */
    LINK_STALL
}
