package dev.tandem.journal;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.tandem.test.Tests;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JournalDumpTest
{
    private Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp()
    {
        dir = Tests.tempDir("dump");
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString())))
        {
            for (int seq = 1; seq <= 5; seq++)
            {
                for (long session = 1; session <= 2; session++)
                {
                    final UnsafeBuffer message = JournalTest.bytes(JournalTest.fix(seq));
                    journal.appendMessage(session, Direction.OUTBOUND, seq, 1_764_115_200_000_000_000L + seq,
                        seq == 1 ? JournalEntry.FLAG_ADMIN : 0, message, 0, message.capacity());
                }
            }
            journal.appendSequenceChange(2, 6, 9, 1_764_115_200_000_000_000L);
        }
    }

    @AfterEach
    void tearDown()
    {
        Tests.deleteRecursively(dir);
    }

    private String[] run(final int expectedExit, final String... args)
    {
        final int exit = JournalDump.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(expectedExit, exit, err.toString(StandardCharsets.UTF_8));
        final String text = out.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? new String[0] : text.split("\n");
    }

    @Test
    void shouldPrintEveryEntryAsReadableFix()
    {
        final String[] lines = run(0, dir.toString());
        assertEquals(11, lines.length);
        assertEquals("#1 2025-11-26T00:00:00.000000001Z session=1 OUT seq=1 admin " +
            JournalTest.fix(1).replace('\u0001', '|'), lines[0]);
        assertEquals("#11 2025-11-26T00:00:00Z session=2 SEQUENCE nextSenderSeqNum=6 nextTargetSeqNum=9", lines[10]);
    }

    @Test
    void shouldFilterBySessionAndSeqRange()
    {
        final String[] lines = run(0, dir.toString(), "--session", "2", "--from", "2", "--to", "3");
        assertEquals(3, lines.length);
        assertTrue(lines[0].startsWith("#4 ") && lines[0].contains("session=2 OUT seq=2 8=FIX.4.4|"), lines[0]);
        assertTrue(lines[1].contains("seq=3"), lines[1]);
        assertTrue(lines[2].contains("SEQUENCE"), lines[2]);
    }

    @Test
    void shouldExplainBadArgumentsAndMissingJournals()
    {
        run(2, dir.toString(), "--session");
        run(2, dir.toString(), "--bogus", "1");
        run(1, dir.resolve("missing").toString());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no journal in"), err.toString());
    }
}
