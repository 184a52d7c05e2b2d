package dev.tandem.journal;

import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NumberFileTest
{
    private final Path dir = Tests.tempDir("number-file");

    @AfterEach
    void after()
    {
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldReadTheAbsentValueUntilAStoreAndTheStoredOneAfterReopening()
    {
        final NumberFile file = NumberFile.open(dir, "n", "number", 7);
        assertEquals(7, file.value());
        assertFalse(Files.exists(file.file()), "nothing written by reading");
        file.store(12, true);
        file.store(13, false);
        assertEquals(13, file.value());
        assertEquals(13, NumberFile.open(dir, "n", "number", 7).value());
        assertFalse(Files.exists(dir.resolve("n.tmp")), "the temporary file was renamed");
    }

    @Test
    void shouldOverwriteASlotInPlaceOnceTheFileExists() throws IOException
    {
        final NumberFile file = NumberFile.open(dir, "n", "number", 0);
        file.store(5, true);
        assertEquals(NumberFile.FILE_BYTES, Files.size(file.file()));
        final Object created = Files.readAttributes(file.file(), "unix:ino").get("ino");
        file.store(6, true);
        file.store(7, false);
        assertEquals(created, Files.readAttributes(file.file(), "unix:ino").get("ino"),
            "the same file, written in place, not replaced");
        assertEquals(NumberFile.FILE_BYTES, Files.size(file.file()));
        assertEquals(7, NumberFile.open(dir, "n", "number", 0).value());
        // reopened, it goes on from the sequence on disk
        final NumberFile reopened = NumberFile.open(dir, "n", "number", 0);
        reopened.store(8, true);
        assertEquals(8, NumberFile.open(dir, "n", "number", 0).value());
    }

    @Test
    void shouldReadTheOldOrTheNewNumberWhateverPartOfAStoreReachedTheDisk() throws IOException
    {
        final NumberFile file = NumberFile.open(dir, "n", "number", 0);
        file.store(49, true);
        file.store(50, true);
        final byte[] before = Files.readAllBytes(file.file());
        file.store(61, true);
        final byte[] after = Files.readAllBytes(file.file());
        int differing = 0;
        for (int i = 0; i < before.length; i++)
        {
            differing += before[i] != after[i] ? 1 : 0;
        }
        assertTrue(differing > 0 && differing <= NumberFile.SLOT_BYTES, "one slot rewritten: " + differing);
        // a crash leaves any subset of the rewritten slot's bytes new: every prefix and every single byte
        for (int torn = 0; torn <= before.length; torn++)
        {
            final byte[] prefix = before.clone();
            System.arraycopy(after, 0, prefix, 0, torn);
            assertOldOrNew(prefix, 50, 61);
            final byte[] single = before.clone();
            if (torn < before.length)
            {
                single[torn] = after[torn];
            }
            assertOldOrNew(single, 50, 61);
        }
    }

    @Test
    void shouldReadAndReplaceTheOlderOneLineFormat() throws IOException
    {
        Files.writeString(dir.resolve("n"), "41\n");
        final NumberFile file = NumberFile.open(dir, "n", "epoch", 0);
        assertEquals(41, file.value());
        file.prepare(true);
        assertEquals(NumberFile.FILE_BYTES, Files.size(file.file()));
        assertEquals(41, NumberFile.open(dir, "n", "epoch", 0).value());
        file.store(42, true);
        assertEquals(42, NumberFile.open(dir, "n", "epoch", 0).value());
        final String text = Files.readString(file.file());
        assertTrue(text.startsWith("00000000000000000042 ") || text.contains("\n00000000000000000042 "), text);
    }

    @Test
    void shouldPrepareAFileOnlyWhenAskedAndOnlyOnce() throws IOException
    {
        final NumberFile file = NumberFile.open(dir, "n", "number", 3);
        assertFalse(Files.exists(file.file()));
        file.prepare(true);
        assertEquals(3, NumberFile.open(dir, "n", "number", 0).value(), "the absent value, now on disk");
        final byte[] prepared = Files.readAllBytes(file.file());
        file.prepare(true);
        assertArrayEquals(prepared, Files.readAllBytes(file.file()), "a second prepare writes nothing");
    }

    @Test
    void shouldRefuseAFileWhoseSlotsAreBothDamaged() throws IOException
    {
        final NumberFile file = NumberFile.open(dir, "n", "epoch", 0);
        file.store(9, true);
        final byte[] bytes = Files.readAllBytes(file.file());
        bytes[19] = '8';
        bytes[NumberFile.SLOT_BYTES + 19] = '7';
        Files.write(file.file(), bytes);
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> NumberFile.open(dir, "n", "epoch", 0));
        assertTrue(ex.getMessage().contains(file.file().toString()) && ex.getMessage().contains("epoch") &&
            ex.getMessage().contains("checksummed"), ex.getMessage());
    }

    private void assertOldOrNew(final byte[] content, final long oldValue, final long newValue) throws IOException
    {
        Files.write(dir.resolve("torn"), content);
        final long read = NumberFile.open(dir, "torn", "number", -1 >>> 1).value();
        assertTrue(read == oldValue || read == newValue, "read " + read);
    }

    @Test
    void shouldNameADamagedFileAndWhatItHolds() throws IOException
    {
        Files.writeString(dir.resolve("n"), "-3\n");
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> NumberFile.open(dir, "n", "epoch", 0));
        assertTrue(ex.getMessage().contains(dir.resolve("n").toString()) && ex.getMessage().contains("epoch") &&
            ex.getMessage().contains("'-3'"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NumberFile.open(dir.resolve("x"), "n", "epoch", 0)
            .store(-1, false));
    }
}
