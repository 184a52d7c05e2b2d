package dev.tandem.benchmarks.node;

import java.util.List;

/**
 * One acceptor under test in the node-level harness, running in its own process(es) on loopback: a FIX port the load
 * client connects to (session {@code TW} to {@code ISLD}, FIX 4.4) and the processes whose idle CPU is measured.
 * {@link #close()} kills them all (SIGKILL) and removes their files.
 * <p>
 * Threading: one owning thread.
 */
public interface Acceptor extends AutoCloseable
{
    /** A short key for JSON and file names, e.g. {@code tandem-pair-waitforever}. */
    String key();

    /** What it is, for the report, e.g. {@code Tandem pair, WaitForever}. */
    String label();

    /** The FIX port on 127.0.0.1. */
    int fixPort();

    /** The processes, by role name (e.g. {@code primary}, {@code secondary}), in a stable order. */
    List<Proc> processes();

    @Override
    void close();

    /**
     * One process of an acceptor.
     *
     * @param role what it does, e.g. {@code primary}.
     * @param pid its process id.
     */
    record Proc(String role, long pid)
    {
    }
}
