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

    /** Appends the Prometheus text exposition of the node's metrics. */
    void writeMetrics(StringBuilder out);
}
