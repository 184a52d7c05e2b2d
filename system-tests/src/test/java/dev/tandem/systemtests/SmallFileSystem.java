package dev.tandem.systemtests;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small tmpfs mounted on a directory for the length of a test: a disk that really fills up, or one that is
 * really read-only (chmod does not stop root). Mounting needs root (or CAP_SYS_ADMIN); where the machine refuses, the
 * test is skipped with a JUnit assumption that says why, never passed silently.
 */
final class SmallFileSystem implements AutoCloseable
{
    private static final long COMMAND_TIMEOUT_MS = 10_000;

    private final Path mountPoint;

    private SmallFileSystem(final Path mountPoint)
    {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs with {@code options} (e.g. {@code size=8m}, {@code size=1m,ro}) on {@code dir}, creating it. */
    static SmallFileSystem mount(final Path dir, final String options)
    {
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot create mount point " + dir, ex);
        }
        final String result = run(List.of("mount", "-t", "tmpfs", "-o", options, "tandem-test", dir.toString()));
        Assumptions.assumeTrue(result == null, () -> "SKIPPED: this machine does not let the test mount a tmpfs on " +
            dir + " (" + result + "); a test that needs a real full or read-only file system cannot run here");
        return new SmallFileSystem(dir);
    }

    /** Fills the file system to the last byte with a file of its own and returns how many bytes it took. */
    long fill()
    {
        final byte[] chunk = new byte[4096];
        long written = 0;
        try (var out = Files.newOutputStream(mountPoint.resolve("filler")))
        {
            while (true)
            {
                out.write(chunk);
                written += chunk.length;
            }
        }
        catch (final IOException expected)
        {
            return written;
        }
    }

    /** Remounts the file system read-only, keeping what was written to it. */
    void remountReadOnly()
    {
        final String result = run(List.of("mount", "-o", "remount,ro", mountPoint.toString()));
        if (result != null)
        {
            throw new IllegalStateException(result);
        }
    }

    @Override
    public void close()
    {
        if (run(List.of("umount", mountPoint.toString())) != null)
        {
            run(List.of("umount", "-l", mountPoint.toString()));
        }
    }

    /** @return null on success, else what went wrong. */
    private static String run(final List<String> command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                return String.join(" ", command) + " did not finish";
            }
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.exitValue() == 0 ? null :
                String.join(" ", command) + " exited " + process.exitValue() + ": " + output;
        }
        catch (final IOException ex)
        {
            return String.join(" ", command) + ": " + ex;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
