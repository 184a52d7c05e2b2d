package dev.tandem.node.demo;

import dev.tandem.journal.JvmOptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node running in its own JVM ({@code NodeMain node --config FILE}), started with Tandem's JVM flags and this JVM's
 * classpath, whose {@code TANDEM ...} lines can be awaited, and which can be killed with SIGKILL. Its whole output
 * also goes to a log file beside its config.
 * <p>
 * Threading: one owning thread; a daemon thread pumps the output.
 */
public final class NodeProcess implements AutoCloseable
{
    private static final Pattern FIX = Pattern.compile(" fix=[^ :]+:(\\d+)");
    private static final Pattern ADMIN = Pattern.compile(" admin=\\S+:(\\d+)");
    private static final Pattern REPLICATION = Pattern.compile(" replication=(\\d+)");

    private final String name;
    private final Process process;
    /** Every TANDEM line in order; guarded by itself. An awaited line is marked consumed, the others stay. */
    private final List<String> events = new ArrayList<>();
    private final BitSet consumed = new BitSet();
    private final List<String> transcript = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Consumer<String> echo;

    private NodeProcess(final String name, final Process process, final Path log, final Consumer<String> echo)
    {
        this.name = name;
        this.process = process;
        this.echo = echo;
        final Thread pump = new Thread(() -> pump(log), "node-output-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * The flags a node JVM is started with: Tandem's argument file for this Java version
     * ({@link JvmOptions#forThisJvm()}), whatever flags this JVM itself was started with.
     */
    public static List<String> jvmFlags()
    {
        return JvmOptions.forThisJvm();
    }

    /**
     * Starts a node JVM on {@code config} with a small heap and the serial collector
     * ({@link #SMALL_HEAP}), so the demo and the tests can run several nodes on a 2-core machine.
     *
     * @param echo receives each {@code TANDEM} line the node prints (for live output), may be null.
     */
    public static NodeProcess start(final String name, final Path config, final List<String> extraJvmArgs,
        final Consumer<String> echo)
    {
        return launch(name, config, SMALL_HEAP, extraJvmArgs, echo);
    }

    /**
     * Starts a node JVM on {@code config} as {@code ./tandem node} does: Tandem's JVM flags and nothing else, the JVM's
     * own heap and collector. For measurements of what a user of the documented defaults gets.
     *
     * @param echo receives each {@code TANDEM} line the node prints (for live output), may be null.
     */
    public static NodeProcess startAsLauncher(final String name, final Path config, final List<String> extraJvmArgs,
        final Consumer<String> echo)
    {
        return launch(name, config, List.of(), extraJvmArgs, echo);
    }

    /** The heap and collector of {@link #start}: the demo's and the tests' choice, not a user's default. */
    public static final List<String> SMALL_HEAP = List.of("-Xmx256m", "-XX:+UseSerialGC");

    private static NodeProcess launch(final String name, final Path config, final List<String> heap,
        final List<String> extraJvmArgs, final Consumer<String> echo)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags());
        command.addAll(heap);
        command.addAll(extraJvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.tandem.node.NodeMain");
        command.add("node");
        command.add("--config");
        command.add(config.toString());
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            return new NodeProcess(name, process, config.resolveSibling(name + ".log"), echo);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void pump(final Path log)
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                transcript.add(line);
                Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                if (line.startsWith("TANDEM"))
                {
                    synchronized (events)
                    {
                        events.add(line);
                        events.notifyAll();
                    }
                    if (echo != null)
                    {
                        echo.accept(line);
                    }
                }
            }
        }
        catch (final IOException ignore)
        {
            // the process died: its output ends here
        }
    }

    /**
     * Waits for a {@code TANDEM} line starting with {@code prefix} and returns the oldest one not returned before;
     * fails with the output so far. Lines are never lost to a wait for another prefix: a node may print STALE before
     * READY, and a wait for READY then STALE still sees both.
     */
    public String awaitEvent(final String prefix, final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try
        {
            synchronized (events)
            {
                while (true)
                {
                    for (int i = consumed.nextClearBit(0); i < events.size(); i = consumed.nextClearBit(i + 1))
                    {
                        if (events.get(i).startsWith(prefix))
                        {
                            consumed.set(i);
                            return events.get(i);
                        }
                    }
                    final long leftNs = deadlineNs - System.nanoTime();
                    if (leftNs <= 0 || !process.isAlive())
                    {
                        throw new IllegalStateException(name + ": no '" + prefix + "' within " + timeoutMs + " ms" +
                            (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; output:\n" +
                            String.join("\n", transcript()));
                    }
                    TimeUnit.NANOSECONDS.timedWait(events, Math.min(leftNs, TimeUnit.MILLISECONDS.toNanos(50)));
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    /** A path as a YAML double-quoted string, made absolute, for a node's configuration file. */
    public static String yamlPath(final Path path)
    {
        return "\"" + path.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Writes {@code text} (UTF-8) to {@code file}, replacing it, and returns the file. */
    public static Path writeFile(final Path file, final String text)
    {
        try
        {
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
    }

    /** The FIX port from a READY line. */
    public static int fixPort(final String readyLine)
    {
        return group(FIX, readyLine);
    }

    /** The admin port from a READY line. */
    public static int adminPort(final String readyLine)
    {
        return group(ADMIN, readyLine);
    }

    /** The replication port from a primary's READY line. */
    public static int replicationPort(final String readyLine)
    {
        return group(REPLICATION, readyLine);
    }

    private static int group(final Pattern pattern, final String line)
    {
        final Matcher matcher = pattern.matcher(line);
        if (!matcher.find())
        {
            throw new IllegalStateException("no " + pattern + " in '" + line + "'");
        }
        return Integer.parseInt(matcher.group(1));
    }

    public List<String> transcript()
    {
        synchronized (transcript)
        {
            return new ArrayList<>(transcript);
        }
    }

    public String name()
    {
        return name;
    }

    public long pid()
    {
        return process.pid();
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    /** SIGKILL, like a crash: no shutdown hook runs. Waits until the process is gone. */
    public void kill()
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

    /** SIGTERM: the node closes itself cleanly. Waits up to {@code timeoutMs}, then kills. */
    public int stop(final long timeoutMs)
    {
        process.destroy();
        try
        {
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
            {
                kill();
            }
            return process.exitValue();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            kill();
            return -1;
        }
    }

    /** Waits for the process to exit by itself. */
    public int awaitExit(final long timeoutMs)
    {
        try
        {
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
            {
                throw new IllegalStateException(name + " did not exit within " + timeoutMs + " ms; output:\n" +
                    String.join("\n", transcript()));
            }
            return process.exitValue();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
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

    /** Prints to {@code out} with a prefix; for {@code echo}. */
    public static Consumer<String> printer(final PrintStream out, final String prefix)
    {
        return line ->
        {
            synchronized (out)
            {
                out.println(prefix + line);
                out.flush();
            }
        };
    }
}
