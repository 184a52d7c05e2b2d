package dev.tandem.journal;

import static dev.tandem.journal.JournalTest.bytes;
import static dev.tandem.journal.JournalTest.fix;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.tandem.test.Tests;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wall clock that decides roll cycles is stepped back and forward by hours across midnight UTC (an injected
 * clock, no real clock change); the journal must stay readable and recoverable with every position and seq num.
 */
class ClockStepTest
{
    private static final long SESSION = 7;
    private static final long HOUR_MS = TimeUnit.HOURS.toMillis(1);

    private Path dir;
    private final SetTimeProvider clock = new SetTimeProvider("2026-12-01T23:00:00");

    @BeforeEach
    void setUp()
    {
        dir = Tests.tempDir("clockstep");
    }

    @AfterEach
    void tearDown()
    {
        Tests.deleteRecursively(dir);
    }

    private JournalContext context()
    {
        return new JournalContext().dir(dir.toString()).rollCycle("FAST_DAILY").timeProvider(clock);
    }

    private static void append(final Journal journal, final int seq)
    {
        final UnsafeBuffer message = bytes(fix(seq));
        final long position = journal.appendMessage(SESSION, Direction.OUTBOUND, seq, seq, 0, message, 0,
            message.capacity());
        assertEquals(seq, position, "position of seq " + seq);
    }

    private void assertIntact(final int entries)
    {
        try (Journal journal = Journal.open(context()))
        {
            assertEquals(entries, journal.lastPosition());
            assertEquals(entries + 1, journal.nextSenderSeqNum(SESSION));
            final List<Long> positions = new ArrayList<>();
            try (JournalReader reader = journal.reader(1))
            {
                while (reader.poll(e -> positions.add(e.position()), 100) > 0)
                {
                }
            }
            final List<Long> expected = new ArrayList<>();
            for (long p = 1; p <= entries; p++)
            {
                expected.add(p);
            }
            assertEquals(expected, positions);
            final List<Integer> seqs = new ArrayList<>();
            journal.readOutbound(SESSION, 1, 0, e -> seqs.add(e.msgSeqNum()));
            assertEquals(entries, seqs.size());
            for (int i = 0; i < entries; i++)
            {
                assertEquals(i + 1, seqs.get(i));
            }
            for (long from = 1; from <= entries; from++)
            {
                try (JournalReader reader = journal.reader(from))
                {
                    final long[] first = {-1};
                    reader.poll(e -> first[0] = e.position(), 1);
                    assertEquals(from, first[0], "reader from position " + from);
                }
            }
        }
    }

    @Test
    void shouldStayReadableWhenClockStepsBackAcrossMidnight()
    {
        try (Journal journal = Journal.open(context()))
        {
            for (int seq = 1; seq <= 3; seq++)
            {
                append(journal, seq);
            }
            clock.advanceMillis(2 * HOUR_MS);          // 01:00 the next day: a new cycle
            for (int seq = 4; seq <= 6; seq++)
            {
                append(journal, seq);
            }
            clock.advanceMillis(-3 * HOUR_MS);         // back to 22:00 the day before
            for (int seq = 7; seq <= 9; seq++)
            {
                append(journal, seq);
            }
        }
        assertIntact(9);
        try (Journal journal = Journal.open(context()))
        {
            // reopened while the clock is still behind: appends go on where they left off
            for (int seq = 10; seq <= 12; seq++)
            {
                append(journal, seq);
            }
        }
        assertIntact(12);
    }

    @Test
    void shouldStayReadableWhenClockStepsBackBeforeReopen()
    {
        clock.advanceMillis(2 * HOUR_MS);              // 01:00 on 2026-12-02
        try (Journal journal = Journal.open(context()))
        {
            for (int seq = 1; seq <= 6; seq++)
            {
                append(journal, seq);
            }
        }
        clock.advanceMillis(-5 * HOUR_MS);             // 20:00 on 2026-12-01
        try (Journal journal = Journal.open(context()))
        {
            assertEquals(6, journal.lastPosition());
            for (int seq = 7; seq <= 9; seq++)
            {
                append(journal, seq);
            }
        }
        assertIntact(9);
    }

    @Test
    void shouldStayReadableWhenClockStepsForwardByHoursAndBack()
    {
        try (Journal journal = Journal.open(context()))
        {
            append(journal, 1);
            append(journal, 2);
            clock.advanceMillis(50 * HOUR_MS);         // two days ahead: an empty day between
            append(journal, 3);
            append(journal, 4);
            clock.advanceMillis(-49 * HOUR_MS);        // back into the skipped day
            append(journal, 5);
            clock.advanceMillis(49 * HOUR_MS);         // and forward again
            append(journal, 6);
        }
        assertIntact(6);
        clock.advanceMillis(26 * HOUR_MS);
        try (Journal journal = Journal.open(context()))
        {
            append(journal, 7);
        }
        assertIntact(7);
    }
}
