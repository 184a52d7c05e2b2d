package dev.tandem.journal.idle;

import org.agrona.concurrent.IdleStrategy;

import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * An agent's handle on the idle strategy of whichever thread runs it: the agent tells it which channels should wake
 * that thread ({@link #watch}), and other threads tell it that work is waiting ({@link #wakeup()}). The host binds it
 * to the thread's {@link IoIdleStrategy} when it starts the agent; bound to any other idle strategy (busy spin, a
 * back-off, a user's own) or not bound at all (an agent driven by the application's own loop), both calls do nothing,
 * and the agent runs exactly as without it.
 * <p>
 * Channels watched before the binding are registered when it happens.
 * <p>
 * Threading: every method from any thread except {@link #expectWorkBy} (the agent's own thread); {@link #wakeup()}
 * allocates nothing and takes no lock.
 */
public final class IdleWaker
{
    private volatile IoIdleStrategy idle;
    private final List<SelectableChannel> earlyChannels = new ArrayList<>();
    private final List<Integer> earlyOps = new ArrayList<>();
    private boolean bound;

    /**
     * Binds to the idle strategy of the thread that will run the agent: from then on watches and wake-ups reach it.
     * Any other idle strategy leaves this waker inert. Called once, by the host.
     */
    public void bind(final IdleStrategy strategy)
    {
        final List<SelectableChannel> channels;
        final List<Integer> ops;
        synchronized (this)
        {
            if (bound)
            {
                throw new IllegalStateException("an IdleWaker is bound once, to the thread that runs its agent");
            }
            bound = true;
            if (!(strategy instanceof IoIdleStrategy))
            {
                earlyChannels.clear();
                earlyOps.clear();
                return;
            }
            idle = (IoIdleStrategy)strategy;
            channels = new ArrayList<>(earlyChannels);
            ops = new ArrayList<>(earlyOps);
            earlyChannels.clear();
            earlyOps.clear();
        }
        for (int i = 0; i < channels.size(); i++)
        {
            ((IoIdleStrategy)strategy).watch(channels.get(i), ops.get(i));
        }
    }

    /** Whether a bound idle strategy blocks on I/O: if not, watching and waking cost nothing and do nothing. */
    public boolean active()
    {
        return idle != null;
    }

    /**
     * Wakes the agent's thread when {@code channel} (non-blocking) is ready for {@code ops}; again for the same channel
     * replaces the interest set. Not on a per-message path: a registration is a system call.
     */
    public void watch(final SelectableChannel channel, final int ops)
    {
        final IoIdleStrategy current = idle;
        if (current != null)
        {
            current.watch(channel, ops);
            return;
        }
        synchronized (this)
        {
            if (!bound)
            {
                earlyChannels.add(channel);
                earlyOps.add(ops);
                return;
            }
        }
        final IoIdleStrategy late = idle;
        if (late != null)
        {
            late.watch(channel, ops);
        }
    }

    /**
     * The agent expects work by {@code deadlineNs} ({@link System#nanoTime()} time), e.g. the acknowledgement a
     * message waiting for release needs: its thread yields instead of blocking until then (see
     * {@link IoIdleStrategy#stayAwakeUntil}). <b>From the agent's own thread only</b>, unlike the other methods; no-op
     * when not bound to a blocking idle.
     */
    public void expectWorkBy(final long deadlineNs)
    {
        final IoIdleStrategy current = idle;
        if (current != null)
        {
            current.stayAwakeUntil(deadlineNs);
        }
    }

    /**
     * The agent closed channels it watched: have their sockets closed now, not when its thread next blocks (see
     * {@link IoIdleStrategy#releaseClosedChannels}). Any thread; a system call, for close paths only; no-op when not
     * bound to a blocking idle.
     */
    public void releaseClosedChannels()
    {
        final IoIdleStrategy current = idle;
        if (current != null)
        {
            current.releaseClosedChannels();
        }
    }

    /** Work is waiting for the agent: ends its thread's idle period now (no-op when not bound to a blocking idle). */
    public void wakeup()
    {
        final IoIdleStrategy current = idle;
        if (current != null)
        {
            current.wakeup();
        }
    }
}
