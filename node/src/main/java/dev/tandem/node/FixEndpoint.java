package dev.tandem.node;

/**
 * The node's FIX acceptor as the node drives it: started on the journal once the node is Hot, fenced when it goes
 * Stale.
 * <p>
 * Threading: {@link #refuseLogons(String)}, {@link #logoutAll(String)}, {@link #sessionsLoggedOn()} and {@link #port()} may be called from any
 * thread; {@link #close()} from the node's control thread.
 */
interface FixEndpoint extends AutoCloseable
{
    /** The port the acceptor listens on. */
    int port();

    /** Stops logging anyone on and disconnects the sessions that are logged on, giving {@code reason}. */
    void refuseLogons(String reason);

    /**
     * Stops logging anyone on and logs out every session that is logged on (a Logout, then the disconnect on the
     * reply or the logout timeout), so each counterparty re-dials: the planned switchover's way to stop serving.
     * Each Logout carries {@code text} in Text (58), e.g. {@code FixSession.SWITCHOVER_LOGOUT_TEXT}, which tells
     * Tandem's initiator to go to the next acceptor at once. Any thread.
     */
    void logoutAll(String text);

    /** Sessions logged on now. */
    int sessionsLoggedOn();

    /** Appends the acceptor's own metrics. */
    default void writeMetrics(final StringBuilder out)
    {
    }

    @Override
    void close();
}
