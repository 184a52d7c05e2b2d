package dev.tandem.failover;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Drives a {@link ConnectionStrategy} until a FIX Logon completes: connect, log on within the strategy's Logon
 * timeout, and on any failure before the Logon reply close the connection, report the failure and try again where the
 * strategy says.
 * <p>
 * Threading: not thread safe; one connecting thread (typically the initiator's own thread, which blocks here while it
 * has no session).
 */
public final class FailoverConnector
{
    private final ConnectionStrategy strategy;
    private final List<InetSocketAddress> addresses;
    private final LogonHandshake handshake;
    private final FailoverListener listener;

    /**
     * @param strategy  chooses and opens connections.
     * @param addresses acceptors in order of preference: the primary first.
     * @param handshake performs the Logon on an open connection.
     * @param listener  told of failures and successes.
     */
    public FailoverConnector(
        final ConnectionStrategy strategy,
        final List<InetSocketAddress> addresses,
        final LogonHandshake handshake,
        final FailoverListener listener)
    {
        if (addresses.isEmpty())
        {
            throw new IllegalArgumentException("connect: at least one acceptor address (host:port) is required");
        }
        this.strategy = strategy;
        this.addresses = List.copyOf(addresses);
        this.handshake = handshake;
        this.listener = listener;
    }

    /**
     * Connects and logs on, trying acceptors as the strategy says.
     *
     * @return the attempt whose Logon completed, its channel open and logged on; or {@code null} if the strategy gave
     *         up.
     * @throws InterruptedException if interrupted while waiting.
     */
    public Attempt connectAndLogon() throws InterruptedException
    {
        while (true)
        {
            final Attempt attempt = strategy.connect(addresses);
            if (attempt == null)
            {
                listener.onGaveUp();
                return null;
            }
            try
            {
                handshake.logon(attempt, strategy.logonTimeoutMs());
                strategy.onLogonCompleted(attempt.addressIndex());
                listener.onLoggedOn(attempt.address(), attempt.addressIndex());
                return attempt;
            }
            catch (final IOException ex)
            {
                FailoverConnectionStrategy.closeQuietly(attempt.channel());
                final String reason = ex.getMessage() == null ? ex.toString() : ex.getMessage();
                strategy.onAttemptFailed(attempt.addressIndex(), reason);
                listener.onAttemptFailed(attempt.address(), attempt.addressIndex(), reason);
            }
        }
    }

    /** The logged-on session has ended: the next {@link #connectAndLogon()} is a reconnect. */
    public void sessionEnded()
    {
        strategy.onSessionEnded();
    }

    public ConnectionStrategy strategy()
    {
        return strategy;
    }

    public List<InetSocketAddress> addresses()
    {
        return addresses;
    }
}
