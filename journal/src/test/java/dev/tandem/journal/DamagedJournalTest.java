package dev.tandem.journal;

import static dev.tandem.journal.JournalTest.bytes;
import static dev.tandem.journal.JournalTest.fix;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import dev.tandem.test.Tests;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DamagedJournalTest
{
    private static final long SESSION = 11;
    private static final int ENTRIES = 50;

    private Path dir;

    @BeforeEach
    void setUp()
    {
        dir = Tests.tempDir("damaged");
    }

    @AfterEach
    void tearDown()
    {
        Tests.deleteRecursively(dir);
    }

    private JournalContext context()
    {
        return new JournalContext().dir(dir.toString());
    }

    private void writeJournal()
    {
        try (Journal journal = Journal.open(context()))
        {
            for (int seq = 1; seq <= ENTRIES; seq++)
            {
                final UnsafeBuffer message = bytes(fix(seq));
                journal.appendMessage(SESSION, Direction.OUTBOUND, seq, seq, 0, message, 0, message.capacity());
            }
        }
    }

    private Path newestCycleFile() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(f -> f.toString().endsWith(".cq4")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    /** Where the last entry's message starts in the file. */
    private long lastMessageOffset(final Path file) throws IOException
    {
        final byte[] content = Files.readAllBytes(file);
        final byte[] needle = fix(ENTRIES).getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = content.length - needle.length; i >= 0; i--)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (content[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("last message not found in " + file);
    }

    /** Either refuses clearly or recovers a consistent prefix; never garbage. */
    private void assertRecoversPrefixOrRefuses(final String what)
    {
        final Journal journal;
        try
        {
            journal = Journal.open(context());
        }
        catch (final JournalException ex)
        {
            assertTrue(ex.getMessage().contains("damaged"), what + ": " + ex.getMessage());
            return;
        }
        try (journal)
        {
            final long last = journal.lastPosition();
            assertTrue(last >= ENTRIES - 1 && last <= ENTRIES, what + ": last position " + last);
            assertEquals(last + 1, journal.nextSenderSeqNum(SESSION), what);
            final int[] seen = {0};
            assertEquals(last, journal.readOutbound(SESSION, 1, 0, e ->
            {
                assertEquals(fix(e.msgSeqNum()), JournalTest.text(e));
                assertEquals(e.msgSeqNum(), e.position());
                seen[0]++;
            }), what);
            final UnsafeBuffer next = bytes(fix((int)last + 1));
            assertEquals(last + 1, journal.appendMessage(SESSION, Direction.OUTBOUND, (int)last + 1, 0, 0, next, 0,
                next.capacity()), what);
        }
        try (Journal reopened = Journal.open(context()))
        {
            assertTrue(reopened.lastPosition() >= ENTRIES, what);
        }
    }

    @Test
    void shouldRefuseAnEntryWhoseBytesWereOverwritten() throws IOException
    {
        writeJournal();
        final Path file = newestCycleFile();
        final long offset = lastMessageOffset(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset + 20);
            raf.write("GARBAGE".getBytes(StandardCharsets.US_ASCII));
        }
        final JournalException ex = assertThrows(JournalException.class, () -> Journal.open(context()));
        assertTrue(ex.getMessage().contains("damaged") && ex.getMessage().contains("CRC32C") &&
            ex.getMessage().contains("up to position " + (ENTRIES - 1)) &&
            ex.getMessage().contains(file.getFileName().toString()), ex.getMessage());
    }

    @Test
    void shouldSalvageTheIntactEntriesOfADamagedJournalIntoANewDirectory() throws IOException
    {
        writeJournal();
        final Path file = newestCycleFile();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(lastMessageOffset(file) + 20);
            raf.write("GARBAGE".getBytes(StandardCharsets.US_ASCII));
        }
        final Path repaired = dir.resolve("repaired");
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        final java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        final int exit = JournalRepair.run(new String[]{ dir.toString(), repaired.toString() },
            new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
            new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        final String report = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        assertTrue(report.contains("copied " + (ENTRIES - 1) + " entries, positions 1.." + (ENTRIES - 1)) &&
            report.contains("CRC32C"), report);
        try (Journal journal = Journal.open(new JournalContext().dir(repaired.toString())))
        {
            assertEquals(ENTRIES - 1, journal.lastPosition());
            assertEquals(ENTRIES, journal.nextSenderSeqNum(SESSION));
            final int[] read = {0};
            journal.readOutbound(SESSION, 1, 0, e ->
            {
                assertEquals(fix(e.msgSeqNum()), JournalTest.text(e));
                read[0]++;
            });
            assertEquals(ENTRIES - 1, read[0]);
        }
        assertEquals(1, JournalRepair.run(new String[]{ dir.toString(), repaired.toString() },
            new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
            new java.io.PrintStream(err, true, StandardCharsets.UTF_8)), "refuses a non-empty target");
    }

    @Test
    void shouldRefuseWhenTheLastRecordedEntryWasZeroed() throws IOException
    {
        writeJournal();
        final Path file = newestCycleFile();
        final long offset = lastMessageOffset(file) - EntryDescriptor.HEADER_LENGTH - 4;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset);
            raf.write(new byte[4096]);
        }
        // as after a host crash that kept the file's header page but lost the last data page
        final JournalException ex = assertThrows(JournalException.class, () -> Journal.open(context()));
        assertTrue(ex.getMessage().contains("cannot be read") &&
            ex.getMessage().contains("up to position " + (ENTRIES - 1)), ex.getMessage());
    }

    @Test
    void shouldNeverReturnGarbageWhenTheTailIsCutOrScribbled() throws IOException
    {
        final Random random = new Random(42);
        for (int round = 0; round < 12; round++)
        {
            Tests.deleteRecursively(dir);
            Files.createDirectories(dir);
            writeJournal();
            final Path file = newestCycleFile();
            final long end = lastMessageOffset(file) + fix(ENTRIES).length();
            final long start = end - fix(ENTRIES).length() - EntryDescriptor.HEADER_LENGTH - 8;
            final long at = start + random.nextInt((int)(end - start));
            final String what;
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
            {
                if (round % 2 == 0)
                {
                    what = "cut at " + at + " of " + raf.length();
                    raf.setLength(at);
                }
                else
                {
                    final byte[] noise = new byte[1 + random.nextInt(16)];
                    random.nextBytes(noise);
                    what = "scribbled " + noise.length + " bytes at " + at;
                    raf.seek(at);
                    raf.write(noise);
                }
            }
            assertRecoversPrefixOrRefuses(what);
        }
    }

    @Test
    void shouldRefuseAJournalOfAnotherFormatVersion()
    {
        writeJournal();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir).build())
        {
            queue.tableStorePut(Journal.FORMAT_VERSION_KEY, 99);
        }
        final JournalException ex = assertThrows(JournalException.class, () -> Journal.open(context()));
        assertTrue(ex.getMessage().contains("format version 99") && ex.getMessage().contains(dir.toString()),
            ex.getMessage());
    }

    @Test
    void shouldRefuseAChronicleQueueThatIsNotAJournal()
    {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir).build())
        {
            queue.createAppender().writeText("hello");
        }
        final JournalException ex = assertThrows(JournalException.class, () -> Journal.open(context()));
        assertTrue(ex.getMessage().contains("without a Tandem journal format version"), ex.getMessage());
    }

    @Test
    void shouldRefuseADirectoryThatCannotBeUsed() throws IOException
    {
        final Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");
        final JournalException notDir = assertThrows(JournalException.class,
            () -> Journal.open(new JournalContext().dir(file.toString())));
        assertTrue(notDir.getMessage().contains("is not a directory") && notDir.getMessage().contains("plain-file"),
            notDir.getMessage());
        final JournalException cannotCreate = assertThrows(JournalException.class,
            () -> Journal.open(new JournalContext().dir(file.resolve("sub").toString())));
        assertTrue(cannotCreate.getMessage().contains("cannot be created"), cannotCreate.getMessage());
    }
}
