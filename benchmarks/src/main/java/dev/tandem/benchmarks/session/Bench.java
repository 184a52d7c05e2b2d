package dev.tandem.benchmarks.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

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

    static void deleteRecursively(final Path root)
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
