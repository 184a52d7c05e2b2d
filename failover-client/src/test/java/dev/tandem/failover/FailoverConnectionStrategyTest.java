package dev.tandem.failover;

import dev.tandem.fix.FixAcceptor;
import dev.tandem.test.Ports;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailoverConnectionStrategyTest
{
    private final Loopback loopback = new Loopback();

    @AfterEach
    void after() throws Exception
    {
        loopback.close();
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
    void shouldGoToTheNextAcceptorAtOnceAfterASwitchoverLogoutAndRetryItThroughTheWindow()
    {
        final FailoverConnectionStrategy strategy = noJitter().attemptsPerAddress(2).backoffInitialMs(25)
            .switchoverRetryMs(2).switchoverWindowMs(6).conclude();
        strategy.nextAddressIndex(2);
        strategy.onLogonCompleted(0);
        strategy.onSwitchoverAnnounced();
        assertEquals(1, strategy.nextAddressIndex(2), "the acceptor the role moves to, not the one that logged out");
        assertEquals(0, strategy.delayBeforeNextAttemptMs(), "at once");
        // 6 ms at 2 ms: three attempts on the next acceptor while it activates, then the ordinary rounds
        for (int i = 0; i < 2; i++)
        {
            strategy.onAttemptFailed();
            assertEquals(1, strategy.nextAddressIndex(2), "stays on the announced acceptor, attempt " + (i + 2));
            assertEquals(2, strategy.delayBeforeNextAttemptMs(), "retried every switchoverRetryMs, no backoff");
            assertFalse(strategy.hasGivenUp());
        }
        strategy.onAttemptFailed();
        assertEquals(0, strategy.nextAddressIndex(2), "the window is over: the ordinary rounds, from the next one");
        assertEquals(25, strategy.delayBeforeNextAttemptMs());
        assertEquals(1, strategy.consecutiveFailures(), "the window's attempts count as one failure");

        strategy.onLogonCompleted(1);
        strategy.onSwitchoverAnnounced();
        assertEquals(0, strategy.nextAddressIndex(2), "and back again at the next switchover");
        strategy.onLogonCompleted(0);
        assertEquals(0, strategy.delayBeforeNextAttemptMs());
    }

    @Test
    void shouldTreatASwitchoverLogoutLikeAnyEndWhenTheWindowIsOff()
    {
        final FailoverConnectionStrategy strategy = noJitter().attemptsPerAddress(1).switchoverWindowMs(0).conclude();
        strategy.nextAddressIndex(2);
        strategy.onLogonCompleted(0);
        strategy.onSwitchoverAnnounced();
        assertEquals(0, strategy.nextAddressIndex(2), "stays on the acceptor that logged it on, as after any end");
        assertEquals(0, strategy.delayBeforeNextAttemptMs());

        final ConnectionStrategy own = ConnectionStrategies.fromYaml(
            "!Failover { switchoverRetryMs: 3, switchoverWindowMs: 500 }");
        assertEquals(3, ((FailoverConnectionStrategy)own).switchoverRetryMs());
        assertEquals(500, ((FailoverConnectionStrategy)own).switchoverWindowMs());
        assertEquals(FailoverConnectionStrategy.DEFAULT_SWITCHOVER_WINDOW_MS,
            new FailoverConnectionStrategy().switchoverWindowMs());
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
        final IllegalArgumentException ex3 = assertThrows(IllegalArgumentException.class,
            () -> new FailoverConnectionStrategy().switchoverRetryMs(0).conclude());
        assertTrue(ex3.getMessage().contains("switchoverRetryMs") && ex3.getMessage().contains(" 0"),
            ex3.getMessage());
        final IllegalArgumentException ex4 = assertThrows(IllegalArgumentException.class,
            () -> new FailoverConnectionStrategy().switchoverWindowMs(-1).conclude());
        assertTrue(ex4.getMessage().contains("switchoverWindowMs") && ex4.getMessage().contains("-1"),
            ex4.getMessage());
    }

    @Test
    @Timeout(60)
    void shouldCountRefusalResetAndSilenceAsFailedAttemptsAndLogOnToTheWorkingAcceptor() throws Exception
    {
        final InetSocketAddress refused = Ports.refused();
        final FakeAcceptor reset = loopback.broken(FakeAcceptor.Mode.RESET);
        final FakeAcceptor silent = loopback.broken(FakeAcceptor.Mode.SILENT);
        final FixAcceptor good = loopback.acceptor("good", true);
        final FailoverConnectionStrategy strategy = noJitter()
            .attemptsPerAddress(1).backoffInitialMs(0).backoffMaxMs(0).logonTimeoutMs(500).conclude();
        final Loopback.Events events = new Loopback.Events();

        final FailoverInitiator initiator = loopback.initiator(
            strategy, List.of(refused, reset.address(), silent.address(), Loopback.address(good)), events);

        Tests.await("logged on to the working acceptor", Duration.ofSeconds(30),
            () -> initiator.isLoggedOn() && events.steps.contains("logon 3"));
        // one attempt each, in order, and each counted as failed before the one whose Logon completed
        assertEquals(List.of("failed 0", "failed 1", "failed 2", "logon 3"), events.kinds(), events.steps.toString());
        assertTrue(events.steps.get(2).contains("no Logon reply within 500 ms"), events.steps.toString());
        assertEquals(1, reset.connections.get());
        assertEquals(1, silent.connections.get());
        assertEquals(3, initiator.currentIndex());
        assertEquals(0, strategy.consecutiveFailures(), "a completed Logon clears the failures");
    }

    @Test
    @Timeout(60)
    void shouldLogOnToTheNextAcceptorAtOnceWhenLoggedOutForASwitchover() throws Exception
    {
        final FixAcceptor first = loopback.acceptor("first", true);
        final FixAcceptor second = loopback.acceptor("second", true);
        // a backoff far beyond the test's bounds: only the switchover path can log on to the second in time
        final FailoverConnectionStrategy strategy = noJitter()
            .attemptsPerAddress(1).backoffInitialMs(60_000).backoffMaxMs(60_000).conclude();
        final Loopback.Events events = new Loopback.Events();
        final FailoverInitiator initiator = loopback.initiator(
            strategy, List.of(Loopback.address(first), Loopback.address(second)), events);
        Tests.await("logged on to the first", Duration.ofSeconds(30), () -> events.steps.contains("logon 0"));

        first.execute(() -> first.sessions().get(0).logout(dev.tandem.fix.FixSession.SWITCHOVER_LOGOUT_TEXT));

        Tests.await("logged on to the second", Duration.ofSeconds(30), () -> events.steps.contains("logon 1"));
        assertEquals(List.of("logon 0", "ended 0", "logon 1"), events.kinds(), events.steps.toString());
        assertEquals(1, initiator.currentIndex());
    }

    @Test
    @Timeout(60)
    void shouldLogOnToTheSameAcceptorAgainAfterAnyOtherLogout() throws Exception
    {
        final FixAcceptor first = loopback.acceptor("first", true);
        final FixAcceptor second = loopback.acceptor("second", true);
        final FailoverConnectionStrategy strategy = noJitter()
            .attemptsPerAddress(1).backoffInitialMs(60_000).backoffMaxMs(60_000).conclude();
        final Loopback.Events events = new Loopback.Events();
        loopback.initiator(strategy, List.of(Loopback.address(first), Loopback.address(second)), events);
        Tests.await("logged on to the first", Duration.ofSeconds(30), () -> events.steps.contains("logon 0"));

        first.execute(() -> first.sessions().get(0).logout("end of day"));

        Tests.await("logged on again", Duration.ofSeconds(30), () -> events.kinds().size() >= 3);
        assertEquals(List.of("logon 0", "ended 0", "logon 0"), events.kinds(), events.steps.toString());
    }

    @Test
    @Timeout(60)
    void shouldGiveUpAfterTheConfiguredFailuresInARow() throws Exception
    {
        final FailoverConnectionStrategy strategy = noJitter()
            .attemptsPerAddress(1).backoffInitialMs(0).backoffMaxMs(0).maxConsecutiveFailures(3).conclude();
        final Loopback.Events events = new Loopback.Events();

        final FailoverInitiator initiator = loopback.initiator(
            strategy, List.of(Ports.refused(), Ports.refused()), events);

        // the initiator sets its flag, then tells its listener: wait for what the listener heard
        Tests.await("given up", Duration.ofSeconds(30), () -> events.kinds().contains("gave up"));
        assertEquals(List.of("failed 0", "failed 1", "failed 0", "gave up"), events.kinds(), events.steps.toString());
        assertTrue(initiator.hasGivenUp());
        assertTrue(strategy.hasGivenUp());
        assertFalse(initiator.isLoggedOn());
    }

    @Test
    void shouldReadTheStrategyFromYamlByTypeTag()
    {
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
        final String typo = assertThrows(IllegalArgumentException.class,
            () -> ConnectionStrategies.fromYaml("!Failover { attemptsPerAdress: 3 }")).getMessage();
        assertTrue(typo.contains("'attemptsPerAdress'"), "a mistyped key is refused, not ignored: " + typo);
    }

    @Test
    void shouldReadAUsersOwnStrategyByItsClassName()
    {
        final ConnectionStrategy strategy = ConnectionStrategies.fromYaml("!" + OwnStrategy.class.getName() +
            " { logonTimeoutMs: 1234 }");
        assertEquals(1234, ((OwnStrategy)strategy).logonTimeoutMs());
        assertEquals(OwnStrategy.class, ConnectionStrategies.fromYaml("!" + OwnStrategy.class.getName() + " { }")
            .getClass());
    }

    /** A user's own strategy: always the first address. */
    public static final class OwnStrategy extends net.openhft.chronicle.wire.SelfDescribingMarshallable
        implements ConnectionStrategy
    {
        private long logonTimeoutMs = 500;

        @Override
        public int nextAttempt(final List<java.net.InetSocketAddress> addresses)
        {
            return 0;
        }

        @Override
        public long connectTimeoutMs()
        {
            return 500;
        }

        @Override
        public long logonTimeoutMs()
        {
            return logonTimeoutMs;
        }

        @Override
        public void onLogonCompleted(final int addressIndex)
        {
        }

        @Override
        public void onAttemptFailed(final int addressIndex, final String reason)
        {
        }

        @Override
        public void onSessionEnded()
        {
        }
    }
}
