package dev.tandem.node;

import org.agrona.concurrent.NanoClock;

/**
 * An activation's write of its new epoch, forced to disk on a short-lived thread of its own: the force takes
 * milliseconds on a real disk, and the activation makes its FIX acceptor ready meanwhile (the application's
 * activation, the acceptor's buffers). {@link #await()} then waits for it: nothing serves at the new epoch, and no
 * agent starts, before the epoch is durable, exactly as when the write was made in line.
 * <p>
 * Threading: created and awaited on the node's control thread (one activation at a time); the write runs on its own
 * daemon thread, whose end {@link #await()} joins (a happens-before edge).
 */
final class EpochWrite implements Runnable
{
    private final EpochFile file;
    private final long epoch;
    private final NanoClock clock;
    private final Thread thread;
    private final long startNs;
    /** Written by the writing thread, read after the join. */
    private long doneNs;
    private Throwable failure;
    private long waitedNs;
    private boolean awaited;

    /** Starts writing {@code epoch} to {@code file} (a forced write, then an atomic rename). */
    EpochWrite(final EpochFile file, final long epoch, final String nodeName, final NanoClock clock)
    {
        this.file = file;
        this.epoch = epoch;
        this.clock = clock;
        this.startNs = clock.nanoTime();
        // a plain Runnable, not a lambda: the first activation of a process should not wait for a call site's bootstrap
        thread = new Thread(this, "tandem-epoch-" + nodeName);
        thread.setDaemon(true);
        thread.start();
    }

    /** The write, on its own thread; not to be called otherwise. */
    @Override
    public void run()
    {
        try
        {
            file.store(epoch);
        }
        catch (final Throwable ex)
        {
            // handed to the control thread by await(), which throws it there: an Error stays fatal
            failure = ex;
        }
        finally
        {
            doneNs = clock.nanoTime();
        }
    }

    /**
     * Waits until the epoch is on disk.
     *
     * @throws IllegalStateException naming the epoch when the write failed (an {@link Error} is rethrown as it is).
     */
    void await()
    {
        join();
        if (failure instanceof Error)
        {
            throw (Error)failure;
        }
        if (failure != null)
        {
            throw new IllegalStateException("epoch " + epoch + " could not be stored: " + failure.getMessage(),
                failure);
        }
    }

    /**
     * Waits until the write has ended, for a failed activation that must know where its epoch stands.
     *
     * @return why the write failed, or null when it succeeded or {@link #await()} already reported it.
     */
    String awaitQuietly()
    {
        final boolean reported = awaited;
        join();
        return reported || failure == null ? null : "epoch " + epoch + " could not be stored: " + failure;
    }

    /** How long the write took, in ns; valid once awaited. */
    long tookNs()
    {
        return doneNs - startNs;
    }

    /** How long {@link #await()} waited for it (what it added to the activation), in ns. */
    long waitedNs()
    {
        return waitedNs;
    }

    private void join()
    {
        if (awaited)
        {
            return;
        }
        awaited = true;
        final long beganNs = clock.nanoTime();
        boolean interrupted = false;
        while (true)
        {
            try
            {
                thread.join();
                break;
            }
            catch (final InterruptedException ex)
            {
                // the epoch's fate must be known before going on: keep waiting, restore the flag afterwards
                interrupted = true;
            }
        }
        waitedNs = clock.nanoTime() - beganNs;
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
