package dev.tandem.fix;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;

/**
 * A FIX initiator for one session, with its own journal so sequence numbers carry on across reconnects, including
 * to a different acceptor (a failover). It connects only when asked: {@link #connect(String, int)} starts one
 * attempt, and the context's {@link InitiatorListener} hears {@code onLogonCompleted}, {@code onConnectionFailed}
 * or {@code onDisconnected}; a connection strategy decides where to go next.
 * <p>
 * Threading: {@link #doWork()}, {@link #onClose()} and the {@link FixSession} belong to the duty-cycle thread.
 * {@link #connect}, {@link #disconnect()}, {@link #logout()}, {@link #execute(Runnable)} and {@link #close()} may be
 * called from any thread: they are carried out on the next duty cycle.
 */
public final class FixInitiator implements Agent, AutoCloseable
{
    private final FixContext context;
    private final FixEngine engine;
    private final FixSession session;
    private volatile AgentRunner runner;
    private volatile boolean closed;

    private FixInitiator(final FixContext context)
    {
        this.context = context;
        this.engine = new FixEngine(context, false);
        this.session = engine.sessions()[0];
    }

    /** Validates the context (exactly one session) and creates the initiator; nothing connects yet. */
    public static FixInitiator create(final FixContext context)
    {
        return new FixInitiator(context.conclude(false));
    }

    /** Starts a runner on a new thread named after {@link FixContext#agentName()}; {@link #close()} stops it. */
    public FixInitiator start()
    {
        this.runner = context.startRunner(this);
        return this;
    }

    /**
     * Connects to {@code host:port} and sends a Logon. The outcome arrives at the {@link InitiatorListener}. A
     * request while connected or connecting fails at once with {@code onConnectionFailed}. Any thread.
     */
    public void connect(final String host, final int port)
    {
        engine.execute(() -> engine.connect(host, port));
    }

    /** Starts the Logout handshake. Any thread. */
    public void logout()
    {
        engine.execute(session::logout);
    }

    /** Closes the connection without a Logout. Any thread. */
    public void disconnect()
    {
        engine.execute(session::disconnect);
    }

    /** Runs {@code task} on the duty-cycle thread on its next pass (allocates: not for hot paths). Any thread. */
    public void execute(final Runnable task)
    {
        engine.execute(task);
    }

    /** The session. Its methods belong to the duty-cycle thread. */
    public FixSession session()
    {
        return session;
    }

    /** ResendRequests served from the journal. Any thread. */
    public long resendRequestsServed()
    {
        return engine.resendRequestsServed();
    }

    /** Frames ignored as garbled. Any thread. */
    public long garbledMessages()
    {
        return engine.garbledMessages();
    }

    @Override
    public int doWork()
    {
        return engine.doWork();
    }

    @Override
    public void onClose()
    {
        engine.close();
    }

    @Override
    public String roleName()
    {
        return context.agentName() + "-initiator";
    }

    /** Stops the runner started by {@link #start()} (which closes the agent), or closes the agent directly. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        final AgentRunner runner = this.runner;
        if (runner != null)
        {
            context.closeRunner(runner);
        }
        else
        {
            onClose();
        }
    }
}
