package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;

/**
 * What a {@link FixEngine} does as an acceptor ({@link AcceptorRole}) or as an initiator ({@link InitiatorRole}):
 * connections before they are bound to a session, and the role's own notifications. The engine shares everything
 * else (selector, framing, sessions, duty cycle).
 * <p>
 * Never called per message of a logged-on session: only for the role's own keys, for connections not bound to a
 * session, once per duty cycle ({@link #pollUnbound(long)}) and at Logon and disconnect.
 * <p>
 * Not thread safe: the engine's duty-cycle thread only, unless a method says otherwise.
 */
interface EngineRole
{
    /** The listening socket has connections to accept (acceptor only). */
    void onAcceptable();

    /** A connect in progress on {@code connection} can be finished (initiator only). */
    void onConnectable(Connection connection);

    /** A well-formed first message on a connection not bound to a session, wrapped by {@code decoder}. */
    void onUnboundFrame(Connection connection, FixDecoder decoder);

    /** A connection not bound to a session was lost and is closed already. */
    void onUnboundConnectionLost(Connection connection, String reason);

    /**
     * Closes what has waited too long for a connect or a Logon, once per duty cycle.
     *
     * @return the work done.
     */
    int pollUnbound(long nowNs);

    /** {@code session} completed its Logon. */
    void onLoggedOn(FixSession session);

    /**
     * {@code session} lost its connection, for the reason the engine last closed one with.
     *
     * @param wasLoggedOn whether its Logon had completed.
     */
    void onSessionDisconnected(FixSession session, boolean wasLoggedOn, String reason);

    /** The engine closes: the role's own sockets first (a closed engine never keeps its port open). */
    void close();
}
