package dev.tandem.journal;

import static dev.tandem.journal.JournalTest.bytes;
import static dev.tandem.journal.JournalTest.fix;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.tandem.test.Tests;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RollAndRetentionTest
{
    private static final long QUIET_SESSION = 1;
    private static final long BUSY_SESSION = 2;

    private Path dir;
    private final SetTimeProvider clock = new SetTimeProvider("2026-11-26T00:00:00");

    @BeforeEach
    void setUp()
    {
        dir = Tests.tempDir("roll");
    }

    @AfterEach
    void tearDown()
    {
        Tests.deleteRecursively(dir);
    }

    private JournalContext context(final int retainCycles)
    {
        return new JournalContext().dir(dir.toString()).rollCycle("TEST_SECONDLY").retainCycles(retainCycles)
            .timeProvider(clock);
    }

    private static void append(final Journal journal, final long session, final int seq)
    {
        final UnsafeBuffer message = bytes(fix(seq));
        journal.appendMessage(session, Direction.OUTBOUND, seq, seq, 0, message, 0, message.capacity());
    }

    private long cycleFiles() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(f -> f.toString().endsWith(".cq4")).count();
        }
    }

    @Test
    void shouldReadAcrossRollsAndSeekPositionsInAnyCycle()
    {
        try (Journal journal = Journal.open(context(0)))
        {
            int seq = 0;
            for (int cycle = 0; cycle < 4; cycle++)
            {
                for (int i = 0; i < 5; i++)
                {
                    append(journal, BUSY_SESSION, ++seq);
                }
                clock.advanceMillis(1000);
            }
            for (long from = 1; from <= 21; from++)
            {
                try (JournalReader reader = journal.reader(from))
                {
                    final List<Long> positions = new ArrayList<>();
                    while (reader.poll(e -> positions.add(e.position()), 100) > 0)
                    {
                        // drain
                    }
                    assertEquals(Math.max(0, 21 - from), positions.size(), "from " + from);
                    if (from <= 20)
                    {
                        assertEquals(from, positions.get(0));
                        assertEquals(20L, positions.get(positions.size() - 1));
                    }
                }
            }
            final List<Integer> resent = new ArrayList<>();
            journal.readOutbound(BUSY_SESSION, 3, 17, e -> resent.add(e.msgSeqNum()));
            assertEquals(15, resent.size());
            assertEquals(17, resent.get(14));
        }
    }

    @Test
    void shouldDeleteOldCyclesButRecoverStateOfSessionsLastSeenInThem() throws IOException
    {
        try (Journal journal = Journal.open(context(2)))
        {
            append(journal, QUIET_SESSION, 1);
            append(journal, QUIET_SESSION, 2);
            journal.appendSequenceChange(QUIET_SESSION, 3, 41, clock.currentTimeNanos());
            int seq = 0;
            for (int cycle = 0; cycle < 5; cycle++)
            {
                clock.advanceMillis(1000);
                for (int i = 0; i < 3; i++)
                {
                    append(journal, BUSY_SESSION, ++seq);
                }
            }
            assertEquals(18, journal.lastPosition());
            assertEquals(2, cycleFiles());
            assertEquals(13, journal.firstPosition());
            assertEquals(41, journal.nextTargetSeqNum(QUIET_SESSION));
        }

        try (Journal journal = Journal.open(context(2)))
        {
            assertEquals(18, journal.lastPosition());
            assertEquals(13, journal.firstPosition());
            assertEquals(3, journal.nextSenderSeqNum(QUIET_SESSION));
            assertEquals(41, journal.nextTargetSeqNum(QUIET_SESSION));
            assertEquals(16, journal.nextSenderSeqNum(BUSY_SESSION));

            final List<Integer> resent = new ArrayList<>();
            journal.readOutbound(BUSY_SESSION, 1, 0, e -> resent.add(e.msgSeqNum()));
            assertEquals(List.of(10, 11, 12, 13, 14, 15), resent);

            final JournalException gone = assertThrows(JournalException.class, () -> journal.reader(5));
            assertTrue(gone.getMessage().contains("older than the oldest retained entry 13"), gone.getMessage());
            try (JournalReader reader = journal.reader(13))
            {
                final long[] first = {0};
                reader.poll(e -> first[0] = e.position(), 1);
                assertEquals(13, first[0]);
            }
            clock.advanceMillis(1000);
            append(journal, BUSY_SESSION, 16);
            assertEquals(2, cycleFiles());
            assertEquals(16, journal.firstPosition());
        }
        try (Journal journal = Journal.open(context(0)))
        {
            assertEquals(19, journal.lastPosition());
            assertEquals(41, journal.nextTargetSeqNum(QUIET_SESSION));
            assertEquals(17, journal.nextSenderSeqNum(BUSY_SESSION));
        }
    }

    @Test
    void shouldRefuseToRecoverWhenOldCyclesAreGoneWithoutASnapshot() throws IOException
    {
        try (Journal journal = Journal.open(context(0)))
        {
            append(journal, BUSY_SESSION, 1);
            clock.advanceMillis(1000);
            append(journal, BUSY_SESSION, 2);
        }
        final Path oldest;
        try (Stream<Path> files = Files.list(dir))
        {
            oldest = files.filter(f -> f.toString().endsWith(".cq4")).sorted().findFirst().orElseThrow();
        }
        Files.delete(oldest);
        Tests.deleteRecursively(dir.resolve(SnapshotStore.DIR_NAME));
        final JournalException ex = assertThrows(JournalException.class, () -> Journal.open(context(0)));
        assertTrue(ex.getMessage().contains("starts at position 2") && ex.getMessage().contains("no state snapshot"),
            ex.getMessage());
    }
}
