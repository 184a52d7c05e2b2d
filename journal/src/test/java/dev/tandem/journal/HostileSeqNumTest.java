package dev.tandem.journal;

import dev.tandem.test.Tests;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sequence numbers a peer chose (a NextExpectedMsgSeqNum of 268,435,455 or 200,000,000) cost the journal what is
 * really written, not memory in proportion to their value; and an append that fails, before or after writing,
 * never leaves a position used twice: the journal reopens readable with gap-free positions.
 */
class HostileSeqNumTest
{
    private static final long SESSION = 42;

    private Path dir;

    @BeforeEach
    void setUp()
    {
        dir = Tests.tempDir("hostile-seq");
    }

    @AfterEach
    void tearDown()
    {
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldIndexHugeSeqNumsWithoutMemoryInProportionToTheirValue()
    {
        final long directBefore = directMemoryUsed();
        try (Journal journal = open())
        {
            for (int seq = 1; seq <= 3; seq++)
            {
                append(journal, seq, "m" + seq);
            }
            journal.appendSequenceChange(SESSION, 268_435_455, 1, 0);
            append(journal, 268_435_455, "high");
            journal.appendSequenceChange(SESSION, 200_000_000, 1, 0); // lowers: forgets 268,435,455
            append(journal, 200_000_000, "a");
            append(journal, 200_000_001, "b");
            assertTrue(directMemoryUsed() - directBefore < 4 * 1024 * 1024,
                "direct memory grew by " + (directMemoryUsed() - directBefore) + " bytes");
            assertEquals(200_000_002, journal.nextSenderSeqNum(SESSION));
            assertEquals(List.of("1", "2", "3", "200000000", "200000001"), outbound(journal));
            assertEquals(8, journal.lastPosition());
        }
        try (Journal journal = open())
        {
            assertEquals(8, journal.lastPosition());
            assertEquals(200_000_002, journal.nextSenderSeqNum(SESSION));
            assertEquals(List.of("1", "2", "3", "200000000", "200000001"), outbound(journal));
            assertEquals(List.of("200000001"), outboundFrom(journal, 200_000_001));
        }
    }

    @Test
    void shouldKeepTheIndexSortedWhenAPossDupFillsAHoleAndForgetAboveALowerMessage()
    {
        try (Journal journal = open())
        {
            append(journal, 1, "1");
            append(journal, 2, "2");
            journal.appendSequenceChange(SESSION, 5, 1, 0);
            append(journal, 5, "5");
            append(journal, 6, "6");
            final byte[] bytes = "3".getBytes(StandardCharsets.US_ASCII);
            journal.appendMessage(SESSION, Direction.OUTBOUND, 3, 0, JournalEntry.FLAG_POSS_DUP,
                new UnsafeBuffer(bytes), 0, bytes.length);
            assertEquals(List.of("1", "2", "3", "5", "6"), outbound(journal));
            assertEquals(List.of("3", "5"), range(journal, 3, 5));
            assertEquals(7, journal.nextSenderSeqNum(SESSION), "a PossDup never moves the seq num back");
            append(journal, 4, "4"); // not PossDup and lower: forgets 5 and 6
            assertEquals(List.of("1", "2", "3", "4"), outbound(journal));
            assertEquals(5, journal.nextSenderSeqNum(SESSION));
        }
        try (Journal journal = open())
        {
            assertEquals(List.of("1", "2", "3", "4"), outbound(journal));
        }
    }

    @Test
    void shouldRefuseAMsgSeqNumWhoseSuccessorOverflowsBeforeWriting()
    {
        try (Journal journal = open())
        {
            append(journal, 1, "one");
            assertThrows(JournalException.class, () -> append(journal, Integer.MAX_VALUE, "overflow"));
            append(journal, JournalEntry.MAX_SEQ_NUM, "max");
            assertEquals(2, journal.lastPosition());
            assertEquals(Integer.MAX_VALUE, journal.nextSenderSeqNum(SESSION));
        }
        try (Journal journal = open())
        {
            assertEquals(2, journal.lastPosition());
            assertEquals(Integer.MAX_VALUE, journal.nextSenderSeqNum(SESSION));
        }
    }

    @Test
    void shouldNeverReuseAPositionWhenAnAppendFailsMidWrite()
    {
        try (Journal journal = open())
        {
            append(journal, 1, "one");
            // an injected fault: the checksum reads the bytes, then the copy into the queue throws half way through
            // the document (its header is already in the queue)
            final byte[] bytes = "faulty".getBytes(StandardCharsets.US_ASCII);
            final int[] calls = {0};
            final UnsafeBuffer faulty = new UnsafeBuffer(bytes)
            {
                @Override
                public byte[] byteArray()
                {
                    if (++calls[0] > 1)
                    {
                        throw new IllegalStateException("injected fault while writing");
                    }
                    return super.byteArray();
                }
            };
            assertThrows(RuntimeException.class, () -> journal.appendMessage(
                SESSION, Direction.OUTBOUND, 2, 0, 0, faulty, 0, bytes.length));
            assertTrue(calls[0] >= 2, "the fault was reached inside the write");
            assertEquals(1, journal.lastPosition());
            append(journal, 2, "two");
            append(journal, 3, "three");
            assertEquals(3, journal.lastPosition());
        }
        try (Journal journal = open())
        {
            assertEquals(3, journal.lastPosition());
            final List<Long> positions = new ArrayList<>();
            final List<String> bodies = new ArrayList<>();
            try (JournalReader reader = journal.reader(1))
            {
                while (reader.poll((entry) ->
                {
                    positions.add(entry.position());
                    final byte[] bytes = new byte[entry.messageLength()];
                    entry.messageBuffer().getBytes(entry.messageOffset(), bytes);
                    bodies.add(new String(bytes, StandardCharsets.US_ASCII));
                }, 16) > 0)
                {
                    // read all
                }
            }
            assertEquals(List.of(1L, 2L, 3L), positions);
            assertEquals(List.of("one", "two", "three"), bodies);
            append(journal, 4, "four");
            assertEquals(4, journal.lastPosition());
        }
    }

    private Journal open()
    {
        return Journal.open(new JournalContext().dir(dir.toString()));
    }

    private static void append(final Journal journal, final int seq, final String body)
    {
        final byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        journal.appendMessage(SESSION, Direction.OUTBOUND, seq, 0, 0, new UnsafeBuffer(bytes), 0, bytes.length);
    }

    private static List<String> outbound(final Journal journal)
    {
        return outboundFrom(journal, 1);
    }

    private static List<String> outboundFrom(final Journal journal, final int from)
    {
        final List<String> seqNums = new ArrayList<>();
        journal.readOutbound(SESSION, from, 0, (entry) -> seqNums.add(String.valueOf(entry.msgSeqNum())));
        return seqNums;
    }

    private static List<String> range(final Journal journal, final int from, final int to)
    {
        final List<String> seqNums = new ArrayList<>();
        journal.readOutbound(SESSION, from, to, (entry) -> seqNums.add(String.valueOf(entry.msgSeqNum())));
        return seqNums;
    }

    private static long directMemoryUsed()
    {
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if ("direct".equals(pool.getName()))
            {
                return pool.getMemoryUsed();
            }
        }
        throw new AssertionError("no direct buffer pool");
    }
}
