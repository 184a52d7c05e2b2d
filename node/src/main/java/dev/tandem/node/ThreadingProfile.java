package dev.tandem.node;

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
 * always backs off to {@link #CONTROL_MAX_PARK_NS} parks, except under {@link ThreadingMode#SHARED}, where it shares
 * the one thread and its idle strategy.
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
     * The default. Dedicated threads that spin, then yield, then park for 1 µs doubling up to
     * {@link #BALANCED_MAX_PARK_NS} (50 µs). Under load a thread never parks (work resets the back-off); idle, it
     * wakes about 10,000 times a second (a 50 µs park lasts 50-110 µs with Linux's timer slack), a few percent of a
     * core each; a message arriving while it parks waits at most one park.
     */
    BALANCED(ThreadingMode.DEDICATED)
    {
        @Override
        public IdleStrategy newIdleStrategy()
        {
            return new BackoffIdleStrategy(BALANCED_SPINS, BALANCED_YIELDS, 1_000, BALANCED_MAX_PARK_NS);
        }
    },
    /**
     * All agents on one thread with the {@link #BALANCED} back-off: one thread for the whole node, for hosts where
     * the node must stay within one core (or less) beside the application.
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
     * The longest park of {@link #BALANCED} and {@link #SHARED}: short enough that a wake-up adds tens of
     * microseconds, not the millisecond of a timer-slack-bound 1 ms park; long enough that an idle thread stays at a
     * few percent of a core.
     */
    public static final long BALANCED_MAX_PARK_NS = TimeUnit.MICROSECONDS.toNanos(50);
    /** Spins before yielding: a burst of messages finds the thread awake. */
    static final long BALANCED_SPINS = 100;
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
