package dev.tandem.node;

import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.test.Tests;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's exit codes, run in-process (the commands that start no node). */
@Timeout(60)
class NodeMainTest
{
    private final Path dir = Tests.tempDir("node-main");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void after()
    {
        Tests.deleteRecursively(dir);
    }

    private int run(final String... args)
    {
        return NodeMain.exitCode(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldDumpAJournalWithTheJournalModulesDump()
    {
        final Path journalDir = dir.resolve("journal");
        try (Journal journal = Journal.open(new JournalContext().dir(journalDir.toString()).conclude()))
        {
            final UnsafeBuffer message = new UnsafeBuffer("35=0\u000149=ISLD\u0001".getBytes(StandardCharsets.US_ASCII));
            journal.appendMessage(7, Direction.OUTBOUND, 1, 1_764_115_200_000_000_000L, 0, message, 0,
                message.capacity());
        }

        assertEquals(0, run("journal", "dump", journalDir.toString()), err.toString(StandardCharsets.UTF_8));
        assertTrue(out().contains("35=0|49=ISLD|"), out());
    }

    @Test
    void shouldExitOneForAMissingJournal()
    {
        assertEquals(1, run("journal", "dump", dir.resolve("nowhere").toString()));
    }

    @Test
    void shouldExitTwoForBadUsage()
    {
        assertEquals(2, run());
        assertEquals(2, run("nonsense"));
        assertEquals(2, run("journal", "print", "x"));
        assertEquals(2, run("demo", "--ack", "Sometimes"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--ack: 'Sometimes'"));
        assertEquals(2, run("demo", "--seconds", "ten"));
    }
}
