package dev.tandem.failover;

import java.net.InetSocketAddress;

/**
 * Told of each step an initiator takes across acceptors; for logs, metrics and the demo's live output.
 * <p>
 * Threading: called on the connecting thread; implementations must not block.
 */
public interface FailoverListener
{
    /** No-op listener. */
    FailoverListener NONE = new FailoverListener()
    {
    };

    /** An attempt on {@code address} failed before its Logon completed. */
    default void onAttemptFailed(final InetSocketAddress address, final int addressIndex, final String reason)
    {
    }

    /** The Logon completed on {@code address}. */
    default void onLoggedOn(final InetSocketAddress address, final int addressIndex)
    {
    }

    /** The logged-on session with {@code address} ended. */
    default void onSessionEnded(final InetSocketAddress address, final int addressIndex)
    {
    }

    /** The strategy gave up. */
    default void onGaveUp()
    {
    }
}
