package dev.tandem.node;

import dev.tandem.test.Tests;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The activation's epoch write on its own thread: durable once awaited, a failure reported on the awaiting side. */
@Timeout(30)
class EpochWriteTest
{
    private final Path dir = Tests.tempDir("epoch-write");

    @AfterEach
    void tearDown()
    {
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldHaveTheEpochOnDiskOnceAwaited()
    {
        final EpochFile file = EpochFile.open(dir);
        final EpochWrite write = new EpochWrite(file, 7, "node-1", SystemNanoClock.INSTANCE);
        write.await();
        assertEquals(7, file.epoch());
        assertEquals(7, EpochFile.open(dir).epoch(), "read back from the file");
        assertTrue(write.tookNs() >= 0 && write.waitedNs() >= 0);
        assertNull(write.awaitQuietly(), "nothing more to report");
    }

    @Test
    void shouldReportAFailedWriteNamingTheEpoch() throws IOException
    {
        final Path node = dir.resolve("node");
        final EpochFile file = EpochFile.open(node);
        // a plain file where the directory was: the write cannot create its temporary file
        Tests.deleteRecursively(node);
        Files.writeString(node, "not a directory");
        final EpochWrite write = new EpochWrite(file, 9, "node-1", SystemNanoClock.INSTANCE);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, write::await);
        assertTrue(ex.getMessage().contains("epoch 9 could not be stored"), ex.getMessage());

        final EpochWrite again = new EpochWrite(file, 10, "node-1", SystemNanoClock.INSTANCE);
        final String why = again.awaitQuietly();
        assertTrue(why != null && why.contains("epoch 10 could not be stored"), why);
    }
}
