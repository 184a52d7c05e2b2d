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
}
