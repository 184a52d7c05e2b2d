package dev.tandem.benchmarks.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used (user + system, its threads but the JIT compiler's), read from
 * {@code /proc/<pid>/task/<tid>/stat} (Linux only). The idle cost of an acceptor is the CPU time it uses over a quiet
 * interval divided by that interval: 100% is one core busy all the time.
 * <p>
 * Threading: stateless, any thread.
 */
public final class CpuTime
{
    /** USER_HZ: the unit of utime and stime. 100 on every Linux this runs on (getconf CLK_TCK). */
    private static final long TICKS_PER_SECOND = 100;

    private CpuTime()
    {
    }

    /** @return whether {@code /proc/self/stat} can be read (Linux). */
    public static boolean available()
    {
        return Files.isReadable(Path.of("/proc/self/stat"));
    }

    /**
     * CPU time used so far by the threads of process {@code pid} other than the JIT compiler's ({@code C1/C2
     * CompilerThread}), in nanoseconds (10 ms resolution per thread): the steady cost of a process, without the
     * one-off compilation of what it ran last (which in the seconds after a burst of traffic can cost more than the
     * process's idle work itself). Threads that ended meanwhile are not counted.
     */
    public static long processCpuNsWithoutJit(final long pid)
    {
        long total = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                final String stat;
                try
                {
                    stat = Files.readString(task.resolve("stat"));
                }
                catch (final IOException ended)
                {
                    continue;
                }
                final String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre"))
                {
                    total += cpuNs(stat);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the threads of process " + pid, ex);
        }
        return total;
    }

    private static long cpuNs(final String stat)
    {
        // the command name (field 2) may hold spaces and parentheses: the fields are counted after its last ')'
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        final long utime = Long.parseLong(fields[14 - 3]);
        final long stime = Long.parseLong(fields[15 - 3]);
        return (utime + stime) * (1_000_000_000L / TICKS_PER_SECOND);
    }
}
