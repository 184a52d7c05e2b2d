package dev.tandem.node;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.replication.ReplicationSink;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * After an activation, keeps knocking on the old primary's replication port with the new epoch, through the
 * replication handshake: a returning old primary learns from it that it is stale and stops logging anyone on. The
 * probe says so in its hello (kind PROBE): the source answers with its epoch and closes, never streams to it, never
 * counts an ack from it and never lets it replace the attached secondary; it grants no lease. Its scratch journal
 * (the sink needs one) therefore stays empty. If the peer answers with a higher epoch than ours, this node is the
 * stale one.
 * <p>
 * Threading: its own agent thread; accessors from any thread.
 */
final class FencingProbe implements AutoCloseable
{
    private final Path dir;
    private final Journal scratch;
    private final ReplicationSink sink;
    private final AgentRunner runner;

    private FencingProbe(final Path dir, final Journal scratch, final ReplicationSink sink, final AgentRunner runner)
    {
        this.dir = dir;
        this.scratch = scratch;
        this.sink = sink;
        this.runner = runner;
    }

    /** Starts probing the peer named by {@code replication.connect}, or returns null when there is none. */
    static FencingProbe start(final NodeConfig config, final long epoch, final ErrorHandler errorHandler)
    {
        if (config.replication() == null || config.replication().connect() == null)
        {
            return null;
        }
        // beside the journal, not inside it: a crash leaves it where the operator looks, and it is recreated each time
        final Path journalDir = Path.of(config.journal().dir()).toAbsolutePath();
        final Path dir = journalDir.resolveSibling(journalDir.getFileName() + ".fence-probe");
        Dirs.deleteRecursively(dir);
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final Journal scratch = Journal.open(new JournalContext().dir(dir.toString()).conclude());
        final ReplicationSink sink = new ReplicationSink(
            config.replication().sinkContext(config.nodeId(), epoch).probe(true).conclude(), scratch);
        final AgentRunner runner = new AgentRunner(new SleepingMillisIdleStrategy(5), errorHandler, null, sink);
        AgentRunner.startOnThread(runner);
        return new FencingProbe(dir, scratch, sink, runner);
    }

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
        CloseHelper.quietClose(runner);
        CloseHelper.quietClose(scratch);
        Dirs.deleteRecursively(dir);
    }
}
