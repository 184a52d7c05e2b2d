package dev.tandem.failover;

import dev.tandem.fix.FixAcceptor;
import dev.tandem.test.Tests;
import net.openhft.chronicle.network.AlwaysStartOnPrimaryConnectionStrategy;
import net.openhft.chronicle.network.connection.FatalFailureConnectionStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleConnectionStrategyTest
{
    private final Loopback loopback = new Loopback();

    @AfterEach
    void after() throws Exception
    {
        loopback.close();
    }

    @Test
    void shouldPlugInChronicleStrategiesFromYaml()
    {
        final ChronicleConnectionStrategy primaryFirst = (ChronicleConnectionStrategy)ConnectionStrategies.fromYaml(
            "!Chronicle { strategy: !AlwaysStartOnPrimary { pausePeriodMs: 10 }, logonTimeoutMs: 700 }");
        assertInstanceOf(AlwaysStartOnPrimaryConnectionStrategy.class, primaryFirst.strategy());
        assertEquals(700, primaryFirst.logonTimeoutMs());

        final ChronicleConnectionStrategy fatal = (ChronicleConnectionStrategy)ConnectionStrategies.fromYaml(
            "!Chronicle { strategy: !FatalFailure { } }");
        assertInstanceOf(FatalFailureConnectionStrategy.class, fatal.strategy());
    }

    @Test
    @Timeout(60)
    void shouldMoveOnWhenLogonFailsOnAnAcceptorChronicleChose() throws Exception
    {
        final FakeAcceptor reset = loopback.broken(FakeAcceptor.Mode.RESET);
        final FixAcceptor good = loopback.acceptor("good", true);
        final ChronicleConnectionStrategy strategy = new ChronicleConnectionStrategy(
            new FatalFailureConnectionStrategy(3, false)).logonTimeoutMs(1_000);
        final Loopback.Events events = new Loopback.Events();

        final FailoverInitiator initiator = loopback.initiator(
            strategy, List.of(reset.address(), Loopback.address(good)), events);

        Tests.await("logged on to the working acceptor", Duration.ofSeconds(30),
            () -> initiator.isLoggedOn() && events.steps.contains("logon 1"));
        assertEquals(1, initiator.currentIndex());
        // Chronicle tried the resetting acceptor first: its probe saw the reset (Chronicle then moved on by itself),
        // or the FIX initiator's attempt did (a failed attempt, and the adapter moved Chronicle on)
        assertTrue(reset.connections.get() >= 1, "connections to the resetting acceptor");
        assertEquals(0, events.count("failed 1"), events.steps.toString());
        assertEquals("logon 1", events.kinds().get(events.kinds().size() - 1), events.steps.toString());
    }
}
