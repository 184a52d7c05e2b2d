package dev.tandem.benchmarks.journal;

import java.nio.file.Path;
import java.util.Arrays;

import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.Persistence;
import dev.tandem.node.Dirs;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * How long {@link Journal#open} takes to recover a journal of 1 million entries (200-byte messages over 10
 * sessions, outbound and inbound, with a sequence change every 10,000 entries). Writes the journal once, then
 * opens it several times and prints each time and the median. The page cache is warm after the first open, as on a
 * node restarting after a process crash.
 * <pre>
 *   java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED ... -cp benchmarks/target/benchmarks.jar \
 *     dev.tandem.benchmarks.journal.RecoveryTimeHarness [entries] [opens]
 * </pre>
 */
public final class RecoveryTimeHarness
{
    private RecoveryTimeHarness()
    {
    }

    public static void main(final String[] args)
    {
        final int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final int opens = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final int sessions = 10;
        final Path dir = BenchmarkFixtures.tempDir("recovery");
        try
        {
            final UnsafeBuffer message = new UnsafeBuffer(BenchmarkFixtures.MESSAGE);
            final long writeStartNs = System.nanoTime();
            try (Journal journal = BenchmarkFixtures.openJournal(dir, Persistence.BUFFERED))
            {
                for (int i = 1; i <= entries; i++)
                {
                    final long session = i % sessions;
                    if (i % 10_000 == 0)
                    {
                        journal.appendSequenceChange(session, journal.nextSenderSeqNum(session),
                            journal.nextTargetSeqNum(session), i);
                    }
                    else if (i % 3 == 0)
                    {
                        journal.appendMessage(session, Direction.INBOUND, journal.nextTargetSeqNum(session), i, 0,
                            message, 0, message.capacity());
                    }
                    else
                    {
                        journal.appendMessage(session, Direction.OUTBOUND, journal.nextSenderSeqNum(session), i, 0,
                            message, 0, message.capacity());
                    }
                }
            }
            System.out.printf("wrote %,d entries in %,d ms%n", entries, (System.nanoTime() - writeStartNs) / 1_000_000);

            final long[] timesMs = new long[opens];
            for (int i = 0; i < opens; i++)
            {
                final long startNs = System.nanoTime();
                try (Journal journal = BenchmarkFixtures.openJournal(dir, Persistence.BUFFERED))
                {
                    timesMs[i] = (System.nanoTime() - startNs) / 1_000_000;
                    if (journal.lastPosition() != entries)
                    {
                        throw new IllegalStateException("recovered " + journal.lastPosition() + " of " + entries);
                    }
                }
                System.out.printf("open %d: recovered %,d entries in %,d ms%n", i + 1, entries, timesMs[i]);
            }
            Arrays.sort(timesMs);
            System.out.printf("median open time for %,d entries: %,d ms%n", entries, timesMs[opens / 2]);
        }
        finally
        {
            Dirs.deleteRecursively(dir);
        }
    }
}
