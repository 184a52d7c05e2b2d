package dev.tandem.journal;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.tandem.test.Tests;
import net.openhft.chronicle.wire.Marshallable;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Journal#pretouch()}: pages ahead of the next append are touched in bounded steps, what is read back is
 * unchanged, and appends that follow take (almost) no page fault of their own.
 */
class PretouchTest
{
    private Path dir;

    @BeforeEach
    void setUp()
    {
        dir = Tests.tempDir("pretouch");
    }

    @AfterEach
    void tearDown()
    {
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldTouchAheadInBoundedStepsAndLeaveEveryEntryAsWritten()
    {
        final int entries = 2_000;
        long touched = 0;
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString())))
        {
            assertEquals(0, journal.pretouch(), "nothing to touch before the first append");
            for (int seq = 1; seq <= entries; seq++)
            {
                append(journal, seq);
                final int pages = journal.pretouch();
                assertTrue(pages >= 0 && pages <= Journal.PRETOUCH_PAGES_PER_CALL, "pages " + pages);
                touched += pages;
            }
            int calls = 0;
            while (journal.pretouch() > 0)
            {
                assertTrue(++calls <= JournalContext.DEFAULT_PRETOUCH_AHEAD_BYTES / Journal.PAGE_BYTES, "bounded");
            }
            assertEquals(0, journal.pretouch(), "far enough ahead: nothing more to touch");
        }
        assertTrue(touched > 0, "pages touched");
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString())))
        {
            assertEquals(entries, journal.lastPosition());
            final List<String> read = new ArrayList<>();
            try (JournalReader reader = journal.reader(1))
            {
                while (reader.poll(entry -> read.add(JournalTest.text(entry)), 256) > 0)
                {
                    // drain
                }
            }
            assertEquals(entries, read.size());
            for (int seq = 1; seq <= entries; seq++)
            {
                assertEquals(JournalTest.fix(seq), read.get(seq - 1));
            }
            append(journal, entries + 1);
            assertEquals(entries + 1, journal.lastPosition());
        }
    }

    @Test
    void shouldDoNothingWhenTurnedOff()
    {
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()).pretouchAheadBytes(0)))
        {
            for (int seq = 1; seq <= 100; seq++)
            {
                append(journal, seq);
                assertEquals(0, journal.pretouch());
            }
        }
    }

    @Test
    void shouldTakeThePageFaultsOfLaterAppendsAheadOfTime() throws IOException
    {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/thread-self/stat")), "Linux /proc needed");
        final long withoutPretouch = faultsOfAppends(Tests.tempDir("pretouch-off"), false);
        final long withPretouch = faultsOfAppends(Tests.tempDir("pretouch-on"), true);
        // ~115-byte entries: the 400 measured cover about 11 new pages (less than the 64 KiB touched ahead), each
        // faulting on its first write unless touched before
        assertTrue(withoutPretouch >= 5, "without pretouching, appends fault: " + withoutPretouch);
        assertTrue(withPretouch <= withoutPretouch / 2,
            "with pretouching " + withPretouch + " faults, without " + withoutPretouch);
    }

    private static long faultsOfAppends(final Path journalDir, final boolean pretouch) throws IOException
    {
        try (Journal journal = Journal.open(new JournalContext().dir(journalDir.toString())
            .pretouchAheadBytes(pretouch ? JournalContext.DEFAULT_PRETOUCH_AHEAD_BYTES : 0)))
        {
            final UnsafeBuffer[] messages = new UnsafeBuffer[1_400];
            for (int i = 0; i < messages.length; i++)
            {
                messages[i] = new UnsafeBuffer(JournalTest.fix(i + 1).getBytes(StandardCharsets.US_ASCII));
            }
            for (int seq = 1; seq <= 1_000; seq++)
            {
                journal.appendMessage(1, Direction.OUTBOUND, seq, seq, 0, messages[seq - 1], 0,
                    messages[seq - 1].capacity());
            }
            while (journal.pretouch() > 0)
            {
                // touch all the way ahead, as an idle owner would between messages
            }
            final long before = threadFaults();
            for (int seq = 1_001; seq <= 1_400; seq++)
            {
                journal.appendMessage(1, Direction.OUTBOUND, seq, seq, 0, messages[seq - 1], 0,
                    messages[seq - 1].capacity());
            }
            return threadFaults() - before;
        }
        finally
        {
            Tests.deleteRecursively(journalDir);
        }
    }

    /** Minor + major page faults of the calling thread. */
    private static long threadFaults() throws IOException
    {
        final String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[10 - 3]) + Long.parseLong(fields[12 - 3]);
    }

    @Test
    void shouldReadAndValidatePretouchAheadBytes()
    {
        assertEquals(8192, Marshallable.fromString(JournalContext.class, "{ dir: x, pretouchAheadBytes: 8192 }")
            .conclude().pretouchAheadBytes());
        assertEquals(JournalContext.DEFAULT_PRETOUCH_AHEAD_BYTES,
            new JournalContext().dir("x").conclude().pretouchAheadBytes());
        final RuntimeException ex = assertThrows(RuntimeException.class,
            () -> new JournalContext().dir("x").pretouchAheadBytes(-1).conclude());
        assertTrue(ex.getMessage().contains("pretouchAheadBytes") && ex.getMessage().contains("-1"), ex.getMessage());
    }

    private static void append(final Journal journal, final int seq)
    {
        final UnsafeBuffer message = new UnsafeBuffer(JournalTest.fix(seq).getBytes(StandardCharsets.US_ASCII));
        journal.appendMessage(1, Direction.OUTBOUND, seq, seq, 0, message, 0, message.capacity());
    }
}
