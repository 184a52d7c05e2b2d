package dev.tandem.node;

import java.nio.file.Path;

/**
 * Typed events of a node's life, for the application that embeds it (set with
 * {@link TandemContext#listener(NodeListener)}). Every method has an empty default: implement what you need.
 * <p>
 * Threading: called from the node's control duty cycle (or, for {@link #onReady}, the launching thread; for
 * {@link #onFailed}, the thread that found the failure, which may be any of the node's agents). A listener must
 * not block and must not call back into the node's lifecycle ({@code close()}, {@code activate}): hand the event
 * to a thread of your own for that. Exceptions it throws go to the node's error handler.
 */
public interface NodeListener
{
    /** The node has started: Hot (a PRIMARY), Warm (a SECONDARY, or a PRIMARY waiting for its lock) or Stale. */
    default void onReady(final NodeStatus node)
    {
    }

    /** The node turned Hot at {@code epoch}: its FIX acceptor serves, on the replicated journal after activation. */
    default void onHot(final NodeStatus node, final long epoch, final String why)
    {
    }

    /**
     * An activation could not complete and the node stays Warm at its epoch (for example its onward replication
     * port could not be bound); it is tried again.
     */
    default void onWarm(final NodeStatus node, final String why)
    {
    }

    /** The node is Stale: another node holds a higher epoch, or its journal diverged under onDivergence STOP. */
    default void onStale(final NodeStatus node, final String why)
    {
    }

    /** The node failed while running ({@link NodeMode#Failed}); see its {@code onFailure} policy. */
    default void onFailed(final NodeStatus node, final String why)
    {
    }

    /** The primary refused this journal as diverged: it was moved to {@code setAside}, replication starts over. */
    default void onDiverged(final NodeStatus node, final Path setAside, final String why)
    {
    }

    /** A replication peer is attached: the secondary (on a Hot node) or the primary (on a Warm one). */
    default void onReplicationConnected(final NodeStatus node)
    {
    }

    /** The replication peer is gone. */
    default void onReplicationLost(final NodeStatus node)
    {
    }

    /** The replica lags beyond {@code lagWarnEntries} or {@code lagWarnMs}; {@code why} says by how much. */
    default void onReplicationLagging(final NodeStatus node, final String why)
    {
    }

    /** The replica is back within both lag thresholds. */
    default void onReplicationCaughtUp(final NodeStatus node)
    {
    }

    /** One of the node's agents died ({@code agent} names it); the node fails at once ({@link #onFailed}). */
    default void onAgentFailed(final NodeStatus node, final String agent, final Throwable cause)
    {
    }
}
