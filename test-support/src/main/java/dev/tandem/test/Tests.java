package dev.tandem.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Bounded waiting for tests: every wait has a deadline, and a timed-out wait fails with what it was waiting for.
 * Polling backs off from a spin to 1 ms parks, so a condition is seen promptly without burning a core.
 */
public final class Tests
{
    private Tests()
    {
    }

    /**
     * Waits until {@code condition} holds or fails the test after {@code timeout}.
     *
     * @param what describes the condition for the failure message.
     */
    public static void await(final String what, final Duration timeout, final BooleanSupplier condition)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        int spins = 0;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            if (++spins < 100)
            {
                Thread.onSpinWait();
            }
            else
            {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
            }
            if (Thread.currentThread().isInterrupted())
            {
                throw new AssertionError("interrupted while waiting for: " + what);
            }
        }
    }

    /**
     * Waits until {@code supplier} gives a non-null value and returns it, or fails after {@code timeout}.
     */
    public static <T> T awaitValue(final String what, final Duration timeout, final Supplier<T> supplier)
    {
        final Object[] holder = new Object[1];
        await(what, timeout, () -> (holder[0] = supplier.get()) != null);
        @SuppressWarnings("unchecked") final T value = (T)holder[0];
        return value;
    }

    /** Creates a fresh temporary directory whose name starts with {@code prefix}. */
    public static Path tempDir(final String prefix)
    {
        try
        {
            return Files.createTempDirectory("tandem-" + prefix + "-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * A temporary file holding a replication secret of 32 characters, deleted when the JVM exits: for node
     * configurations in tests ({@code secretFile: ...}).
     */
    public static Path secretFile()
    {
        try
        {
            final Path file = Files.createTempFile("tandem-secret", ".txt");
            file.toFile().deleteOnExit();
            Files.writeString(file, "0123456789abcdef0123456789abcdef");
            return file;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Deletes a directory tree; missing paths are ignored. */
    public static void deleteRecursively(final Path root)
    {
        if (root == null || !Files.exists(root))
        {
            return;
        }
        try
        {
            Files.walkFileTree(root, new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
                {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path dir, final IOException exc) throws IOException
                {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
