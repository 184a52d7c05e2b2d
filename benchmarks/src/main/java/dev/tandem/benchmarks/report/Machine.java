package dev.tandem.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A description of the machine a benchmark ran on, for the report: CPU model and count, memory, OS, Java; and the
 * load average (on a shared machine the tails follow it).
 * <p>
 * Threading: stateless, any thread.
 */
public final class Machine
{
    private Machine()
    {
    }

    /** CPU, cores, memory, OS and Java, in one line. */
    static String describe()
    {
        final String cpu = grep(Path.of("/proc/cpuinfo"), "model name");
        final String memory = grep(Path.of("/proc/meminfo"), "MemTotal");
        return String.format(Locale.ROOT, "%s; %d CPUs available to the JVM; memory %s; %s %s (%s); Java %s (%s)",
            cpu == null ? "CPU model unknown" : cpu, Runtime.getRuntime().availableProcessors(),
            memory == null ? "unknown" : memory, System.getProperty("os.name"), System.getProperty("os.version"),
            System.getProperty("os.arch"), System.getProperty("java.version"), System.getProperty("java.vm.name"));
    }

    /** The load average over 1, 5 and 15 minutes, from {@code /proc/loadavg}, or why it is unknown. */
    public static String loadAverage()
    {
        try
        {
            final String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2] + " (1, 5, 15 min)";
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown (" + ex.getMessage() + ")";
        }
    }

    private static String grep(final Path file, final String key)
    {
        try
        {
            for (final String line : Files.readAllLines(file))
            {
                if (line.startsWith(key))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
            return null;
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
