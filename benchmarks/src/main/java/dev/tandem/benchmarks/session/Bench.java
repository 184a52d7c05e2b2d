package dev.tandem.benchmarks.session;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Bounded waits and clean-up for the latency harness. Stateless. */
final class Bench
{
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(30);

    private Bench()
    {
    }

    static void await(final String what, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + WAIT_NS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    /** Waits for every echo, allowing the run's nominal length plus 30 s. */
    static void awaitEchoes(final RoundTripRecorder recorder)
    {
        final long deadline = recorder.intendedSendNs(recorder.totalMessages()) + WAIT_NS;
        while (recorder.echoes() < recorder.totalMessages())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("only " + recorder.echoes() + " of " + recorder.totalMessages() +
                    " echoes arrived");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }
}
