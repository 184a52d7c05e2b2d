package dev.tandem.replication;

import dev.tandem.journal.ReleaseGate;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AckStrategyTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    static final class FakeProgress implements AckProgress
    {
        long acked;
        boolean attached = true;
        int timeouts;
        int releasedWhileAway;

        @Override
        public long ackedPosition()
        {
            return acked;
        }

        @Override
        public boolean sinkAttached()
        {
            return attached;
        }

        @Override
        public void recordTimeout()
        {
            timeouts++;
        }

        @Override
        public void recordReleasedWhileAway()
        {
            releasedWhileAway++;
        }
    }

    /** A user's own strategy, named in YAML by its class name. */
    public static final class ReleaseEvenPositions implements AckStrategy
    {
        int unused;

        @Override
        public ReleaseGate newGate(final AckProgress progress)
        {
            return (position, enqueuedNs, nowNs) -> position % 2 == 0 ? ReleaseGate.RELEASE : ReleaseGate.WAIT;
        }
    }

    @Test
    void shouldReleaseAtOnceWithNeverTimesOut()
    {
        final FakeProgress progress = new FakeProgress();
        progress.attached = false;
        final ReleaseGate gate = new NeverTimesOut().newGate(progress);
        assertEquals(ReleaseGate.RELEASE, gate.check(10, 0, 0));
    }

    @Test
    void shouldReleaseOnlyAckedPositionsWithWaitForever()
    {
        final FakeProgress progress = new FakeProgress();
        final ReleaseGate gate = new WaitForever().newGate(progress);
        progress.acked = 4;
        assertEquals(ReleaseGate.RELEASE, gate.check(4, 0, 0));
        assertEquals(ReleaseGate.WAIT, gate.check(5, 0, TimeUnit.HOURS.toNanos(1)));
        progress.attached = false;
        assertEquals(ReleaseGate.WAIT, gate.check(5, 0, TimeUnit.HOURS.toNanos(2)));
        progress.acked = 5;
        assertEquals(ReleaseGate.RELEASE, gate.check(5, 0, TimeUnit.HOURS.toNanos(2)));
    }

    @Test
    void shouldSendAnywayAfterTimeoutAndKeepWaitingForLaterMessages()
    {
        final FakeProgress progress = new FakeProgress();
        final ReleaseGate gate = new BoundedWait().timeoutMs(5).newGate(progress);
        final long t0 = 1_000 * MS;
        assertEquals(ReleaseGate.WAIT, gate.check(1, t0, t0 + 4 * MS));
        assertEquals(ReleaseGate.RELEASE, gate.check(1, t0, t0 + 5 * MS));
        assertEquals(1, progress.timeouts);
        assertEquals(ReleaseGate.WAIT, gate.check(2, t0 + 5 * MS, t0 + 6 * MS), "KEEP_WAITING: the next one waits");
        progress.acked = 2;
        assertEquals(ReleaseGate.RELEASE, gate.check(2, t0 + 5 * MS, t0 + 6 * MS));
        assertEquals(1, progress.timeouts);
    }

    @Test
    void shouldDisconnectOnTimeoutWhenConfigured()
    {
        final FakeProgress progress = new FakeProgress();
        final ReleaseGate gate = new BoundedWait().timeoutMs(5).onTimeout(BoundedWait.OnTimeout.DISCONNECT)
            .newGate(progress);
        assertEquals(ReleaseGate.WAIT, gate.check(1, 0, 4 * MS));
        assertEquals(ReleaseGate.DISCONNECT, gate.check(1, 0, 5 * MS));
        assertEquals(1, progress.timeouts);
    }

    @Test
    void shouldReleaseImmediatelyWhileSecondaryAwayUntilItCatchesUp()
    {
        final FakeProgress progress = new FakeProgress();
        final ReleaseGate gate = new BoundedWait().timeoutMs(5)
            .whileSecondaryAway(BoundedWait.WhileSecondaryAway.RELEASE_IMMEDIATELY).newGate(progress);
        assertEquals(ReleaseGate.WAIT, gate.check(1, 0, MS));
        assertEquals(ReleaseGate.RELEASE, gate.check(1, 0, 5 * MS));
        assertEquals(1, progress.timeouts);
        assertEquals(ReleaseGate.RELEASE, gate.check(2, 5 * MS, 5 * MS), "away after the timeout: at once");
        assertEquals(1, progress.releasedWhileAway);
        progress.acked = 2;
        assertEquals(ReleaseGate.WAIT, gate.check(3, 6 * MS, 6 * MS), "caught up: waits again");
        progress.attached = false;
        assertEquals(ReleaseGate.RELEASE, gate.check(3, 6 * MS, 6 * MS), "no sink: away");
        assertEquals(2, progress.releasedWhileAway);
    }

    @Test
    void shouldReadStrategiesByTypeTagAndAlias()
    {
        assertInstanceOf(NeverTimesOut.class, source("ackStrategy: !NeverTimesOut {}").ackStrategy());
        assertInstanceOf(WaitForever.class, source("ackStrategy: !WaitForever {}").ackStrategy());
        assertInstanceOf(NeverTimesOut.class, source("ackStrategy: NEVER_TIMES_OUT").ackStrategy());
        assertInstanceOf(WaitForever.class, source("ackStrategy: WAIT_FOREVER_FOR_REPLICA_ACK").ackStrategy());
        assertInstanceOf(WaitForever.class, source("ackStrategy: !WAIT_FOREVER_FOR_REPLICA_ACK {}").ackStrategy());
        final BoundedWait bounded = (BoundedWait)source(
            "ackStrategy: !BoundedWait { timeoutMs: 7, onTimeout: DISCONNECT, whileSecondaryAway: RELEASE_IMMEDIATELY }")
            .ackStrategy();
        assertEquals(7, bounded.timeoutMs());
        assertEquals(BoundedWait.OnTimeout.DISCONNECT, bounded.onTimeout());
        assertEquals(BoundedWait.WhileSecondaryAway.RELEASE_IMMEDIATELY, bounded.whileSecondaryAway());
        final AckStrategy own = source("ackStrategy: !" + ReleaseEvenPositions.class.getName() + " { unused: 1 }")
            .ackStrategy();
        assertInstanceOf(ReleaseEvenPositions.class, own);
        assertEquals(ReleaseGate.RELEASE, own.newGate(new FakeProgress()).check(2, 0, 0));
    }

    @Test
    void shouldRefuseBadStrategySettingsNamingKeyAndValue()
    {
        final IllegalArgumentException badEnum = assertThrows(IllegalArgumentException.class,
            () -> source("ackStrategy: !BoundedWait { timeoutMs: 5, onTimeout: SHRUG }"));
        assertTrue(badEnum.getMessage().contains("ackStrategy.onTimeout") && badEnum.getMessage().contains("SHRUG"),
            badEnum.getMessage());
        final IllegalArgumentException badKey = assertThrows(IllegalArgumentException.class,
            () -> source("ackStrategy: !BoundedWait { timeout: 5 }"));
        assertTrue(badKey.getMessage().contains("timeout"), badKey.getMessage());
        final IllegalArgumentException badTimeout = assertThrows(IllegalArgumentException.class,
            () -> source("ackStrategy: !BoundedWait { timeoutMs: 0 }").secret(new byte[16]).clusterName("c")
                .conclude());
        assertTrue(badTimeout.getMessage().contains("ackStrategy.timeoutMs: 0"), badTimeout.getMessage());
        final IllegalArgumentException badName = assertThrows(IllegalArgumentException.class,
            () -> source("ackStrategy: WAIT_A_BIT"));
        assertTrue(badName.getMessage().contains("WAIT_A_BIT"), badName.getMessage());
    }

    private static ReplicationSourceContext source(final String yaml)
    {
        return ReplicationSourceContext.fromYaml(yaml);
    }
}
