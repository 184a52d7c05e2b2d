package dev.tandem.fix;

/**
 * Connection events of a {@link FixInitiator}, for a connection strategy such as a failover client.
 * <p>
 * Threading: called on the initiator's duty-cycle thread; must not block.
 */
public interface InitiatorListener
{
    /** The Logon exchange with {@code host:port} completed. */
    default void onLogonCompleted(final FixSession session, final String host, final int port)
    {
    }

    /** A connect to {@code host:port} failed, timed out, or the connection was lost before the Logon completed. */
    default void onConnectionFailed(final String host, final int port, final String reason)
    {
    }

    /** A connection that had completed its Logon is closed. */
    default void onDisconnected(final FixSession session, final String host, final int port)
    {
    }
}
