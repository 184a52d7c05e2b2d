package dev.tandem.failover;

import dev.tandem.fix.FixAcceptor;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The failover initiator against two real in-process acceptors on loopback. */
class FailoverInitiatorTest
{
    private final Loopback loopback = new Loopback();

    @AfterEach
    void after() throws Exception
    {
        loopback.close();
    }

    @Test
    @Timeout(90)
    void shouldMoveToTheBackupOnlyOnceItsLogonCompletes()
    {
        final FixAcceptor primary = loopback.acceptor("primary", true);
        final FixAcceptor backup = loopback.acceptor("backup", false);
        final Loopback.Events events = new Loopback.Events();
        final FailoverInitiator initiator = loopback.initiator(
            new FailoverConnectionStrategy().attemptsPerAddress(1).backoffInitialMs(5).backoffMaxMs(20)
                .logonTimeoutMs(1_000),
            List.of(Loopback.address(primary), Loopback.address(backup)), events);

        Tests.await("logged on to the primary", Duration.ofSeconds(20),
            () -> initiator.isLoggedOn() && initiator.currentIndex() == 0);
        primary.close();
        // the backup takes TCP connections but logs no one on: each is a failed attempt, not a success
        Tests.await("two attempts on the backup failed", Duration.ofSeconds(20),
            () -> events.count("failed 1") >= 2);
        assertFalse(initiator.isLoggedOn());
        backup.logonsEnabled(true);
        // the engine's session is logged on a moment before the connect loop reports it: wait for the report too
        Tests.await("logged on to the backup", Duration.ofSeconds(20),
            () -> initiator.isLoggedOn() && initiator.currentIndex() == 1 && events.steps.contains("logon 1"));
        final List<String> kinds = events.kinds();
        assertEquals("logon 0", kinds.get(0));
        assertEquals("ended 0", kinds.get(1));
        assertEquals("logon 1", kinds.get(kinds.size() - 1));
    }
}
