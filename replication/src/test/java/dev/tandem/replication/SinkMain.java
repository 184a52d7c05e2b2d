package dev.tandem.replication;

import dev.tandem.journal.Journal;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.nio.file.Path;

/**
 * A replication sink in its own process, for crash tests: {@code SinkMain <journalDir> <sourcePort> <secretFile>}.
 * Prints {@code SINK-STARTED <lastPosition>} once running, then runs until killed.
 */
public final class SinkMain
{
    private SinkMain()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final Journal journal = ReplicationFixture.openJournal(Path.of(args[0]));
        final ReplicationSinkContext context = ReplicationFixture.sinkContext(Integer.parseInt(args[1]))
            .secret(null)
            .secretFile(args[2]);
        final ReplicationSink sink = new ReplicationSink(context, journal);
        final AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace, null, sink);
        AgentRunner.startOnThread(runner);
        System.out.println("SINK-STARTED " + journal.lastPosition());
        System.out.flush();
        Thread.currentThread().join();
    }
}
