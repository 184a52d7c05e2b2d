package dev.tandem.node;

import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationModeTest
{
    private final Path dir = Tests.tempDir("activation");

    @AfterEach
    void after()
    {
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldActivateOnHeartbeatSilenceLongerThanTheDelayOnly()
    {
        final TryHeartbeat mode = new TryHeartbeat(500);
        assertFalse(mode.shouldActivate(10_000, ActivationMode.NEVER), "never heard: do not take over");
        assertFalse(mode.shouldActivate(10_000, 9_600));
        assertFalse(mode.shouldActivate(10_000, 9_500));
        assertTrue(mode.shouldActivate(10_000, 9_499));
        assertTrue(mode.reason().contains("501 ms"), mode.reason());
    }

    @Test
    void shouldNeverActivateByItselfWhenManual()
    {
        assertFalse(new Manual().shouldActivate(Long.MAX_VALUE, 0));
    }

    @Test
    void shouldWinTheLockOnlyWhenTheHolderLetsGo()
    {
        final String file = dir.resolve("tandem.lock").toString();
        final TryLock primary = new TryLock(file);
        final TryLock secondary = new TryLock(file);
        try
        {
            primary.onPrimaryStart();
            assertTrue(primary.isHeld());
            // in one JVM the second lock attempt sees an overlapping lock: the same answer another process gets
            assertFalse(secondary.shouldActivate(0, 0));
            assertThrows(ConfigException.class, secondary::onPrimaryStart);
            primary.close();
            assertTrue(secondary.shouldActivate(0, 0));
            assertTrue(secondary.reason().contains("won the lock"));
        }
        finally
        {
            primary.close();
            secondary.close();
        }
    }

    @Test
    void shouldRejectALockFileInAMissingDirectory()
    {
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> new TryLock(dir.resolve("missing/tandem.lock").toString()).validate("activation.!TryLock"));
        assertTrue(ex.getMessage().contains("activation.!TryLock.file"), ex.getMessage());
    }
}
