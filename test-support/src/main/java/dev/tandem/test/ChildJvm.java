package dev.tandem.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a main class on the test's classpath with Chronicle's JVM flags, whose output lines can be
 * awaited and which can be killed with SIGKILL ({@link #kill()}) for crash tests.
 * <p>
 * Threading: one test thread drives an instance; a daemon thread pumps the child's output into a queue.
 */
public final class ChildJvm implements AutoCloseable
{
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> transcript = java.util.Collections.synchronizedList(new ArrayList<>());
    private final String name;

    private ChildJvm(final String name, final Process process)
    {
        this.name = name;
        this.process = process;
        final Thread pump = new Thread(this::pump, "child-output-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts {@code mainClass} with the current test classpath, the JVM flags passed to the test in the
     * {@code tandem.jvm.args} system property, {@code extraJvmArgs}, and {@code args}.
     */
    public static ChildJvm start(
        final String name, final Class<?> mainClass, final List<String> extraJvmArgs, final String... args)
    {
        return start(name, jvmArgs(), mainClass, extraJvmArgs, args);
    }

    /**
     * Starts {@code mainClass} like {@link #start(String, Class, List, String...)} but without the
     * {@code tandem.jvm.args} flags: for tests of what happens when a user forgets them.
     */
    public static ChildJvm startWithoutTandemFlags(
        final String name, final Class<?> mainClass, final List<String> extraJvmArgs, final String... args)
    {
        return start(name, List.of(), mainClass, extraJvmArgs, args);
    }

    private static ChildJvm start(
        final String name,
        final List<String> flags,
        final Class<?> mainClass,
        final List<String> extraJvmArgs,
        final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.add("-Xmx256m");
        command.addAll(extraJvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(Arrays.asList(args));
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            return new ChildJvm(name, process);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The Chronicle flags the build passes to tests, split into arguments. */
    public static List<String> jvmArgs()
    {
        final String flags = System.getProperty("tandem.jvm.args", "").trim();
        final List<String> result = new ArrayList<>();
        for (final String flag : flags.split("\\s+"))
        {
            if (!flag.isEmpty())
            {
                result.add(flag);
            }
        }
        return result;
    }

    private void pump()
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                transcript.add(line);
                lines.add(line);
            }
        }
        catch (final IOException ignore)
        {
            // the child died: its output ends here
        }
    }

    /** Waits for an output line that starts with {@code prefix} and returns it; fails after {@code timeout}. */
    public String awaitLine(final String prefix, final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        try
        {
            while (true)
            {
                final long leftNs = deadlineNs - System.nanoTime();
                if (leftNs <= 0)
                {
                    throw new AssertionError(name + ": no line starting with '" + prefix + "' within " +
                        timeout.toMillis() + " ms; output so far:\n" + String.join("\n", transcript()));
                }
                final String line = lines.poll(leftNs, TimeUnit.NANOSECONDS);
                if (line != null && line.startsWith(prefix))
                {
                    return line;
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    /** Everything the child printed so far. */
    public List<String> transcript()
    {
        synchronized (transcript)
        {
            return new ArrayList<>(transcript);
        }
    }

    public long pid()
    {
        return process.pid();
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hooks, no flushing, exactly like a crash. Waits until the process is gone. */
    public void kill()
    {
        try
        {
            final Process killer = new ProcessBuilder("kill", "-9", Long.toString(process.pid())).start();
            killer.waitFor(10, TimeUnit.SECONDS);
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    /** Waits for the child to exit by itself and returns its exit code; fails after {@code timeout}. */
    public int awaitExit(final Duration timeout)
    {
        try
        {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                throw new AssertionError(name + " did not exit within " + timeout.toMillis() + " ms; output:\n" +
                    String.join("\n", transcript()));
            }
            return process.exitValue();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    @Override
    public void close()
    {
        if (process.isAlive())
        {
            kill();
        }
    }
}
