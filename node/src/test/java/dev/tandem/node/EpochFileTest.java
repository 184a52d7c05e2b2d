package dev.tandem.node;

import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpochFileTest
{
    private final Path dir = Tests.tempDir("epoch");

    @AfterEach
    void after()
    {
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldPersistTheEpochAcrossReopens()
    {
        final EpochFile file = EpochFile.open(dir);
        assertEquals(0, file.epoch());
        file.store(1);
        file.store(4);
        assertEquals(4, EpochFile.open(dir).epoch());
        assertThrows(IllegalArgumentException.class, () -> file.store(3));
    }

    @Test
    void shouldNameADamagedEpochFile() throws IOException
    {
        Files.writeString(dir.resolve(EpochFile.FILE_NAME), "x1\n");
        final ConfigException ex = assertThrows(ConfigException.class, () -> EpochFile.open(dir));
        assertTrue(ex.getMessage().contains("x1") && ex.getMessage().contains(EpochFile.FILE_NAME), ex.getMessage());
    }
}
