package dev.tandem.fix;

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
public final class FixInitiator extends EngineAgent
{
    private final InitiatorRole role;
    private final FixSession session;

    private FixInitiator(final FixContext context, final InitiatorRole role)
    {
        super(context, role.engine());
        this.role = role;
        this.session = engine.sessions()[0];
    }

    /** Validates the context (exactly one session) and creates the initiator; nothing connects yet. */
    public static FixInitiator create(final FixContext context)
    {
        final FixContext concluded = context.conclude(false);
        return new FixInitiator(concluded, new InitiatorRole(concluded));
    }

    /** Starts a runner on a new thread named after {@link FixContext#agentName()}; {@link #close()} stops it. */
    public FixInitiator start()
    {
        startRunner();
        return this;
    }

    /**
     * Connects to {@code host:port} and sends a Logon. The outcome arrives at the {@link InitiatorListener}. A
     * request while connected or connecting fails at once with {@code onConnectionFailed}. Any thread.
     */
    public void connect(final String host, final int port)
    {
        engine.execute(() -> role.connect(host, port));
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

    /** The session. Its methods belong to the duty-cycle thread. */
    public FixSession session()
    {
        return session;
    }

    @Override
    public String roleName()
    {
        return context.agentName() + "-initiator";
    }
}
