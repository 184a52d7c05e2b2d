package dev.tandem.journal.idle;

import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;

/**
 * An idle strategy that spins, yields, then <b>blocks until there is work</b>: until a channel one of its agents
 * watches is ready (a FIX counterparty's bytes, a replication frame, a connection to accept), until another thread
 * {@linkplain #wakeup() wakes it} (an acknowledgement that releases messages, an append to stream, a send from an
 * application thread), or at the latest after {@code maxBlockMs}, when the agent's timers run (heartbeats, ack
 * timeouts, leases; none of them finer than a millisecond).
 * <p>
 * Why: a thread that parks for a fixed time either burns a core (short parks, each waking ~10,000 times a second) or
 * adds the park's length to every message that arrives while it sleeps; a thread blocked in {@code epoll_wait} costs
 * nothing idle and is woken by the kernel the moment a packet lands, which is how a blocking FIX engine gets its
 * latency at moderate rates.
 * <p>
 * One instance per thread: the agents of that thread register their channels with {@link #watch}; a channel can be
 * registered with several selectors, so an agent keeps its own selector (or reads its channel directly) and this one
 * only tells the thread when to look. Registrations vanish when a channel closes.
 * <p>
 * Threading: {@link #idle(int)}, {@link #idle()} and {@link #reset()} on the owning thread; {@link #watch},
 * {@link #wakeup()} and {@link #close()} from any thread. {@link #wakeup()} is two volatile accesses unless the owner is
 * blocked (or about to block), when it writes to the selector's wake-up descriptor once; a wake-up is never lost: the
 * owner announces that it blocks before it checks for a pending wake-up, a waker publishes its wake-up before it checks
 * whether the owner blocks, so at least one of them sees the other.
 */
public final class IoIdleStrategy implements IdleStrategy, AutoCloseable
{
    /** The longest block: timers of the agents are checked at least this often (ms). */
    public static final long DEFAULT_MAX_BLOCK_MS = 1;

    /** What the block does with a ready key: nothing; the agents read their channels in their own duty cycle. */
    private static final java.util.function.Consumer<java.nio.channels.SelectionKey> IGNORE_READY = key ->
    {
    };

    private static final int NOT_IDLE = 0;
    private static final int SPINNING = 1;
    private static final int YIELDING = 2;

    private final Selector selector;
    private final long maxSpins;
    private final long maxYields;
    private final long maxBlockMs;
    private final long yieldWindowNs;
    /** When the current idle period began (its first idle call after work), for the yield window. */
    private long idleStartNs;
    /**
     * Owner only: yield rather than block until this time ({@link #stayAwakeUntil}), declared during the duty cycle
     * whose idle comes next; valid while {@link #awakeDeclared}.
     */
    private long awakeUntilNs;
    /** Owner only: a duty cycle declared {@link #awakeUntilNs} since the last idle; each idle consumes it. */
    private boolean awakeDeclared;
    private int state = NOT_IDLE;
    private long spins;
    private long yields;
    private long blocks;
    /** Set by the owner just before it blocks, cleared after. */
    private volatile boolean blocking;
    /** Set by a waker: work may be waiting; cleared by the owner before it looks again. */
    private volatile boolean woken;
    private volatile boolean closed;

    /**
     * @param maxSpins   busy spins after the last work before yielding.
     * @param maxYields  {@code Thread.yield()}s before blocking.
     * @param maxBlockMs the longest block, in ms (at least 1).
     */
    public IoIdleStrategy(final long maxSpins, final long maxYields, final long maxBlockMs)
    {
        this(maxSpins, maxYields, 0, maxBlockMs);
    }

    /**
     * @param maxSpins      busy spins after the last work before yielding.
     * @param maxYields     {@code Thread.yield()}s at least before blocking.
     * @param yieldWindowNs and, before blocking, yield until this long after the last work: an answer expected
     *                      within it (an acknowledgement, a counterparty's next message in a burst) then finds the
     *                      thread awake instead of paying a kernel wake-up; 0 for none.
     * @param maxBlockMs    the longest block, in ms (at least 1).
     */
    public IoIdleStrategy(final long maxSpins, final long maxYields, final long yieldWindowNs, final long maxBlockMs)
    {
        if (maxSpins < 0 || maxYields < 0 || yieldWindowNs < 0 || maxBlockMs < 1)
        {
            throw new IllegalArgumentException("maxSpins=" + maxSpins + ", maxYields=" + maxYields +
                ", yieldWindowNs=" + yieldWindowNs + ", maxBlockMs=" + maxBlockMs +
                ": spins, yields and the window must be >= 0, the block at least 1 ms");
        }
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.yieldWindowNs = yieldWindowNs;
        this.maxBlockMs = maxBlockMs;
        try
        {
            this.selector = Selector.open();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open a selector for an idle strategy", ex);
        }
    }

    /**
     * Wakes the owning thread when {@code channel} is ready for {@code ops} (a {@code SelectionKey.OP_*} set); a
     * second call for the same channel replaces its interest set. The channel must be non-blocking. A closed channel
     * is ignored.
     */
    public void watch(final SelectableChannel channel, final int ops)
    {
        if (closed)
        {
            return;
        }
        try
        {
            channel.register(selector, ops);
        }
        catch (final ClosedChannelException | java.nio.channels.CancelledKeyException ex)
        {
            return;
        }
        catch (final java.nio.channels.ClosedSelectorException ex)
        {
            return;
        }
        // a registration made while the owner blocks counts from its next select: make it select again
        selector.wakeup();
    }

    /**
     * The owner expects work by {@code deadlineNs} ({@link System#nanoTime()} time): the idle that follows this duty
     * cycle yields instead of blocking if the deadline has not passed, so the answer finds the thread awake rather
     * than paying a kernel wake-up. For an answer that comes back within a round trip (a replication acknowledgement a
     * released message waits for), never for open-ended waiting: the caller bounds the deadline. <b>A declaration
     * lasts one idle</b>: an agent still waiting declares again in its next duty cycle, and once the answer is in it
     * stops, so the thread may block at once instead of yielding out a deadline nothing waits for any more (a thread
     * that yielded out every deadline took a whole core at moderate rates, from the processes it shares the host
     * with). Of several declarations in one duty cycle the latest deadline counts. Owner thread only; allocation-free.
     */
    public void stayAwakeUntil(final long deadlineNs)
    {
        if (!awakeDeclared || deadlineNs - awakeUntilNs > 0)
        {
            awakeUntilNs = deadlineNs;
            awakeDeclared = true;
        }
    }

    /**
     * Closes for real the channels closed since this strategy's selector last selected (any thread; not on a
     * per-message path: a system call). NIO keeps the socket of a closed channel open until every selector it is
     * registered with has selected again, so a listening port closed by an agent whose thread is busy (or shared
     * with other agents) would stay bound, and accepting into a backlog nobody reads, until that thread next blocks;
     * a connection closed so would reach its peer only then. A select from another thread waits for a blocked
     * owner's select to end (at most its block); readiness it sees is ignored here and seen again by the owner
     * (level-triggered).
     */
    public void releaseClosedChannels()
    {
        if (closed)
        {
            return;
        }
        try
        {
            selector.selectNow(IGNORE_READY);
        }
        catch (final IOException | java.nio.channels.ClosedSelectorException ex)
        {
            // a selector closed meanwhile released its channels itself
        }
    }

    /** Ends the owner's current or next idle period at once (any thread). */
    public void wakeup()
    {
        woken = true;
        if (blocking)
        {
            selector.wakeup();
        }
    }

    /** Times the owner blocked (in {@code epoll_wait}) so far: for tests and metrics. */
    public long blocks()
    {
        return blocks;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
            awakeDeclared = false;
        }
        else
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        idleOnce();
        awakeDeclared = false;
    }

    private void idleOnce()
    {
        switch (state)
        {
            case NOT_IDLE:
                state = SPINNING;
                spins++;
                if (yieldWindowNs > 0)
                {
                    idleStartNs = System.nanoTime();
                }
                // fall through: a first idle pass spins once
            case SPINNING:
                if (woken)
                {
                    woken = false;
                    return;
                }
                Thread.onSpinWait();
                if (++spins > maxSpins)
                {
                    state = YIELDING;
                    yields = 0;
                }
                break;
            case YIELDING:
                if (woken)
                {
                    woken = false;
                    return;
                }
                if (++yields > maxYields && mayBlock())
                {
                    block();
                }
                else
                {
                    Thread.yield();
                }
                break;
            default:
                break;
        }
    }

    private boolean mayBlock()
    {
        final long nowNs = System.nanoTime();
        return (yieldWindowNs == 0 || nowNs - idleStartNs >= yieldWindowNs) &&
            (!awakeDeclared || nowNs - awakeUntilNs >= 0);
    }

    private void block()
    {
        if (closed)
        {
            Thread.yield();
            return;
        }
        blocking = true;
        try
        {
            if (woken)
            {
                woken = false;
                return;
            }
            blocks++;
            // the Consumer form leaves the selected-key set alone: no HashSet entry allocated per ready channel
            selector.select(IGNORE_READY, maxBlockMs);
        }
        catch (final IOException | java.nio.channels.ClosedSelectorException ex)
        {
            // a closed selector (the owner is being closed) or an I/O error: do not spin on it
            Thread.yield();
        }
        finally
        {
            blocking = false;
        }
        woken = false;
    }

    @Override
    public void reset()
    {
        state = NOT_IDLE;
        spins = 0;
        yields = 0;
    }

    @Override
    public String alias()
    {
        return "io-block";
    }

    /** Closes the selector (the channels stay open: they belong to the agents). */
    @Override
    public void close()
    {
        closed = true;
        try
        {
            selector.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
    }

    @Override
    public String toString()
    {
        return "IoIdleStrategy{spins=" + maxSpins + ", yields=" + maxYields + ", yieldWindowNs=" + yieldWindowNs +
            ", maxBlockMs=" + maxBlockMs + "}";
    }
}
