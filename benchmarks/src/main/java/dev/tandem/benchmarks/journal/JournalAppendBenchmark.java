package dev.tandem.benchmarks.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.Persistence;
import dev.tandem.node.Dirs;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import quickfix.FileStoreFactory;
import quickfix.MemoryStore;
import quickfix.MessageStore;
import quickfix.SessionID;
import quickfix.SessionSettings;

/**
 * Journaling one ~200-byte outbound FIX message: Tandem's journal append (BUFFERED, BATCHED, SYNC) against
 * QuickFIX/J 3.0.0's {@code FileStore.set} (sync off and on) and {@code MemoryStore.set}, same message, same run.
 * Each store lives for the whole fork, so warm-up iterations warm it as a running engine would be (keep runs short:
 * a BUFFERED journal grows by ~1 GB per second of measurement). Run in SampleTime mode for percentiles and with
 * {@code -prof gc} for allocation per operation.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1) // Tandem's JVM flags: BenchmarkMain gives them to every fork
public class JournalAppendBenchmark
{
    /** A Tandem journal in the given persistence mode, appended from a direct buffer as a session would. */
    @State(Scope.Thread)
    public static class JournalState
    {
        @Param({ "BUFFERED", "BATCHED", "SYNC" })
        public Persistence persistence;

        Path dir;
        Journal journal;
        final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(BenchmarkFixtures.MESSAGE.length));
        int seqNum;

        @Setup(Level.Trial)
        public void open()
        {
            message.putBytes(0, BenchmarkFixtures.MESSAGE);
            dir = BenchmarkFixtures.tempDir("append");
            journal = BenchmarkFixtures.openJournal(dir, persistence);
            seqNum = 0;
        }

        @TearDown(Level.Trial)
        public void close()
        {
            journal.close();
            Dirs.deleteRecursively(dir);
        }
    }

    /** A QuickFIX/J FileStore with FileStoreSync on or off. */
    @State(Scope.Thread)
    public static class FileStoreState
    {
        @Param({ "N", "Y" })
        public String sync;

        Path dir;
        MessageStore store;
        int seqNum;

        @Setup(Level.Iteration)
        public void open() throws Exception
        {
            dir = BenchmarkFixtures.tempDir("qfj");
            final SessionSettings settings = new SessionSettings();
            settings.setString(FileStoreFactory.SETTING_FILE_STORE_PATH, dir.toString());
            settings.setString(FileStoreFactory.SETTING_FILE_STORE_SYNC, sync);
            store = new FileStoreFactory(settings).create(new SessionID("FIX.4.4", "ISLD", "TW"));
            seqNum = 0;
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException
        {
            ((java.io.Closeable)store).close();
            Dirs.deleteRecursively(dir);
        }
    }

    /** A QuickFIX/J MemoryStore. */
    @State(Scope.Thread)
    public static class MemoryStoreState
    {
        MessageStore store;
        int seqNum;

        @Setup(Level.Iteration)
        public void open() throws IOException
        {
            store = new MemoryStore();
            seqNum = 0;
        }
    }

    @Benchmark
    public long tandemJournalAppend(final JournalState state)
    {
        final int seqNum = ++state.seqNum;
        return state.journal.appendMessage(BenchmarkFixtures.SESSION_ID, Direction.OUTBOUND, seqNum, seqNum, 0,
            state.message, 0, BenchmarkFixtures.MESSAGE.length);
    }

    @Benchmark
    public boolean quickfixFileStoreSet(final FileStoreState state) throws IOException
    {
        return state.store.set(++state.seqNum, BenchmarkFixtures.MESSAGE_TEXT);
    }

    @Benchmark
    public boolean quickfixMemoryStoreSet(final MemoryStoreState state) throws IOException
    {
        return state.store.set(++state.seqNum, BenchmarkFixtures.MESSAGE_TEXT);
    }
}
