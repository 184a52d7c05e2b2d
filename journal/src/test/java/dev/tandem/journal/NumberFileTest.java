package dev.tandem.journal;

import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
