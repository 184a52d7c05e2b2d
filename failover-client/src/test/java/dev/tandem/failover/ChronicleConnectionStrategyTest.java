package dev.tandem.failover;

import net.openhft.chronicle.network.AlwaysStartOnPrimaryConnectionStrategy;
import net.openhft.chronicle.network.connection.FatalFailureConnectionStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleConnectionStrategyTest
{
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void after() throws Exception
    {
        for (final AutoCloseable closeable : toClose)
        {
            closeable.close();
        }
    }

    @Test
    void shouldPlugInChronicleStrategiesFromYaml()
    {
        ConnectionStrategies.registerAliases();
        final ChronicleConnectionStrategy primaryFirst = (ChronicleConnectionStrategy)ConnectionStrategies.fromYaml(
            "!Chronicle { strategy: !AlwaysStartOnPrimary { pausePeriodMs: 10 }, logonTimeoutMs: 700 }");
        assertInstanceOf(AlwaysStartOnPrimaryConnectionStrategy.class, primaryFirst.strategy());
        assertEquals(700, primaryFirst.logonTimeoutMs());

        final ChronicleConnectionStrategy fatal = (ChronicleConnectionStrategy)ConnectionStrategies.fromYaml(
            "!Chronicle { strategy: !FatalFailure { } }");
        assertInstanceOf(FatalFailureConnectionStrategy.class, fatal.strategy());
    }

    @Test
    void shouldMoveOnWhenLogonFailsOnAConnectionChronicleOpened() throws Exception
    {
        final FakeAcceptor reset = new FakeAcceptor(FakeAcceptor.Mode.RESET);
        toClose.add(reset);
        final FakeAcceptor good = new FakeAcceptor(FakeAcceptor.Mode.LOGON);
        toClose.add(good);

        final ChronicleConnectionStrategy strategy = new ChronicleConnectionStrategy(
            new FatalFailureConnectionStrategy(3, false)).logonTimeoutMs(1_000);
        final List<String> failures = new ArrayList<>();
        final FailoverConnector connector = new FailoverConnector(
            strategy, List.of(reset.address(), good.address()), FakeAcceptor::logon,
            new FailoverListener()
            {
                @Override
                public void onAttemptFailed(final InetSocketAddress address, final int index, final String reason)
                {
                    failures.add(reason);
                }
            });
        final Attempt attempt = connector.connectAndLogon();
        assertNotNull(attempt);
        toClose.add(attempt.channel());
        assertEquals(good.address().getPort(), attempt.address().getPort());
        assertTrue(reset.connections.get() >= 1);
        assertTrue(failures.size() <= reset.connections.get(), failures.toString());
    }
}
