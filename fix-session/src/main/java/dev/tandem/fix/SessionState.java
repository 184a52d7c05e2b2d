package dev.tandem.fix;

/** Where a {@link FixSession} is in its life. */
public enum SessionState
{
    /** No connection. */
    DISCONNECTED,
    /** Initiator only: a TCP connect is in progress. */
    CONNECTING,
    /** Initiator only: connected, our Logon is sent, the counterparty's Logon is awaited. */
    LOGON_SENT,
    /** Logon exchanged: application messages flow. */
    LOGGED_ON,
    /** We sent a Logout and await the counterparty's Logout (or the logout timeout). */
    LOGOUT_SENT,
    /** The connection closes once queued messages are written (or a timeout passes). */
    DISCONNECTING
}
