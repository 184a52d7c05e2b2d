package dev.tandem.failover;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailoverConnectionStrategyTest
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

    private FakeAcceptor acceptor(final FakeAcceptor.Mode mode) throws IOException
    {
        final FakeAcceptor acceptor = new FakeAcceptor(mode);
        toClose.add(acceptor);
        return acceptor;
    }

    private static FailoverConnectionStrategy noJitter()
    {
        return new FailoverConnectionStrategy().jitterPercent(0).random(() -> 0.0);
    }

    @Test
    void shouldTryEachAddressItsShareOfTimesInOrder()
    {
        final FailoverConnectionStrategy strategy = noJitter().attemptsPerAddress(2).conclude();
        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 7; i++)
        {
            order.add(strategy.nextAddressIndex(3));
            strategy.onAttemptFailed();
        }
        assertEquals(List.of(0, 0, 1, 1, 2, 2, 0), order);
    }

    @Test
    void shouldDoubleBackoffAfterEachFullRoundUpToTheCap()
    {
        final FailoverConnectionStrategy strategy = noJitter()
            .attemptsPerAddress(1).backoffInitialMs(10).backoffMaxMs(35).conclude();
        strategy.nextAddressIndex(2);
        assertEquals(0, strategy.delayBeforeNextAttemptMs(), "first attempt is immediate");
        final List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 8; i++)
        {
            strategy.onAttemptFailed();
            delays.add(strategy.delayBeforeNextAttemptMs());
        }
        assertEquals(List.of(10L, 10L, 20L, 20L, 35L, 35L, 35L, 35L), delays);
    }

    @Test
    void shouldTakeJitterOffTheDelayWithinItsShare()
    {
        final FailoverConnectionStrategy strategy = new FailoverConnectionStrategy()
            .backoffInitialMs(100).backoffMaxMs(100).jitterPercent(20).random(() -> 0.999).conclude();
        strategy.nextAddressIndex(1);
        strategy.onAttemptFailed();
        assertEquals(80, strategy.delayBeforeNextAttemptMs());
        strategy.random(() -> 0.0);
        assertEquals(100, strategy.delayBeforeNextAttemptMs());
    }

    @Test
    void shouldStayOnTheAcceptorThatLoggedOnUnlessReturningToPrimary() throws Exception
    {
        final FailoverConnectionStrategy stay = noJitter().attemptsPerAddress(1).conclude();
        stay.nextAddressIndex(2);
        stay.onAttemptFailed();
        assertEquals(1, stay.nextAddressIndex(2));
        stay.onLogonCompleted(1);
        stay.onSessionEnded();
        assertEquals(1, stay.nextAddressIndex(2));
        assertEquals(0, stay.delayBeforeNextAttemptMs(), "reconnect after a session ends is immediate");

        final FailoverConnectionStrategy back = noJitter().attemptsPerAddress(1).returnToPrimary(true).conclude();
        back.nextAddressIndex(2);
        back.onAttemptFailed();
        back.onLogonCompleted(1);
        back.onSessionEnded();
        assertEquals(0, back.nextAddressIndex(2));
    }

    @Test
    void shouldRejectBadSettingsNamingTheKey()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new FailoverConnectionStrategy().jitterPercent(150).conclude());
        assertTrue(ex.getMessage().contains("jitterPercent") && ex.getMessage().contains("150"), ex.getMessage());
        final IllegalArgumentException ex2 = assertThrows(IllegalArgumentException.class,
            () -> new FailoverConnectionStrategy().attemptsPerAddress(0).conclude());
        assertTrue(ex2.getMessage().contains("attemptsPerAddress"), ex2.getMessage());
    }

    @Test
    void shouldCountResetAndSilenceAndRefusalAsFailedAttemptsAndLogOnToTheWorkingAcceptor() throws Exception
    {
        final FakeAcceptor reset = acceptor(FakeAcceptor.Mode.RESET);
        final FakeAcceptor silent = acceptor(FakeAcceptor.Mode.SILENT);
        final FakeAcceptor good = acceptor(FakeAcceptor.Mode.LOGON);
        final InetSocketAddress refused = closedPort();

        final FailoverConnectionStrategy strategy = noJitter()
            .attemptsPerAddress(1).backoffInitialMs(0).backoffMaxMs(0).logonTimeoutMs(300).conclude();
        final List<String> failures = new ArrayList<>();
        final FailoverConnector connector = new FailoverConnector(
            strategy,
            List.of(refused, reset.address(), silent.address(), good.address()),
            FakeAcceptor::logon,
            new FailoverListener()
            {
                @Override
                public void onAttemptFailed(final InetSocketAddress address, final int index, final String reason)
                {
                    failures.add(index + ":" + reason);
                }
            });

        final Attempt attempt = connector.connectAndLogon();
        assertNotNull(attempt);
        toClose.add(attempt.channel());
        assertEquals(3, attempt.addressIndex());
        assertEquals(1, reset.connections.get());
        assertEquals(1, silent.connections.get());
        // a reset can land before connect() returns (a failed connect) or after (a failed Logon): both move on
        assertTrue(failures.size() == 1 || failures.size() == 2 && failures.get(0).startsWith("1:"),
            failures.toString());
        assertTrue(failures.get(failures.size() - 1).startsWith("2:no Logon reply"), failures.toString());
        assertEquals(4, attempt.number(), "refused, reset, silent, then the working acceptor");
        assertEquals(0, strategy.consecutiveFailures());
    }

    @Test
    void shouldGiveUpAfterTheConfiguredFailuresInARow() throws Exception
    {
        final FailoverConnectionStrategy strategy = noJitter()
            .attemptsPerAddress(1).backoffInitialMs(0).backoffMaxMs(0).maxConsecutiveFailures(3).conclude();
        final int[] gaveUp = new int[1];
        final FailoverConnector connector = new FailoverConnector(
            strategy, List.of(closedPort(), closedPort()), FakeAcceptor::logon,
            new FailoverListener()
            {
                @Override
                public void onGaveUp()
                {
                    gaveUp[0]++;
                }
            });
        assertNull(connector.connectAndLogon());
        assertEquals(1, gaveUp[0]);
        assertTrue(strategy.hasGivenUp());
    }

    @Test
    void shouldReadTheStrategyFromYamlByTypeTag()
    {
        ConnectionStrategies.registerAliases();
        final ConnectionStrategy strategy = ConnectionStrategies.fromYaml(
            "!Failover { attemptsPerAddress: 3, connectTimeoutMs: 250, logonTimeoutMs: 500, backoffInitialMs: 5, " +
            "backoffMaxMs: 80, jitterPercent: 10, returnToPrimary: true }");
        final FailoverConnectionStrategy failover = (FailoverConnectionStrategy)strategy;
        assertEquals(3, failover.attemptsPerAddress());
        assertEquals(250, failover.connectTimeoutMs());
        assertEquals(500, failover.logonTimeoutMs());
        assertEquals(5, failover.backoffInitialMs());
        assertEquals(80, failover.backoffMaxMs());
        assertEquals(10, failover.jitterPercent());
        assertTrue(failover.returnToPrimary());
        assertFalse(new FailoverConnectionStrategy().returnToPrimary());

        assertThrows(IllegalArgumentException.class, () -> ConnectionStrategies.fromYaml("{ a: 1 }"));
    }

    static InetSocketAddress closedPort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }
    }
}
