package dev.tandem.journal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import dev.tandem.test.ChildJvm;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A child JVM appends in a loop and is killed with SIGKILL at a random moment, several times over; after each kill
 * the journal must open with every entry whole, every session's entries contiguous, the recovered seq nums equal to
 * those of the last complete entry, and nothing lost that the child saw acknowledged.
 */
class CrashRecoveryTest
{
    private Path dir;

    @BeforeEach
    void setUp()
    {
        dir = Tests.tempDir("crash");
    }

    @AfterEach
    void tearDown()
    {
        Tests.deleteRecursively(dir);
    }

    @ParameterizedTest
    @CsvSource({ "BUFFERED, 3, 40", "BATCHED, 2, 20", "SYNC, 3, 6" })
    void shouldRecoverEveryCompleteEntryAfterSigkill(
        final Persistence persistence, final int rounds, final int maxReports)
    {
        final Random random = new Random();
        long reportedBefore = 0;
        for (int round = 0; round < rounds; round++)
        {
            final long target = reportedBefore + CrashingAppender.REPORT_EVERY * (1 + random.nextInt(maxReports));
            long lastReported;
            try (ChildJvm child = ChildJvm.start("appender-" + round, CrashingAppender.class, List.of(),
                dir.toString(), persistence.name()))
            {
                final String opened = child.awaitLine("OPENED ", Duration.ofSeconds(30));
                assertTrue(Long.parseLong(opened.substring(7)) >= reportedBefore, opened);
                final String line = child.awaitLine("APPENDED " + target, Duration.ofSeconds(60));
                lastReported = Long.parseLong(line.substring(9));
                child.kill();
                assertFalse(child.isAlive());
            }
            final long recovered = verify(persistence);
            assertTrue(recovered >= lastReported,
                "round " + round + ": recovered " + recovered + " < acknowledged " + lastReported);
            reportedBefore = lastReported;
        }
    }

    /** Replays the whole journal against the child's deterministic pattern; returns the last position. */
    private long verify(final Persistence persistence)
    {
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()).persistence(persistence)))
        {
            final int sessions = CrashingAppender.SESSIONS;
            final int[] nextSender = new int[sessions + 1];
            final int[] nextTarget = new int[sessions + 1];
            java.util.Arrays.fill(nextSender, 1);
            java.util.Arrays.fill(nextTarget, 1);
            final long[] expected = {1};
            try (JournalReader reader = journal.reader(1))
            {
                while (reader.poll(entry ->
                {
                    assertEquals(expected[0], entry.position());
                    final int session = (int)entry.sessionId();
                    assertEquals(1 + entry.position() % sessions, session);
                    if (entry.type() == JournalEntry.TYPE_SEQUENCE)
                    {
                        assertEquals(nextSender[session], entry.nextSenderSeqNum());
                        assertEquals(nextTarget[session] + 5, entry.nextTargetSeqNum());
                        nextSender[session] = entry.nextSenderSeqNum();
                        nextTarget[session] = entry.nextTargetSeqNum();
                    }
                    else
                    {
                        final int[] next = entry.direction() == Direction.OUTBOUND ? nextSender : nextTarget;
                        assertEquals(next[session], entry.msgSeqNum(), "contiguous seq nums at " + entry);
                        assertEquals(CrashingAppender.message(session, entry.direction(), entry.msgSeqNum()),
                            JournalTest.text(entry));
                        next[session]++;
                    }
                    expected[0]++;
                }, 1000) > 0)
                {
                    // drain
                }
            }
            assertEquals(journal.lastPosition() + 1, expected[0]);
            for (int session = 1; session <= sessions; session++)
            {
                assertEquals(nextSender[session], journal.nextSenderSeqNum(session));
                assertEquals(nextTarget[session], journal.nextTargetSeqNum(session));
            }
            return journal.lastPosition();
        }
    }
}
