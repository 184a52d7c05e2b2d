package dev.tandem.node;

/**
 * What the admin API and the peer check need to know about a node, and the one action they may take.
 * <p>
 * Threading: every method is called from the admin server's threads and must be thread safe.
 */
public interface NodeStatus
{
    int nodeId();

    Role role();

    NodeMode mode();

    long epoch();

    /** The journal's last position (0 when empty): a peer compares it with its own at the same epoch. */
    default long journalPosition()
    {
        return 0;
    }

    /** The activation mode's name, e.g. {@code TryHeartbeat}. */
    String activationName();

    /** Why the node is in its mode (e.g. why it went Stale), or an empty string. */
    String reason();

    /**
     * Asks the node to turn Hot and waits up to {@code timeoutMs} for it.
     *
     * @return the mode after the call; {@link NodeMode#Hot} on success.
     */
    NodeMode activate(String why, long timeoutMs);

    /**
     * Where this node's primary listens ({@code host:port}: its replication address and its admin address) when this
     * node is a SECONDARY, so that an operator's activation can first check whether the primary is alive; empty for
     * a PRIMARY.
     */
    default java.util.List<String> primaryAddresses()
    {
        return java.util.List.of();
    }

    /**
     * Sets what unacknowledged messages do once the secondary's lease has expired ({@code choice} null only reads
     * it), on a Hot node that replicates.
     *
     * @return the choice in force.
     * @throws IllegalStateException when the node has no replication source to apply it to.
     */
    default dev.tandem.replication.WhenLeaseExpired whenLeaseExpired(
        final dev.tandem.replication.WhenLeaseExpired choice)
    {
        throw new IllegalStateException("this node has no replication source");
    }

    /**
     * Why the node is degraded (its replica lags beyond the configured thresholds, or it holds messages for an
     * expired lease), or an empty string: a degraded node still serves; {@code /health} says so with status 200.
     */
    default String degraded()
    {
        return "";
    }

    /** Appends the Prometheus text exposition of the node's metrics. */
    void writeMetrics(StringBuilder out);

    /**
     * Whether a planned switchover can run now: a Hot node with a secondary attached, or a Warm node streaming from
     * its primary.
     */
    default boolean switchoverPossible()
    {
        return false;
    }

    /**
     * Performs a planned switchover (see {@code PlannedSwitchover}) and waits for its outcome; blocks the caller.
     *
     * @param timeoutMs how long the secondary may take to acknowledge the primary's whole journal.
     */
    default SwitchoverOutcome switchover(final long timeoutMs)
    {
        return new SwitchoverOutcome("refused", false, "this node does not perform switchovers");
    }

    /**
     * On a node left Stale because its primary refused its journal as diverged ({@code replication.onDivergence:
     * STOP}), sets that journal aside as {@code SET_ASIDE} would and rejoins as a Warm secondary of the primary,
     * without a restart; refused on any other node. Blocks the caller until the outcome, at most {@code timeoutMs}.
     *
     * @param by who asks, for the log.
     */
    default RejoinOutcome rejoin(final String by, final long timeoutMs)
    {
        return new RejoinOutcome("refused", false, "", "this node does not rejoin");
    }
}
