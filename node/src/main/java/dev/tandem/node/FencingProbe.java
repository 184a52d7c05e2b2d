package dev.tandem.node;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.replication.ReplicationSink;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;

/**
 * After an activation, keeps knocking on the old primary's replication port with the new epoch, through the
 * replication handshake: a returning old primary learns from it that it is stale and stops logging anyone on. The
 * probe says so in its hello (kind PROBE): the source answers with its epoch and closes, never streams to it, never
 * counts an ack from it and never lets it replace the attached secondary; it grants no lease. Its scratch journal
 * (the sink needs one) therefore stays empty. If the peer answers with a higher epoch than ours, this node is the
 * stale one.
 * <p>
 * Threading: its own agent thread; accessors from any thread. {@link #openScratch} before the first probe starts,
 * {@link #closeScratch} after the last one has closed.
 */
final class FencingProbe implements AutoCloseable
{
    private final ReplicationSink sink;
    private final AgentRunner runner;

    private FencingProbe(final ReplicationSink sink, final AgentRunner runner)
    {
        this.sink = sink;
        this.runner = runner;
    }

    /**
     * Opens the probes' scratch journal (the sink needs one; a probe's stays empty), beside the node's journal, not
     * inside it: a crash leaves it where the operator looks, and it is recreated at each start. A node opens it once,
     * at start-up, so that an activation does not create a Chronicle queue on its control thread while its first
     * counterparties and its new secondary attach. Null when there is no peer to probe ({@code replication.connect}).
     */
    static Journal openScratch(final NodeConfig config)
    {
        if (config.replication() == null || config.replication().connect() == null)
        {
            return null;
        }
        final Path dir = scratchDir(config);
        Dirs.deleteRecursively(dir);
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new ConfigException("journal.dir: cannot create the fencing probe's scratch directory " + dir +
                " beside it: " + ex, ex);
        }
        return Journal.open(new JournalContext().dir(dir.toString()).conclude());
    }

    /** Closes what {@link #openScratch} opened (null: nothing) and deletes its directory. */
    static void closeScratch(final NodeConfig config, final Journal scratch)
    {
        if (scratch != null)
        {
            CloseHelper.quietClose(scratch);
            Dirs.deleteRecursively(scratchDir(config));
        }
    }

    private static Path scratchDir(final NodeConfig config)
    {
        final Path journalDir = Path.of(config.journal().dir()).toAbsolutePath();
        return journalDir.resolveSibling(journalDir.getFileName() + ".fence-probe");
    }

    /**
     * Starts probing the peer named by {@code replication.connect} with the journal from {@link #openScratch}, or
     * returns null when there is none. One probe at a time uses the scratch journal.
     */
    static FencingProbe start(final NodeConfig config, final long epoch, final Journal scratch,
        final ErrorHandler errorHandler)
    {
        if (scratch == null)
        {
            return null;
        }
        final ReplicationSink sink = new ReplicationSink(
            config.replication().sinkContext(config.nodeId(), epoch).probe(true).conclude(), scratch);
        final AgentRunner runner = new AgentRunner(new SleepingMillisIdleStrategy(5), errorHandler, null, sink);
        AgentRunner.startOnThread(runner, PLAIN_THREADS);
        return new FencingProbe(sink, runner);
    }

    /**
     * Agrona's default for {@code startOnThread} is a lambda, linked by the first probe of a process, which starts
     * right after its activation: a named class instead (see {@link ActivationPreload}).
     */
    private static final ThreadFactory PLAIN_THREADS = new ThreadFactory()
    {
        @Override
        public Thread newThread(final Runnable runnable)
        {
            return new Thread(runnable);
        }
    };

    /** The epoch the peer announced, -1 before it answered. */
    long peerEpoch()
    {
        return sink.sourceEpoch();
    }

    int peerNodeId()
    {
        return sink.sourceNodeId();
    }

    @Override
    public void close()
    {
        // the scratch journal stays open for the next probe (closeScratch)
        CloseHelper.quietClose(runner);
    }
}
