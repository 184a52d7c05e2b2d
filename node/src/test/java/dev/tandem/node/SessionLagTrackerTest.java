package dev.tandem.node;

import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.test.Tests;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SessionLagTrackerTest
{
    private final Path dir = Tests.tempDir("lag");

    @AfterEach
    void after()
    {
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldCountUnacknowledgedOutboundMessagesPerSession()
    {
        final UnsafeBuffer message = new UnsafeBuffer("8=FIX.4.4\u00019=5\u000135=0\u000110=000\u0001"
            .getBytes(StandardCharsets.US_ASCII));
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()).conclude());
            SessionLagTracker tracker = new SessionLagTracker())
        {
            tracker.follow(journal, 1);
            final long[] positions = new long[6];
            for (int seq = 1; seq <= 3; seq++)
            {
                positions[seq - 1] = journal.appendMessage(7, Direction.OUTBOUND, seq, seq * 1_000L, 0,
                    message, 0, message.capacity());
                positions[seq + 2] = journal.appendMessage(9, Direction.OUTBOUND, seq, seq * 1_000L, 0,
                    message, 0, message.capacity());
            }
            journal.appendMessage(7, Direction.INBOUND, 5, 9_000L, 0, message, 0, message.capacity());
            while (tracker.poll() > 0)
            {
                // drain
            }
            assertEquals(2, tracker.snapshot().size());
            final SessionLagTracker.SessionLag seven = tracker.snapshot().get(0);
            assertEquals(3, seven.lastOutboundSeqNum);
            assertEquals(5, seven.lastInboundSeqNum);
            assertEquals(3, seven.lagSeqNums());
            assertEquals(1_000L, seven.oldestUnackedNs);

            tracker.onAcked(positions[1]);
            assertEquals(1, seven.lagSeqNums(), "seq 1 and 2 of session 7 are acknowledged");
            assertEquals(3_000L, seven.oldestUnackedNs);

            tracker.onAcked(journal.lastPosition());
            assertEquals(0, seven.lagSeqNums());
            assertEquals(Long.MIN_VALUE, seven.oldestUnackedNs);
            assertEquals(0, tracker.snapshot().get(1).lagSeqNums());
        }
    }

    /**
     * The control thread's idle strategy backs off only while its duty cycle reports no work: following the journal
     * counts as work only when a batch was full, so steady traffic does not keep that thread at its shortest park.
     */
    @Test
    void shouldReportWorkOnlyWhenABatchWasFull()
    {
        final UnsafeBuffer message = new UnsafeBuffer("8=FIX.4.4\u00019=5\u000135=0\u000110=000\u0001"
            .getBytes(StandardCharsets.US_ASCII));
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()).conclude());
            SessionLagTracker tracker = new SessionLagTracker())
        {
            tracker.follow(journal, 1);
            assertEquals(0, tracker.poll(), "nothing appended");
            journal.appendMessage(7, Direction.OUTBOUND, 1, 1_000L, 0, message, 0, message.capacity());
            assertEquals(0, tracker.poll(), "one entry read: caught up, no work to report");
            assertEquals(1, tracker.snapshot().get(0).lastOutboundSeqNum);
            for (int seq = 2; seq <= SessionLagTracker.POLL_LIMIT + 2; seq++)
            {
                journal.appendMessage(7, Direction.OUTBOUND, seq, seq * 1_000L, 0, message, 0, message.capacity());
            }
            assertEquals(1, tracker.poll(), "a full batch: more may be waiting");
            assertEquals(SessionLagTracker.POLL_LIMIT + 1, tracker.snapshot().get(0).lastOutboundSeqNum);
            assertEquals(0, tracker.poll(), "the rest read");
            assertEquals(SessionLagTracker.POLL_LIMIT + 2, tracker.snapshot().get(0).lastOutboundSeqNum);
        }
    }
}
