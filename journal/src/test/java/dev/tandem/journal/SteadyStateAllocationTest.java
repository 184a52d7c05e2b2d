package dev.tandem.journal;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import dev.tandem.test.Tests;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Appends allocate nothing on the heap once warm. Chronicle allocates a few hundred bytes when it maps a new chunk
 * of the file (every tens of MB) and the resend index allocates a small object when its off-heap memory doubles,
 * so the bound is a fraction of a byte per append rather than exactly zero.
 */
class SteadyStateAllocationTest
{
    private Path dir;

    @BeforeEach
    void setUp()
    {
        dir = Tests.tempDir("alloc");
    }

    @AfterEach
    void tearDown()
    {
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldNotAllocateWhenAppendingInSteadyState()
    {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeAllocationCounting(bean);
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)bean;
        final long threadId = Thread.currentThread().getId();
        final byte[] text = JournalTest.fix(1).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(text.length));
        direct.putBytes(0, text);
        // a session engine alternates between its inbound and outbound direct buffers
        final UnsafeBuffer otherDirect = new UnsafeBuffer(ByteBuffer.allocateDirect(text.length));
        otherDirect.putBytes(0, text);
        final UnsafeBuffer heap = new UnsafeBuffer(text);
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString())))
        {
            int seqNum = 0;
            for (int i = 0; i < 100_000; i++)
            {
                seqNum++;
                journal.appendMessage(1, Direction.OUTBOUND, seqNum, seqNum, 0, (i & 1) == 0 ? direct : heap, 0,
                    text.length);
                journal.appendMessage(2, Direction.INBOUND, seqNum, seqNum, 0, (i & 2) == 0 ? otherDirect : heap, 0,
                    text.length);
            }
            final int appends = 200_000;
            final long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < appends / 2; i++)
            {
                seqNum++;
                journal.appendMessage(1, Direction.OUTBOUND, seqNum, seqNum, 0, (i & 1) == 0 ? direct : heap, 0,
                    text.length);
                journal.appendMessage(2, Direction.INBOUND, seqNum, seqNum, 0, (i & 2) == 0 ? otherDirect : heap, 0,
                    text.length);
            }
            final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
            assertTrue(allocated < appends / 10, allocated + " bytes allocated by " + appends + " appends");
        }
    }

    private static void assumeAllocationCounting(final java.lang.management.ThreadMXBean bean)
    {
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean &&
            ((com.sun.management.ThreadMXBean)bean).isThreadAllocatedMemoryEnabled(), "no allocation counter");
    }
}
