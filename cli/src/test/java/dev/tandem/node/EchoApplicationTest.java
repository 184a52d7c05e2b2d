package dev.tandem.node;

import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.JournalEntry;
import dev.tandem.test.Tests;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class EchoApplicationTest
{
    private final Path dir = Tests.tempDir("echo");

    @AfterEach
    void after()
    {
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldFindRequestsTheOldPrimaryReceivedButNeverAnswered()
    {
        final UnsafeBuffer order = new UnsafeBuffer("8=FIX.4.4\u00019=5\u000135=D\u000110=000\u0001"
            .getBytes(StandardCharsets.US_ASCII));
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()).conclude()))
        {
            journal.appendMessage(7, Direction.INBOUND, 1, 1, JournalEntry.FLAG_ADMIN, order, 0, order.capacity());
            journal.appendMessage(7, Direction.OUTBOUND, 1, 1, JournalEntry.FLAG_ADMIN, order, 0, order.capacity());
            for (int seq = 2; seq <= 4; seq++)
            {
                journal.appendMessage(7, Direction.INBOUND, seq, 1, 0, order, 0, order.capacity());
            }
            journal.appendMessage(7, Direction.OUTBOUND, 2, 1, 0, order, 0, order.capacity());
            journal.appendMessage(7, Direction.OUTBOUND, 3, 1, JournalEntry.FLAG_ADMIN, order, 0, order.capacity());
            journal.appendMessage(9, Direction.INBOUND, 2, 1, 0, order, 0, order.capacity());
            journal.appendMessage(9, Direction.OUTBOUND, 2, 1, 0, order, 0, order.capacity());

            final EchoApplication echo = new EchoApplication();
            echo.onActivation(journal);
            assertEquals(2, echo.unansweredCount(), "session 7: three requests, one answer; session 9: balanced");
        }
    }

    @Test
    void shouldFollowTheReplicaInBatchesAndFindWhatAFullScanFinds()
    {
        final UnsafeBuffer order = new UnsafeBuffer("8=FIX.4.4\u00019=5\u000135=D\u000110=000\u0001"
            .getBytes(StandardCharsets.US_ASCII));
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()).conclude()))
        {
            final EchoApplication following = new EchoApplication();
            int seq = 1;
            // more than a batch between two calls; every hundredth request of a round without an answer
            for (int round = 0; round < 3; round++)
            {
                for (int i = 0; i < EchoApplication.SCAN_BATCH; i++, seq++)
                {
                    journal.appendMessage(7, Direction.INBOUND, seq, 1, 0, order, 0, order.capacity());
                    if (i % 100 != 99)
                    {
                        journal.appendMessage(7, Direction.OUTBOUND, seq, 1, 0, order, 0, order.capacity());
                    }
                }
                assertEquals(EchoApplication.SCAN_BATCH, following.onReplicated(journal), "a bounded batch");
                while (following.onReplicated(journal) > 0)
                {
                    // caught up
                }
                assertEquals(0, following.onReplicated(journal), "nothing new: nothing read");
            }
            journal.appendMessage(7, Direction.INBOUND, seq, 1, 0, order, 0, order.capacity());
            journal.appendMessage(9, Direction.INBOUND, 1, 1, 0, order, 0, order.capacity());

            following.onActivation(journal);
            final EchoApplication fullScan = new EchoApplication();
            fullScan.onActivation(journal);
            assertEquals(fullScan.unansweredCount(), following.unansweredCount());
            // answers match requests in order per session: what is left is requests minus answers
            assertEquals(3 * (EchoApplication.SCAN_BATCH / 100) + 1 + 1, following.unansweredCount());
        }
    }

    @Test
    void shouldBeTheApplicationNamedEchoWhenTheCommandLineIsOnTheClasspath()
    {
        assertInstanceOf(EchoApplication.class, FixEndpoints.application(NodeConfig.ECHO));
    }
}
