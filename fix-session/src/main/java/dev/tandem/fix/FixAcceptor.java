package dev.tandem.fix;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A FIX acceptor: listens on one port and serves every configured session from one non-blocking duty cycle.
 * <p>
 * {@link #create(FixContext)} binds the port at once (port 0 picks a free one, read it with {@link #boundPort()}).
 * Run it as an Agrona {@link Agent} on your own {@link AgentRunner} or composite agent, or call {@link #start()} for
 * a runner on a new thread. Every outbound message is journaled, then released to the socket when the context's
 * {@link dev.tandem.journal.ReleaseGate} allows; every inbound message is journaled in sequence.
 * <p>
 * Threading: {@link #doWork()}, {@link #onClose()} and everything on {@link FixSession} belong to the duty-cycle
 * thread. {@link #boundPort()}, {@link #logonsEnabled(boolean)}, {@link #disconnectAll()}, {@link #execute(Runnable)},
 * the counters and {@link #close()} may be called from any thread.
 */
public final class FixAcceptor extends EngineAgent
{
    private final AcceptorRole role;
    private final List<FixSession> sessions;
    private final int boundPort;

    private FixAcceptor(final FixContext context, final AcceptorRole role)
    {
        super(context, role.engine());
        this.role = role;
        this.boundPort = role.boundPort();
        this.sessions = Collections.unmodifiableList(Arrays.asList(engine.sessions()));
    }

    /**
     * Validates the context, creates the sessions and binds the listening port.
     *
     * @throws IllegalArgumentException for bad configuration or a port that cannot be bound.
     */
    public static FixAcceptor create(final FixContext context)
    {
        final FixContext concluded = context.conclude(true);
        return new FixAcceptor(concluded, new AcceptorRole(concluded));
    }

    /** Starts a runner on a new thread named after {@link FixContext#agentName()}; {@link #close()} stops it. */
    public FixAcceptor start()
    {
        startRunner();
        return this;
    }

    /** The listening port (useful with port 0). Any thread. */
    public int boundPort()
    {
        return boundPort;
    }

    /**
     * Accept Logons or refuse them (close the connection without a reply): false for a Warm standby or a fenced
     * stale primary. Sessions already logged on are not touched; see {@link #disconnectAll()}. Any thread.
     */
    public void logonsEnabled(final boolean enabled)
    {
        role.logonsEnabled(enabled);
    }

    public boolean logonsEnabled()
    {
        return role.logonsEnabled();
    }

    /** Asks the duty cycle to close every connection (without Logout) on its next pass. Any thread. */
    public void disconnectAll()
    {
        engine.requestDisconnectAll();
    }

    /** The configured sessions, in configuration order. The list may be read from any thread; see FixSession. */
    public List<FixSession> sessions()
    {
        return sessions;
    }

    /** The session with this id, or null. */
    public FixSession session(final long sessionId)
    {
        for (final FixSession session : sessions)
        {
            if (session.sessionId() == sessionId)
            {
                return session;
            }
        }
        return null;
    }

    /**
     * Messages whose BodyLength exceeded maxMessageLengthBytes: the session logged out with the reason (the
     * connection closed before Logon). Any thread.
     */
    public long oversizedMessages()
    {
        return engine.oversizedMessages();
    }

    /**
     * Outbound messages the counterparties had received but our journal did not hold, counted at Logon from their
     * NextExpectedMsgSeqNum (789): each such Logon moves our next sender MsgSeqNum up past them (they were lost with
     * a primary that died before they replicated, see NeverTimesOut). Any thread.
     */
    public long lostOutboundOnLogon()
    {
        return engine.lostOutboundOnLogon();
    }

    /**
     * Outbound MsgSeqNums skipped by sequence headroom: the first Logon of a session after activation without
     * NextExpectedMsgSeqNum (789) moved our next sender MsgSeqNum up by {@link FixContext#lostOutboundBound()}
     * (per session: {@link FixSession#outboundSkipped()}). Any thread.
     */
    public long outboundSkippedByHeadroom()
    {
        return engine.outboundSkippedByHeadroom();
    }

    /** Logons completed. Any thread. */
    public long logons()
    {
        return engine.logons();
    }

    /**
     * Connections closed (or refused) before their Logon to make room (maxPendingConnections, maxPendingPerAddress).
     * Any thread.
     */
    public long evictedConnections()
    {
        return role.evictedConnections();
    }

    /** Connections that could not be accepted or set up (accept errors, direct memory exhausted). Any thread. */
    public long acceptFailures()
    {
        return role.acceptFailures();
    }

    /** Connections closed. Any thread. */
    public long disconnects()
    {
        return engine.disconnects();
    }

    @Override
    public String roleName()
    {
        return context.agentName() + "-acceptor";
    }
}
