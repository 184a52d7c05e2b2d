package dev.tandem.benchmarks.journal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.Persistence;
import dev.tandem.node.Dirs;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;
import quickfix.FileStoreFactory;
import quickfix.MemoryStore;
import quickfix.MessageStore;
import quickfix.SessionID;
import quickfix.SessionSettings;

/**
 * Append latency at a fixed offered rate, as a FIX engine sees it, corrected for coordinated omission: each
 * append is timed from when it was scheduled, not from when the previous one finished, so a stall counts against
 * every append that queued behind it. Runs Tandem BUFFERED, QuickFIX/J FileStore (sync off), MemoryStore and Tandem
 * BUFFERED again, one after the other in the same JVM with the same ~200-byte message.
 * <pre>
 *   java @tandem.args -cp benchmarks/target/benchmarks.jar dev.tandem.benchmarks.journal.JournalLatencyHarness \
 *     [ratePerSecond=100000] [seconds=10]
 * </pre>
 * ({@code tandem.args}: Tandem's JVM flags, from {@code ./tandem jvm-options} or
 * {@code java -cp benchmarks/target/benchmarks.jar dev.tandem.journal.JvmOptions > tandem.args}.)
 */
public final class JournalLatencyHarness
{
    private interface Store extends Closeable
    {
        void append(int seqNum) throws IOException;
    }

    private JournalLatencyHarness()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int rate = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        final int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        System.out.printf("offered rate %,d appends/s, %d s measured after %d s warm-up, latency in us%n",
            rate, seconds, Math.max(2, seconds / 3));
        System.out.printf("%-28s %10s %10s %10s %10s %10s%n", "store", "p50", "p99", "p99.9", "p99.99", "max");
        run("tandem-journal BUFFERED", rate, seconds, tandem(Persistence.BUFFERED));
        run("quickfixj FileStore sync=N", rate, seconds, fileStore("N"));
        run("quickfixj MemoryStore", rate, seconds, memoryStore());
        run("tandem-journal BUFFERED", rate, seconds, tandem(Persistence.BUFFERED));
    }

    /**
     * Append latency of Tandem's journal (BUFFERED) and, in the same call, of QuickFIX/J's FileStore (sync off), at
     * {@code rate} appends/s for {@code measureMs} after {@code warmupMs}; for {@code ./tandem bench}.
     *
     * @return {tandem, fileStore}: latencies in nanoseconds from each append's scheduled time.
     */
    public static Histogram[] tandemAndFileStore(final int rate, final long warmupMs, final long measureMs)
        throws Exception
    {
        final Histogram[] result = new Histogram[2];
        try (Store store = tandem(Persistence.BUFFERED))
        {
            measure(store, rate, warmupMs, 1);
            result[0] = measure(store, rate, measureMs, 1 + (int)(rate * warmupMs / 1000));
        }
        try (Store store = fileStore("N"))
        {
            measure(store, rate, warmupMs, 1);
            result[1] = measure(store, rate, measureMs, 1 + (int)(rate * warmupMs / 1000));
        }
        return result;
    }

    private static void run(final String name, final int rate, final int seconds, final Store store)
        throws IOException
    {
        try (store)
        {
            final int warmupSeconds = Math.max(2, seconds / 3);
            measure(store, rate, warmupSeconds * 1000L, 1);
            final Histogram histogram = measure(store, rate, seconds * 1000L, 1 + rate * warmupSeconds);
            System.out.printf("%-28s %10.2f %10.2f %10.2f %10.2f %10.2f%n", name,
                histogram.getValueAtPercentile(50) / 1000.0,
                histogram.getValueAtPercentile(99) / 1000.0,
                histogram.getValueAtPercentile(99.9) / 1000.0,
                histogram.getValueAtPercentile(99.99) / 1000.0,
                histogram.getMaxValue() / 1000.0);
        }
    }

    private static Histogram measure(final Store store, final int rate, final long millis, final int firstSeqNum)
        throws IOException
    {
        final Histogram histogram = new Histogram(10_000_000_000L, 3);
        final long intervalNs = 1_000_000_000L / rate;
        final long count = Math.max(1, rate * millis / 1000);
        final long startNs = System.nanoTime();
        for (long i = 0; i < count; i++)
        {
            final long scheduledNs = startNs + i * intervalNs;
            long nowNs;
            while ((nowNs = System.nanoTime()) < scheduledNs)
            {
                if (scheduledNs - nowNs > 50_000)
                {
                    LockSupport.parkNanos(20_000);
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
            store.append(firstSeqNum + (int)i);
            histogram.recordValue(Math.max(1, System.nanoTime() - scheduledNs));
        }
        return histogram;
    }

    private static Store tandem(final Persistence persistence)
    {
        final Path dir = BenchmarkFixtures.tempDir("latency");
        final Journal journal = BenchmarkFixtures.openJournal(dir, persistence);
        final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(BenchmarkFixtures.MESSAGE.length));
        message.putBytes(0, BenchmarkFixtures.MESSAGE);
        return new Store()
        {
            public void append(final int seqNum)
            {
                journal.appendMessage(BenchmarkFixtures.SESSION_ID, Direction.OUTBOUND, seqNum, seqNum, 0, message, 0,
                    BenchmarkFixtures.MESSAGE.length);
            }

            public void close()
            {
                journal.close();
                Dirs.deleteRecursively(dir);
            }
        };
    }

    private static Store fileStore(final String sync) throws Exception
    {
        final Path dir = BenchmarkFixtures.tempDir("latency-qfj");
        final SessionSettings settings = new SessionSettings();
        settings.setString(FileStoreFactory.SETTING_FILE_STORE_PATH, dir.toString());
        settings.setString(FileStoreFactory.SETTING_FILE_STORE_SYNC, sync);
        final MessageStore store = new FileStoreFactory(settings).create(new SessionID("FIX.4.4", "ISLD", "TW"));
        return new Store()
        {
            public void append(final int seqNum) throws IOException
            {
                store.set(seqNum, BenchmarkFixtures.MESSAGE_TEXT);
            }

            public void close() throws IOException
            {
                ((Closeable)store).close();
                Dirs.deleteRecursively(dir);
            }
        };
    }

    private static Store memoryStore() throws IOException
    {
        final MessageStore store = new MemoryStore();
        return new Store()
        {
            public void append(final int seqNum) throws IOException
            {
                store.set(seqNum, BenchmarkFixtures.MESSAGE_TEXT);
            }

            public void close()
            {
            }
        };
    }
}
