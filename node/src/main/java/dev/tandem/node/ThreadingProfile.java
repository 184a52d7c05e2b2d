package dev.tandem.node;

import dev.tandem.journal.idle.IoIdleStrategy;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A named choice of {@link ThreadingMode} and idle strategy, settable in code
 * ({@link TandemContext#threadingProfile(ThreadingProfile)}) and in YAML ({@code threading: BALANCED}). A user's own
 * idle strategy is set in code with {@link TandemContext#idleStrategy(Supplier)}.
 * <p>
 * What idles how: the latency agents (the FIX engine, the replication source and sink) use the profile's idle
 * strategy; the control agent (activation, lag checks, the journal directory watch) is never on the latency path and
 * always backs off to {@link #CONTROL_MAX_PARK_NS} parks on a thread of its own, under {@link ThreadingMode#SHARED}
 * too (only {@link ThreadingMode#INVOKER} runs it in the application's loop).
 */
public enum ThreadingProfile
{
    /**
     * Dedicated threads that busy-spin ({@link BusySpinIdleStrategy}): every hop is served at once, and each latency
     * agent burns a whole core even when idle (a primary two cores, a secondary one). For hosts with cores to spare.
     */
    LOW_LATENCY(ThreadingMode.DEDICATED)
    {
        @Override
        public IdleStrategy newIdleStrategy()
        {
            return new BusySpinIdleStrategy();
        }
    },
    /**
     * Dedicated threads that spin, then yield, then block in the kernel until there is work
     * ({@link IoIdleStrategy}): until a socket they serve is readable, another thread hands them work (an
     * acknowledgement, an append to stream, an application's send), or at the latest after
     * {@link #BALANCED_MAX_BLOCK_MS} for their timers. Under load a thread never blocks (work resets the spin); idle,
     * it costs next to nothing; a message arriving while it blocks pays one kernel wake-up, not a park's length.
     * The FIX engine and the replication source run in parallel, at the price of a hand-over between threads (a
     * wake-up when the other thread blocks) on each hop of a replicated message: for hosts with a core to spare per
     * agent and rates at which the threads rarely block.
     */
    BALANCED(ThreadingMode.DEDICATED)
    {
        @Override
        public IdleStrategy newIdleStrategy()
        {
            return new IoIdleStrategy(BALANCED_SPINS, BALANCED_YIELDS, BALANCED_YIELD_WINDOW_NS,
                BALANCED_MAX_BLOCK_MS);
        }
    },
    /**
     * Dedicated threads that spin, then yield, then park for 1 µs doubling up to {@link #BACKOFF_MAX_PARK_NS}
     * (50 µs), never blocking on a socket: a message arriving while a thread parks waits for the park to end (50-110
     * µs with Linux's timer slack), and an idle thread wakes about 10,000 times a second (a few percent of a core
     * each). For platforms where a blocking wake-up is slower than a short park.
     */
    BACKOFF(ThreadingMode.DEDICATED)
    {
        @Override
        public IdleStrategy newIdleStrategy()
        {
            return new BackoffIdleStrategy(BALANCED_SPINS, BALANCED_YIELDS, 1_000, BACKOFF_MAX_PARK_NS);
        }
    },
    /**
     * The default. The FIX engine and the replication agents on one thread with the {@link #BALANCED} idle (spin,
     * yield, block until a socket or another thread has work); the control agent keeps a thread of its own. No hand-over between
     * threads on the replicated path of a primary: the engine appends, the source streams, the acknowledgement
     * releases, all on one thread. The node's latency path stays within one core beside the application; its
     * agents' work is serialised, so past the rate one thread sustains a host with cores to spare chooses
     * {@link #BALANCED} or {@link #LOW_LATENCY}. The default because it is the better choice on small hosts: on the
     * 2-core build machine a replicated round trip under it beat {@link #BALANCED} at p50 and p99 in most runs at
     * 500, 5,000 and 20,000 orders/s, and sustained a higher rate under a 1 ms p99 (the root README's performance
     * section gives the figures).
     */
    SHARED(ThreadingMode.SHARED)
    {
        @Override
        public IdleStrategy newIdleStrategy()
        {
            return BALANCED.newIdleStrategy();
        }
    };

    /**
     * The longest block of {@link #BALANCED} and {@link #SHARED}: how late an agent's timers (heartbeats, ack
     * timeouts, lease checks, a BoundedWait timeout) may run while nothing else wakes its thread.
     */
    public static final long BALANCED_MAX_BLOCK_MS = IoIdleStrategy.DEFAULT_MAX_BLOCK_MS;
    /**
     * How long {@link #BALANCED} and {@link #SHARED} keep yielding after their last work before they block: long
     * enough that a replication acknowledgement (a round trip of tens of microseconds) or the next message of a
     * burst finds the thread awake, short enough that an idle thread blocks almost at once.
     */
    public static final long BALANCED_YIELD_WINDOW_NS = TimeUnit.MICROSECONDS.toNanos(50);
    /** The longest park of {@link #BACKOFF}. */
    public static final long BACKOFF_MAX_PARK_NS = TimeUnit.MICROSECONDS.toNanos(50);
    /**
     * Spins before yielding: a burst of messages finds the thread awake. Few, because a pass is not free: each one
     * polls the agents' sockets (two or three system calls, about 2 us on the 2-core build machine), so the 100 spins
     * this was before kept a thread busy for about 200 us after every message, longer than the gap between two orders
     * at 5,000/s: a pair's threads never blocked and took 1.7 cores (primary 100%, secondary 69%), starving the
     * processes beside them. With 10: 70% and 35%.
     */
    static final long BALANCED_SPINS = 10;
    /** Yields before parking: cheap on an idle core, given away at once on a busy one. */
    static final long BALANCED_YIELDS = 10;
    /** The control agent's longest park: activation and lag checks work in milliseconds, not microseconds. */
    public static final long CONTROL_MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ThreadingMode mode;

    ThreadingProfile(final ThreadingMode mode)
    {
        this.mode = mode;
    }

    /** The threading mode of this profile. */
    public ThreadingMode mode()
    {
        return mode;
    }

    /** A new idle strategy of this profile (one per thread: idle strategies keep state). */
    public abstract IdleStrategy newIdleStrategy();

    /** The control agent's idle strategy under {@link ThreadingMode#DEDICATED}. */
    static IdleStrategy newControlIdleStrategy()
    {
        return new BackoffIdleStrategy(1, 1, 100_000, CONTROL_MAX_PARK_NS);
    }
}
