package dev.tandem.failover;

/**
 * Told of each step a {@link FailoverConnector} takes; for logs, metrics and the demo's live output.
 * <p>
 * Threading: called on the connecting thread; implementations must not block.
 */
public interface FailoverListener
{
    /** No-op listener. */
    FailoverListener NONE = new FailoverListener()
    {
    };

    /** A connection was open; its Logon failed. */
    default void onAttemptFailed(final Attempt attempt, final String reason)
    {
    }

    /** The Logon completed on {@code attempt}. */
    default void onLoggedOn(final Attempt attempt)
    {
    }

    /** The strategy gave up. */
    default void onGaveUp()
    {
    }
}
