package dev.tandem.benchmarks.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used (user + system, all its threads), read from {@code /proc/<pid>/stat} (Linux only).
 * The idle cost of an acceptor is the CPU time it uses over a quiet interval divided by that interval: 100% is one
 * core busy all the time.
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

    /** @return CPU time used so far by process {@code pid}, in nanoseconds (10 ms resolution). */
    public static long processCpuNs(final long pid)
    {
        final String stat;
        try
        {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, ex);
        }
        // the command name (field 2) may hold spaces and parentheses: the fields are counted after its last ')'
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        final long utime = Long.parseLong(fields[14 - 3]);
        final long stime = Long.parseLong(fields[15 - 3]);
        return (utime + stime) * (1_000_000_000L / TICKS_PER_SECOND);
    }
}
