package dev.tandem.fix;

import org.agrona.DirectBuffer;

/**
 * The application's view of its FIX sessions: callbacks for logon, logout and every application message.
 * <p>
 * Threading: every callback runs on the thread that runs the acceptor's or initiator's duty cycle
 * ({@code doWork()}); a callback may send on the given session at once (see {@link FixSession#tryClaim}).
 * Callbacks must not block.
 */
public interface FixApplication
{
    /** The Logon exchange completed; the session may send. */
    default void onLogon(final FixSession session)
    {
    }

    /** A session that was logged on is now disconnected (after a Logout or not). */
    default void onLogout(final FixSession session)
    {
    }

    /**
     * An application (non session-level) message arrived in sequence. The bytes are the whole message, 8 through
     * 10, valid only during the call; {@link FixSession#decoder()} is already wrapped over them. The message is
     * journaled before this call.
     */
    void onMessage(DirectBuffer buffer, int offset, int length, FixSession session);

    /**
     * Our outbound messages {@code fromSeqNum..toSeqNum} (inclusive) may have reached the counterparty from the
     * previous primary, but this node's journal never held them (they were released before they replicated), so
     * they cannot be resent: a ResendRequest for them gets a SequenceReset-GapFill. Called after
     * {@link #onLogon(FixSession)} of the Logon that moved our next sender MsgSeqNum past them, either exactly (the
     * counterparty's NextExpectedMsgSeqNum, 789) or by the sequence headroom of a newly activated node (a Logon
     * without 789, see {@link FixContext#lostOutboundBound(int)}; then some or none of them were really sent). The
     * application may send again what matters, e.g. an order status for its open orders.
     */
    default void onOutboundSkipped(final FixSession session, final int fromSeqNum, final int toSeqNum)
    {
    }

    /**
     * Called once per duty cycle after the sockets were served, on the same thread: a place to send work that other
     * threads queued for the application without locks. A thread that queues such work must also call
     * {@code FixContext.idleWaker().wakeup()}: an engine idling on a blocking idle strategy (the node's default) runs
     * a duty cycle when a socket or a waker says so, and otherwise only every millisecond or so. (A node's
     * {@code SessionHandle} does both.)
     *
     * @param nowNs the duty cycle's nano clock time.
     * @return the amount of work done, 0 if none.
     */
    default int doWork(final long nowNs)
    {
        return 0;
    }
}
