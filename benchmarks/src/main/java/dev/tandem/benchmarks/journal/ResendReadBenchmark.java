package dev.tandem.benchmarks.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

import dev.tandem.journal.Direction;
import dev.tandem.journal.EntryHandler;
import dev.tandem.journal.Journal;
import dev.tandem.journal.Persistence;
import dev.tandem.node.Dirs;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import quickfix.FileStoreFactory;
import quickfix.MessageStore;
import quickfix.SessionID;
import quickfix.SessionSettings;

/**
 * Serving a ResendRequest for 100 messages out of 100,000 journaled on the session (interleaved with a second,
 * inbound-only session in the journal): Tandem's {@code readOutbound} against QuickFIX/J 3.0.0's
 * {@code FileStore.get}. Each operation reads 100 messages from a random start.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Fork(1) // Tandem's JVM flags: BenchmarkMain gives them to every fork
public class ResendReadBenchmark
{
    static final int MESSAGES = 100_000;
    static final int BATCH = 100;

    /** QuickFIX/J's FileStoreMaxCachedMsgs: its default (10,000) and enough to cache every offset (100,000). */
    @Param({ "10000", "100000" })
    public int quickfixCachedMsgs;

    Path journalDir;
    Path quickfixDir;
    Journal journal;
    MessageStore fileStore;
    final ArrayList<String> resent = new ArrayList<>(BATCH);
    Blackhole blackhole;
    EntryHandler handler;
    long random = 0x9E3779B97F4A7C15L;

    @Setup
    public void setUp(final Blackhole blackhole) throws Exception
    {
        this.blackhole = blackhole;
        handler = entry -> blackhole.consume(entry.messageBuffer().getByte(entry.messageOffset() +
            entry.messageLength() - 2));

        journalDir = BenchmarkFixtures.tempDir("resend");
        journal = BenchmarkFixtures.openJournal(journalDir, Persistence.BUFFERED);
        final UnsafeBuffer message = new UnsafeBuffer(BenchmarkFixtures.MESSAGE);
        for (int seqNum = 1; seqNum <= MESSAGES; seqNum++)
        {
            journal.appendMessage(BenchmarkFixtures.SESSION_ID, Direction.OUTBOUND, seqNum, seqNum, 0, message, 0,
                message.capacity());
            journal.appendMessage(BenchmarkFixtures.SESSION_ID + 1, Direction.INBOUND, seqNum, seqNum, 0, message, 0,
                message.capacity());
        }

        quickfixDir = BenchmarkFixtures.tempDir("qfj-resend");
        final SessionSettings settings = new SessionSettings();
        settings.setString(FileStoreFactory.SETTING_FILE_STORE_PATH, quickfixDir.toString());
        settings.setString(FileStoreFactory.SETTING_FILE_STORE_SYNC, "N");
        settings.setString(FileStoreFactory.SETTING_FILE_STORE_MAX_CACHED_MSGS, Integer.toString(quickfixCachedMsgs));
        fileStore = new FileStoreFactory(settings).create(new SessionID("FIX.4.4", "ISLD", "TW"));
        for (int seqNum = 1; seqNum <= MESSAGES; seqNum++)
        {
            fileStore.set(seqNum, BenchmarkFixtures.MESSAGE_TEXT);
        }
    }

    @TearDown
    public void tearDown() throws IOException
    {
        journal.close();
        ((java.io.Closeable)fileStore).close();
        Dirs.deleteRecursively(journalDir);
        Dirs.deleteRecursively(quickfixDir);
    }

    private int nextStart()
    {
        random ^= random << 13;
        random ^= random >>> 7;
        random ^= random << 17;
        return 1 + (int)Math.floorMod(random, (long)(MESSAGES - BATCH));
    }

    @Benchmark
    public int tandemReadOutbound100()
    {
        final int begin = nextStart();
        return journal.readOutbound(BenchmarkFixtures.SESSION_ID, begin, begin + BATCH - 1, handler);
    }

    @Benchmark
    public int quickfixFileStoreGet100() throws IOException
    {
        final int begin = nextStart();
        resent.clear();
        fileStore.get(begin, begin + BATCH - 1, resent);
        return resent.size();
    }
}
