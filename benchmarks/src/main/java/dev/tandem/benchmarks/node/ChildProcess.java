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

/**
 * An acceptor's JVM for the node-level harness: a main class on this JVM's classpath, started with the given JVM
 * arguments, whose output lines can be awaited; closed with SIGKILL. Tandem nodes use the cli's
 * {@link dev.tandem.node.demo.NodeProcess}; this is for the baselines (QuickFIX/J, the raw echo server).
 * <p>
 * Threading: one owning thread; a daemon thread pumps the output.
 */
final class ChildProcess implements AutoCloseable
{
    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();

    private ChildProcess(final String name, final Process process)
    {
        this.name = name;
        this.process = process;
        final Thread pump = new Thread(this::pump, "child-output-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code mainClass} in a new JVM with {@code jvmArgs} and {@code args}. */
    static ChildProcess start(final String name, final List<String> jvmArgs, final Class<?> mainClass,
        final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        try
        {
            return new ChildProcess(name, new ProcessBuilder(command).redirectErrorStream(true).start());
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
