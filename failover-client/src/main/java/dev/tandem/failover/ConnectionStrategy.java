package dev.tandem.failover;

import net.openhft.chronicle.wire.Marshallable;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Decides which acceptor an initiator tries next, how long it waits before trying, and when it gives up. Chosen in
 * YAML by type tag, e.g. {@code connectionStrategy: !Failover { attemptsPerAddress: 2 }} or
 * {@code !Chronicle { strategy: !AlwaysStartOnPrimary { } }}.
 * <p>
 * An attempt succeeds only when the FIX Logon completes: a TCP connection that is reset, closed or left unanswered
 * before the Logon reply is a failed attempt ({@link #onLogonFailed}) and the strategy moves on as it sees fit.
 * <p>
 * Threading: not thread safe; one connecting thread calls {@link #connect}, then reports the outcome of that attempt
 * on the same thread before calling {@link #connect} again.
 */
public interface ConnectionStrategy extends Marshallable
{
    /**
     * Blocks until a TCP connection is open to one of {@code addresses} (waiting out any backoff) and returns it; the
     * caller must then attempt a Logon on it within {@link #logonTimeoutMs()} and report the outcome.
     *
     * @param addresses the acceptors in order of preference: the primary first.
     * @return the connection, or {@code null} when the strategy gives up for good.
     * @throws InterruptedException if the calling thread is interrupted while waiting.
     */
    Attempt connect(List<InetSocketAddress> addresses) throws InterruptedException;

    /** How long a Logon may take on a fresh connection before the attempt counts as failed, in milliseconds. */
    long logonTimeoutMs();

    /** The Logon on {@code attempt} completed: the attempt succeeded. */
    void onLogonCompleted(Attempt attempt);

    /** The Logon on {@code attempt} failed (reset, closed, rejected or not answered in time); the caller closed it. */
    void onLogonFailed(Attempt attempt, String reason);

    /** A session that had logged on has ended (the acceptor died or logged out): the next connect is a reconnect. */
    void onSessionEnded();
}
