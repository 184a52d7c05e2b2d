package dev.tandem.node;

import dev.tandem.journal.JournalException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FatalErrorsTest
{
    @Test
    void shouldTreatErrorsAndJournalStorageFailuresAsFatal()
    {
        final String sigbus = FatalErrors.whyFatal(new InternalError(
            "a fault occurred in a recent unsafe memory access operation in compiled Java code"));
        assertNotNull(sigbus);
        assertTrue(sigbus.contains("InternalError"), sigbus);
        assertNotNull(FatalErrors.whyFatal(new OutOfMemoryError("Direct buffer memory")));
        assertNotNull(FatalErrors.whyFatal(new RuntimeException("wrapped", new StackOverflowError())));
        assertNotNull(FatalErrors.whyFatal(new JournalException("flush failed", new IOException("EIO"))));
        assertNotNull(FatalErrors.whyFatal(new JournalException("append failed", new InternalError("SIGBUS"))));
    }

    @Test
    void shouldLetAgentsGoOnAfterRefusalsAndSocketErrors()
    {
        assertNull(FatalErrors.whyFatal(new JournalException("message of 70000 bytes is longer than 65536")));
        assertNull(FatalErrors.whyFatal(new SocketException("Connection reset")));
        assertNull(FatalErrors.whyFatal(new UncheckedIOException(new IOException("Broken pipe"))));
        assertNull(FatalErrors.whyFatal(new IllegalStateException("one bad message")));
    }
}
