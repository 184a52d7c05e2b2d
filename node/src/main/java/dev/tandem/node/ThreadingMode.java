package dev.tandem.node;

/**
 * How a node runs its agents (the FIX engine, the replication source or sink, the control agent).
 * <p>
 * Whatever the mode, the admin HTTP workers, the fencing probe (a sleeping 5 ms loop after an activation) and, while
 * Warm or Stale, the standby listener keep threads of their own: none of them is on the latency path.
 */
public enum ThreadingMode
{
    /** One thread per agent, each with its own idle strategy: the lowest latency, one core per busy agent. */
    DEDICATED,
    /**
     * The FIX engine and the replication agents on one thread (one composite duty cycle with one idle strategy): one
     * core for the node's latency path, its agents' work serialised. The control agent keeps a thread of its own that
     * backs off to 1 ms parks, off the latency path.
     */
    SHARED,
    /**
     * No thread of the node's own for its agents: the application calls {@code tandem.invoker().invoke()} from its
     * own loop (and idles as it likes). Nothing moves while the application does not call it: no Logon, no
     * heartbeat, no replication, no activation.
     */
    INVOKER
}
