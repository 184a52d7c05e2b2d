package dev.tandem.benchmarks.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A benchmark's child JVM: a main class on this JVM's classpath, started with the given JVM arguments, whose output
 * lines can be awaited or handed to a consumer as they come; closed with SIGKILL. Tandem nodes use the cli's
 * {@link dev.tandem.node.demo.NodeProcess}; this is for the baselines (QuickFIX/J, the raw echo server) and the
 * failover and switchover clients ({@code failover.ClientJvm}).
 * <p>
 * Threading: one owning thread; a daemon thread pumps the output (and calls the consumer).
 */
public final class ChildProcess implements AutoCloseable
{
    /** How many of the last lines a failure's message quotes. */
    private static final int LAST_LINES = 40;

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Consumer<String> onLine;
    private final Thread pump;

    private ChildProcess(final String name, final Process process, final Consumer<String> onLine)
    {
        this.name = name;
        this.process = process;
        this.onLine = onLine;
        pump = new Thread(this::pump, "child-output-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code mainClass} in a new JVM with {@code jvmArgs} and {@code args}. */
    static ChildProcess start(final String name, final List<String> jvmArgs, final Class<?> mainClass,
        final String... args)
    {
        return start(name, jvmArgs, mainClass, List.of(args), null);
    }

    /**
     * Starts {@code mainClass} in a new JVM with {@code jvmArgs} and {@code args}; {@code onLine} (null for none) sees
     * each line of its output, on the pump's thread, before it is kept.
     */
    public static ChildProcess start(final String name, final List<String> jvmArgs, final Class<?> mainClass,
        final List<String> args, final Consumer<String> onLine)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        try
        {
            return new ChildProcess(name, new ProcessBuilder(command).redirectErrorStream(true).start(), onLine);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void pump()
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                if (onLine != null)
                {
                    onLine.accept(line);
                }
                synchronized (lines)
                {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        }
        catch (final IOException ignore)
        {
            // the process died: its output ends here
        }
    }

    /** Waits for a line starting with {@code prefix}; fails with the output so far after {@code timeoutMs}. */
    String awaitLine(final String prefix, final long timeoutMs)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (lines)
        {
            while (true)
            {
                for (final String line : lines)
                {
                    if (line.startsWith(prefix))
                    {
                        return line;
                    }
                }
                final long leftNs = deadline - System.nanoTime();
                if (leftNs <= 0 || !process.isAlive())
                {
                    throw new IllegalStateException(name + ": no '" + prefix + "' within " + timeoutMs + " ms" +
                        (process.isAlive() ? "" : " (exited)") + "; output:\n" + String.join("\n", lines));
                }
                try
                {
                    TimeUnit.NANOSECONDS.timedWait(lines, Math.min(leftNs, TimeUnit.MILLISECONDS.toNanos(50)));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", ex);
                }
            }
        }
    }

    long pid()
    {
        return process.pid();
    }

    /**
     * Waits at most {@code timeoutMs} for the process to exit and its output to be read to the end.
     *
     * @return its exit code.
     * @throws IllegalStateException naming the child, with its last lines, when it is still running then.
     */
    public int awaitExit(final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try
        {
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
            {
                throw new IllegalStateException(name + " did not finish within " + timeoutMs + " ms; its last " +
                    "lines:\n" + lastLines());
            }
            pump.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, ex);
        }
        return process.exitValue();
    }

    /** The last lines of its output, for a failure's message. */
    public String lastLines()
    {
        synchronized (lines)
        {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LAST_LINES), lines.size()));
        }
    }

    /** Kills it (SIGKILL) and waits for it to be gone. */
    @Override
    public void close()
    {
        process.destroyForcibly();
        try
        {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
