package dev.tandem.node;

import dev.tandem.journal.idle.IdleWaker;
import dev.tandem.journal.idle.IoIdleStrategy;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Runs the node's agents as its {@link ThreadingMode} says: a runner thread each, one shared duty cycle on one
 * thread, or one shared duty cycle the application invokes. Agents come and go while the node runs (the sink stops
 * at activation, a replication source and the FIX engine start): {@link #start} hosts one, {@link Hosted#close()}
 * stops it and calls its {@code onClose()}, waiting until no duty cycle runs it any more.
 * <p>
 * Threading: {@link #start} and {@link Hosted#close()} from any thread (on a shared duty cycle's own thread a close
 * takes effect at once: the agent is not called again, not even later in the same pass); {@link #close()} from the
 * thread that closes the node.
 */
abstract class AgentHost implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AgentHost.class);

    /** One hosted agent. */
    interface Hosted extends AutoCloseable
    {
        /** Stops the agent and calls its {@code onClose()}; idempotent. */
        @Override
        void close();

        /** Whether the thread running this agent ended while the agent was not closed. */
        boolean threadEnded();
    }

    /**
     * Hosts {@code agent}: its errors go to {@code errorHandler}; a {@code control} agent (not on the latency path)
     * idles with the control back-off on a dedicated thread. {@code waker}, the agent's own, is bound to the idle
     * strategy of the thread that runs it (see {@link IoIdleStrategy}): inert under any other.
     */
    abstract Hosted start(Agent agent, ErrorHandler errorHandler, boolean control, IdleWaker waker);

    /** Hosts an agent that watches no channel and is woken by no one but its timers. */
    final Hosted start(final Agent agent, final ErrorHandler errorHandler, final boolean control)
    {
        return start(agent, errorHandler, control, new IdleWaker());
    }

    /** The invoker of an {@link ThreadingMode#INVOKER} host. */
    AgentInvoker invoker()
    {
        throw new IllegalStateException("no invoker: this node runs its agents on threads of its own; launch it " +
            "with threadingMode INVOKER to drive it from the application's loop");
    }

    @Override
    public abstract void close();

    /**
     * Threads from {@code threadFactory} whose uncaught throwable also reaches {@code errorHandler}: the JVM raises the
     * InternalError of a SIGBUS on a mapped file (a full disk) asynchronously, and it can surface in the runner's own
     * code, outside the agent's duty cycle, where the runner's handler never sees it; the thread would end unreported.
     * The handler may then see one throwable twice (the runner's call, then this one): the node fails once.
     */
    static ThreadFactory reporting(final ThreadFactory threadFactory, final ErrorHandler errorHandler)
    {
        return runnable ->
        {
            final Thread thread = threadFactory.newThread(runnable);
            final Thread.UncaughtExceptionHandler previous = thread.getUncaughtExceptionHandler();
            thread.setUncaughtExceptionHandler((ended, throwable) ->
            {
                try
                {
                    errorHandler.onError(throwable);
                }
                finally
                {
                    if (previous != null)
                    {
                        previous.uncaughtException(ended, throwable);
                    }
                }
            });
            return thread;
        };
    }

    static AgentHost create(
        final ThreadingMode mode,
        final Supplier<IdleStrategy> idleStrategies,
        final ThreadFactory threadFactory,
        final String name)
    {
        switch (mode)
        {
            case DEDICATED:
                return new Dedicated(idleStrategies, threadFactory);
            case SHARED:
                return new Shared(name, idleStrategies.get(), threadFactory);
            default:
                return new Shared(name, null, null);
        }
    }

    /** A runner thread per agent. */
    private static final class Dedicated extends AgentHost
    {
        private final Supplier<IdleStrategy> idleStrategies;
        private final ThreadFactory threadFactory;

        Dedicated(final Supplier<IdleStrategy> idleStrategies, final ThreadFactory threadFactory)
        {
            this.idleStrategies = idleStrategies;
            this.threadFactory = threadFactory;
        }

        @Override
        Hosted start(final Agent agent, final ErrorHandler errorHandler, final boolean control,
            final IdleWaker waker)
        {
            final IdleStrategy idle = control ? ThreadingProfile.newControlIdleStrategy() : idleStrategies.get();
            waker.bind(idle);
            final AgentRunner runner = new AgentRunner(idle, errorHandler, null, agent);
            AgentRunner.startOnThread(runner, reporting(threadFactory, errorHandler));
            return new Hosted()
            {
                @Override
                public void close()
                {
                    waker.wakeup();
                    runner.close();
                    if (idle instanceof IoIdleStrategy)
                    {
                        ((IoIdleStrategy)idle).close();
                    }
                }

                @Override
                public boolean threadEnded()
                {
                    final Thread thread = runner.thread();
                    return !runner.isClosed() && thread != null && thread != AgentRunner.TOMBSTONE &&
                        !thread.isAlive();
                }
            };
        }

        @Override
        public void close()
        {
            // each hosted agent is closed through its own handle
        }
    }

    /**
     * One duty cycle over every hosted agent, run on one thread ({@link ThreadingMode#SHARED}) or invoked by the
     * application ({@link ThreadingMode#INVOKER}). A slot's state moves ACTIVE → REMOVE_REQUESTED → CLOSING → CLOSED;
     * whoever moves it to CLOSING calls the agent's {@code onClose()}, so it is called once.
     */
    private static final class Shared extends AgentHost implements Agent
    {
        private static final int ACTIVE = 0;
        private static final int REMOVE_REQUESTED = 1;
        private static final int CLOSING = 2;
        private static final int CLOSED = 3;
        /** How long a close from another thread waits for the duty cycle before closing the agent itself. */
        private static final long REMOVE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
        private static final Slot[] NONE = new Slot[0];
        /** An invoking application that has not invoked for this long is taken as stopped. */
        private static final long INVOKER_IDLE_NS = TimeUnit.MILLISECONDS.toNanos(100);

        private final String name;
        /** The one thread's idle strategy, null under INVOKER (the application idles its own loop). */
        private final IdleStrategy idle;
        private final AgentRunner runner;
        private final AgentInvoker invoker;
        /**
         * Under SHARED (a thread of the node's own), the control agent runs on a thread of its own, as under
         * DEDICATED: its work (an activation's steps, an application's {@code onReplicated} while Warm, lag checks)
         * takes milliseconds at times and must not hold up the FIX engine's and the replication agents' one thread.
         * Null under INVOKER, where the application's loop runs everything.
         */
        private final Dedicated controlHost;
        private volatile Slot[] slots = NONE;
        /** The thread inside {@link #doWork()} now, null between passes. */
        private volatile Thread dutyThread;
        /** The thread of the last pass, null before the first: under INVOKER, the application's thread. */
        private volatile Thread lastDutyThread;
        private volatile long lastPassNs;

        Shared(final String name, final IdleStrategy idle, final ThreadFactory threadFactory)
        {
            this.name = name;
            this.idle = idle;
            final ErrorHandler rethrown = ex -> LOG.debug("{}: the shared duty cycle ends: {}", name, ex.toString());
            if (idle != null)
            {
                this.runner = new AgentRunner(idle, rethrown, null, this);
                this.invoker = null;
                this.controlHost = new Dedicated(null, threadFactory);
                // a throwable that ends the one thread ends every agent on it: the first one's handler reports it
                AgentRunner.startOnThread(runner, reporting(threadFactory, throwable ->
                {
                    final Slot[] current = slots;
                    if (current.length > 0)
                    {
                        current[0].errorHandler.onError(throwable);
                    }
                }));
            }
            else
            {
                this.runner = null;
                this.controlHost = null;
                this.invoker = new AgentInvoker(rethrown, null, this);
                invoker.start();
            }
        }

        @Override
        AgentInvoker invoker()
        {
            if (invoker == null)
            {
                return super.invoker();
            }
            return invoker;
        }

        @Override
        Hosted start(final Agent agent, final ErrorHandler errorHandler, final boolean control,
            final IdleWaker waker)
        {
            if (control && controlHost != null)
            {
                return controlHost.start(agent, errorHandler, true, waker);
            }
            waker.bind(idle);
            final Slot slot = new Slot(agent, errorHandler);
            synchronized (this)
            {
                final Slot[] current = slots;
                final Slot[] next = java.util.Arrays.copyOf(current, current.length + 1);
                next[current.length] = slot;
                slots = next;
            }
            return slot;
        }

        @Override
        public int doWork()
        {
            final Thread current = Thread.currentThread();
            dutyThread = current;
            lastDutyThread = current;
            lastPassNs = System.nanoTime();
            try
            {
                int work = 0;
                for (final Slot slot : slots)
                {
                    final int state = slot.state.get();
                    if (state == ACTIVE)
                    {
                        try
                        {
                            work += slot.agent.doWork();
                        }
                        catch (final Throwable ex)
                        {
                            slot.errorHandler.onError(ex);
                            if (ex instanceof Error)
                            {
                                throw (Error)ex;
                            }
                        }
                    }
                    else if (state == REMOVE_REQUESTED && slot.state.compareAndSet(REMOVE_REQUESTED, CLOSING))
                    {
                        closeSlot(slot);
                        work++;
                    }
                }
                return work;
            }
            finally
            {
                dutyThread = null;
            }
        }

        private void remove(final Slot slot)
        {
            final Thread current = Thread.currentThread();
            // inside a pass, or the invoking application's thread between two passes: nothing else runs the agent
            if (current == dutyThread || (invoker != null && current == lastDutyThread))
            {
                if (slot.state.compareAndSet(ACTIVE, CLOSING) || slot.state.compareAndSet(REMOVE_REQUESTED, CLOSING))
                {
                    closeSlot(slot);
                }
                return;
            }
            slot.state.compareAndSet(ACTIVE, REMOVE_REQUESTED);
            final long deadlineNs = System.nanoTime() + REMOVE_TIMEOUT_NS;
            while (slot.state.get() != CLOSED && dutyCycleRunning() && System.nanoTime() - deadlineNs < 0)
            {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
            }
            if (slot.state.compareAndSet(REMOVE_REQUESTED, CLOSING))
            {
                // no duty cycle came by (stopped, its thread dead, or an application that no longer invokes)
                closeSlot(slot);
            }
        }

        private boolean dutyCycleRunning()
        {
            if (runner != null)
            {
                final Thread thread = runner.thread();
                return !runner.isClosed() && (thread == null || thread.isAlive());
            }
            // an invoking application: one that has not invoked for 100 ms is taken as stopped (safe either way: a
            // pass that starts later sees REMOVE_REQUESTED, and whoever moves the slot to CLOSING closes it, once)
            return !invoker.isClosed() && (dutyThread != null ||
                (lastDutyThread != null && System.nanoTime() - lastPassNs < INVOKER_IDLE_NS));
        }

        private void closeSlot(final Slot slot)
        {
            try
            {
                slot.agent.onClose();
            }
            catch (final Throwable ex)
            {
                slot.errorHandler.onError(ex);
            }
            finally
            {
                slot.state.set(CLOSED);
                synchronized (this)
                {
                    final Slot[] current = slots;
                    int kept = 0;
                    final Slot[] next = new Slot[current.length];
                    for (final Slot each : current)
                    {
                        if (each != slot)
                        {
                            next[kept++] = each;
                        }
                    }
                    slots = java.util.Arrays.copyOf(next, kept);
                }
            }
        }

        @Override
        public void onClose()
        {
            for (final Slot slot : slots)
            {
                if (slot.state.compareAndSet(ACTIVE, CLOSING) || slot.state.compareAndSet(REMOVE_REQUESTED, CLOSING))
                {
                    closeSlot(slot);
                }
            }
        }

        @Override
        public String roleName()
        {
            return name;
        }

        @Override
        public void close()
        {
            if (runner != null)
            {
                if (idle instanceof IoIdleStrategy)
                {
                    ((IoIdleStrategy)idle).wakeup();
                }
                runner.close();
                if (idle instanceof IoIdleStrategy)
                {
                    ((IoIdleStrategy)idle).close();
                }
            }
            else
            {
                invoker.close();
            }
            onClose();
        }

        private final class Slot implements Hosted
        {
            final Agent agent;
            final ErrorHandler errorHandler;
            final AtomicInteger state = new AtomicInteger(ACTIVE);

            Slot(final Agent agent, final ErrorHandler errorHandler)
            {
                this.agent = agent;
                this.errorHandler = errorHandler;
            }

            @Override
            public void close()
            {
                if (idle instanceof IoIdleStrategy)
                {
                    // the duty cycle takes the removal at its next pass: make it come now
                    ((IoIdleStrategy)idle).wakeup();
                }
                remove(this);
            }

            @Override
            public boolean threadEnded()
            {
                if (runner == null || state.get() == CLOSED)
                {
                    return false;
                }
                final Thread thread = runner.thread();
                return !runner.isClosed() && thread != null && thread != AgentRunner.TOMBSTONE && !thread.isAlive();
            }
        }
    }
}
