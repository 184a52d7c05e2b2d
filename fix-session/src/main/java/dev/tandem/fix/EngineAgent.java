package dev.tandem.fix;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;

/**
 * What {@link FixAcceptor} and {@link FixInitiator} share: a {@link FixEngine} run as an Agrona {@link Agent} (on
 * the user's runner, or one started by {@link #startRunner()}), its closing, its task queue and the counters both
 * roles keep.
 * <p>
 * Threading: {@link #doWork()} and {@link #onClose()} belong to the duty-cycle thread; {@link #execute(Runnable)},
 * the counters and {@link #close()} may be called from any thread.
 */
abstract class EngineAgent implements Agent, AutoCloseable
{
    final FixContext context;
    final FixEngine engine;
    private volatile AgentRunner runner;
    private volatile boolean engineClosed;
    private volatile boolean closed;

    EngineAgent(final FixContext context, final FixEngine engine)
    {
        this.context = context;
        this.engine = engine;
    }

    /** Starts a runner on a new thread named after {@link FixContext#agentName()}; {@link #close()} stops it. */
    final void startRunner()
    {
        this.runner = context.startRunner(this);
    }

    /** Runs {@code task} on the duty-cycle thread on its next pass (allocates: not for hot paths). Any thread. */
    public void execute(final Runnable task)
    {
        engine.execute(task);
    }

    /** ResendRequests served from the journal. Any thread. */
    public long resendRequestsServed()
    {
        return engine.resendRequestsServed();
    }

    /** Frames ignored as garbled (bad BodyLength, CheckSum or framing). Any thread. */
    public long garbledMessages()
    {
        return engine.garbledMessages();
    }

    @Override
    public final int doWork()
    {
        return engine.doWork();
    }

    @Override
    public final void onClose()
    {
        if (!engineClosed)
        {
            engineClosed = true;
            engine.close();
        }
    }

    /** Stops the runner started by {@code start()} (which closes the agent), or closes the agent directly. */
    @Override
    public final void close()
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
        // a runner whose thread died of an Error may have ended without closing the agent: its thread is gone
        // now, so close the engine (its listening port, its sockets) from here
        onClose();
    }
}
