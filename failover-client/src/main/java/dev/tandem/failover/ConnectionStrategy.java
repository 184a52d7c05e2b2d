package dev.tandem.failover;

import net.openhft.chronicle.wire.Marshallable;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Decides which acceptor an initiator tries next, how long it waits before trying, and when it gives up. Chosen in
 * YAML by type tag, e.g. {@code connectionStrategy: !Failover { attemptsPerAddress: 2 }} or
 * {@code !Chronicle { strategy: !AlwaysStartOnPrimary { } }}.
 * <p>
 * An attempt succeeds only when the FIX Logon completes: a TCP connection that is refused, reset, closed or left
 * unanswered before the Logon reply is a failed attempt ({@link #onAttemptFailed}) and the strategy moves on as it
 * sees fit.
 * <p>
 * The {@link FailoverInitiator} drives it: {@link #nextAttempt} names the acceptor, the initiator's FIX engine
 * connects and logs on within {@link #connectTimeoutMs()} and {@link #logonTimeoutMs()}, and the outcome is reported
 * back.
 * <p>
 * Threading: not thread safe; one connecting thread calls {@link #nextAttempt}, then reports the outcome of that
 * attempt on the same thread before asking again.
 */
public interface ConnectionStrategy extends Marshallable
{
    /** Returned by {@link #nextAttempt} when the strategy gives up for good. */
    int GIVE_UP = -1;

    /**
     * Waits out any backoff and names the acceptor to try next.
     *
     * @param addresses the acceptors in order of preference: the primary first.
     * @return an index into {@code addresses}, or {@link #GIVE_UP}.
     * @throws InterruptedException if the calling thread is interrupted while waiting.
     */
    int nextAttempt(List<InetSocketAddress> addresses) throws InterruptedException;

    /** How long a TCP connect may take, in milliseconds. */
    long connectTimeoutMs();

    /** How long a Logon may take on a fresh connection before the attempt counts as failed, in milliseconds. */
    long logonTimeoutMs();

    /** The Logon on the acceptor at {@code addressIndex} completed: the attempt succeeded. */
    void onLogonCompleted(int addressIndex);

    /** The attempt on the acceptor at {@code addressIndex} failed before its Logon completed. */
    void onAttemptFailed(int addressIndex, String reason);

    /** A session that had logged on has ended (the acceptor died or logged out): the next attempt is a reconnect. */
    void onSessionEnded();

    /**
     * A session that had logged on has ended with a Logout announcing a planned switchover
     * ({@code FixSession.SWITCHOVER_LOGOUT_TEXT}): the acceptor handed its Hot role to another, which is about to
     * serve. The default treats it like any other end ({@link #onSessionEnded()}).
     */
    default void onSwitchoverAnnounced()
    {
        onSessionEnded();
    }
}
