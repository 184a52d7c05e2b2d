package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.test.FaultyProxy;
import dev.tandem.test.Tests;
import org.agrona.concurrent.AgentRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.tandem.replication.ReplicationFixture.AWAIT;
import static dev.tandem.replication.ReplicationFixture.SECRET;
import static dev.tandem.replication.ReplicationFixture.assertSameEntries;
import static dev.tandem.replication.ReplicationFixture.openJournal;
import static dev.tandem.replication.ReplicationFixture.sinkContext;
import static dev.tandem.replication.ReplicationFixture.sourceContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code acks}: counting acknowledgements over the standby and a disaster-recovery sink, over real sockets and real
 * journals, the DR link stalled through a {@link FaultyProxy} or its sink stopped. With {@code acks: 2} a position
 * the standby acknowledged waits for the DR sink too, and goes once the DR link flows again; with {@code acks: 1} it
 * does not wait; a DR ack never renews the lease nor counts beyond the standby's; bad values name the key.
 */
@Timeout(120)
class AckCountTest
{
    private static final int STANDBY = 2;
    private static final int DR = 3;

    private final ReplicationFixture fixture = new ReplicationFixture();

    @AfterEach
    void after()
    {
        fixture.close();
        fixture.assertNoAgentErrors();
    }

    private static ReplicationSourceContext sourceWithDr(final String acks)
    {
        // a stalled link must not time out meanwhile, however loaded the machine
        return sourceContext().drSinkNodeIds(List.of(String.valueOf(DR))).acks(acks).heartbeatTimeoutMs(60_000);
    }

    /** A source with the standby attached directly and the DR sink through a proxy, both caught up. */
    private final class Rig
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final Journal standby = fixture.closeLater(openJournal(fixture.newDir("standby")));
        final Journal dr = fixture.closeLater(openJournal(fixture.newDir("dr")));
        final ReplicationSource source;
        final FaultyProxy drProxy;

        Rig(final ReplicationSourceContext context)
        {
            source = fixture.track(new ReplicationSource(context, primary));
            fixture.closeLater(fixture.run(source));
            drProxy = fixture.closeLater(FaultyProxy.start(source.port()));
            fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(source.port()).nodeId(STANDBY), standby)));
            fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(drProxy.port()).nodeId(DR)
                .heartbeatTimeoutMs(60_000), dr)));
            fixture.append(primary, 1, 10, 100);
            Tests.await("both attached and caught up", AWAIT, () -> source.ackedPosition() == primary.lastPosition() &&
                source.drAckedPosition(DR) == primary.lastPosition() &&
                source.countedAckedPosition() == primary.lastPosition());
        }

        /** Stalls the DR link, appends, and waits until the standby (alone) acknowledged it all. */
        long appendWithTheDrLinkStalled()
        {
            drProxy.stall(true);
            fixture.append(primary, 1, 20, 100);
            final long last = primary.lastPosition();
            Tests.await("the standby acked " + last, AWAIT, () -> source.ackedPosition() == last);
            return last;
        }
    }

    @Test
    void shouldHoldAPositionTheStandbyAckedUntilTheStalledDrLinkFlowsAgainWithAcksTwo()
    {
        final Rig rig = new Rig(sourceWithDr("2"));
        assertEquals(2, rig.source.acksRequired());
        final ReleaseGate gate = rig.source.newReleaseGate();
        final long drAckedBefore = rig.source.drAckedPosition(DR);

        final long last = rig.appendWithTheDrLinkStalled();
        final long now = System.nanoTime();
        assertEquals(ReleaseGate.WAIT, gate.check(last, now, now), "the standby's ack alone is not enough");
        assertEquals(ReleaseGate.WAIT, gate.check(drAckedBefore + 1, now, now));
        assertEquals(ReleaseGate.RELEASE, gate.check(drAckedBefore, now, now), "what both hold goes");
        assertEquals(drAckedBefore, rig.source.drAckedPosition(DR), "the stalled DR sink acked nothing meanwhile");
        assertEquals(drAckedBefore, rig.source.countedAckedPosition());
        assertTrue(rig.source.ackProgress().sinkAttached(), "a stalled link is still attached");

        rig.drProxy.stall(false);
        Tests.await("released once the DR sink acked " + last, AWAIT,
            () -> gate.check(last, System.nanoTime(), System.nanoTime()) == ReleaseGate.RELEASE);
        assertEquals(last, rig.source.drAckedPosition(DR));
        assertEquals(last, rig.source.countedAckedPosition());
        assertEquals(0, rig.source.releasedUnacknowledged(), "WaitForever: released acknowledged by both");
        assertEquals(0, rig.source.timeouts());
        assertSameEntries(rig.primary, rig.standby);
        assertSameEntries(rig.primary, rig.dr);
    }

    @Test
    void shouldReleaseOnTheStandbysAckAloneWhileTheDrLinkIsStalledWithAcksOne()
    {
        final Rig rig = new Rig(sourceWithDr("1"));
        assertEquals(1, rig.source.acksRequired());
        final ReleaseGate gate = rig.source.newReleaseGate();
        final long drAckedBefore = rig.source.drAckedPosition(DR);

        final long last = rig.appendWithTheDrLinkStalled();
        final long now = System.nanoTime();
        assertEquals(ReleaseGate.RELEASE, gate.check(last, now, now), "the standby's ack is enough");
        assertEquals(drAckedBefore, rig.source.drAckedPosition(DR), "the stalled DR sink acked nothing meanwhile");
        assertEquals(last, rig.source.countedAckedPosition(), "acks: 1 counts the standby alone");
        assertEquals(0, rig.source.releasedUnacknowledged());

        rig.drProxy.stall(false);
        Tests.await("DR caught up", AWAIT, () -> rig.source.drAckedPosition(DR) == rig.primary.lastPosition());
        assertSameEntries(rig.primary, rig.dr);
    }

    @Test
    void shouldApplyTheStrategysTimeoutToTheCountedPositionWithoutNeedingTheLease()
    {
        // an hour: only the enqueue times the test passes in make it time out
        final Rig rig = new Rig(sourceWithDr(ReplicationSourceContext.ACKS_ALL).ackStrategy(new BoundedWait()
            .timeoutMs(TimeUnit.HOURS.toMillis(1)).onTimeout(BoundedWait.OnTimeout.SEND_ANYWAY)
            .whileSecondaryAway(BoundedWait.WhileSecondaryAway.KEEP_WAITING)));
        assertEquals(2, rig.source.acksRequired(), "all = the standby and the one DR sink");
        final ReleaseGate gate = rig.source.newReleaseGate();

        final long last = rig.appendWithTheDrLinkStalled();
        final long now = System.nanoTime();
        assertEquals(ReleaseGate.WAIT, gate.check(last, now, now), "within the timeout it waits for the DR ack");
        assertEquals(0, rig.source.timeouts());
        assertEquals(ReleaseGate.RELEASE, gate.check(last, now - TimeUnit.HOURS.toNanos(2), now),
            "timed out: SEND_ANYWAY");
        assertEquals(1, rig.source.timeouts(), "the timeout is counted");
        assertEquals(0, rig.source.releasedUnacknowledged(), "the standby held it: nothing went unacknowledged by it");
        assertTrue(rig.source.countedAckedPosition() < last);
        rig.drProxy.stall(false);
        Tests.await("DR caught up", AWAIT, () -> rig.source.countedAckedPosition() == last);
    }

    @Test
    void shouldNeverRenewTheLeaseNorCountBeyondTheStandbyOnDrAcks()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceWithDr("2"), primary));
        fixture.closeLater(fixture.run(source));
        final Journal dr = fixture.closeLater(openJournal(fixture.newDir("dr")));
        fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(source.port()).nodeId(DR), dr)));
        final ReleaseGate gate = source.newReleaseGate();
        fixture.append(primary, 1, 30, 100);
        final long last = primary.lastPosition();

        // no standby: the DR link is sent everything and acks it all
        Tests.await("DR acked " + last, AWAIT, () -> source.drAckedPosition(DR) == last);
        final long now = System.nanoTime();
        assertEquals(ReleaseGate.WAIT, gate.check(1, now, now), "the standby holds nothing: nothing counts");
        assertEquals(0, source.countedAckedPosition());
        assertFalse(source.ackProgress().sinkAttached(), "the standby is not attached");
        assertFalse(source.everLeased(), "a DR ack never grants a lease");
        assertEquals(0, source.leaseRenewals());

        final Journal standby = fixture.closeLater(openJournal(fixture.newDir("standby")));
        fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(source.port()).nodeId(STANDBY), standby)));
        Tests.await("released once the standby acked " + last, AWAIT,
            () -> gate.check(last, System.nanoTime(), System.nanoTime()) == ReleaseGate.RELEASE);
        assertTrue(source.everLeased(), "the standby grants the lease");
        Tests.await("both counted as attached", AWAIT, () -> source.ackProgress().sinkAttached());
        assertSameEntries(primary, standby);
    }

    @Test
    void shouldHoldWhileTheDrSinkIsDetachedWithAcksAllAndReleaseWhenItReturns()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final ReplicationSource source = fixture.track(new ReplicationSource(
            sourceWithDr(ReplicationSourceContext.ACKS_ALL), primary));
        fixture.closeLater(fixture.run(source));
        final Journal standby = fixture.closeLater(openJournal(fixture.newDir("standby")));
        final Journal dr = fixture.closeLater(openJournal(fixture.newDir("dr")));
        fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(source.port()).nodeId(STANDBY), standby)));
        final AgentRunner drRunner = fixture.closeLater(fixture.run(
            new ReplicationSink(sinkContext(source.port()).nodeId(DR), dr)));
        final ReleaseGate gate = source.newReleaseGate();
        fixture.append(primary, 1, 10, 100);
        final long before = primary.lastPosition();
        Tests.await("both caught up", AWAIT, () -> source.countedAckedPosition() == before);

        drRunner.close();
        Tests.await("DR detached: fewer than acks sinks attached", AWAIT,
            () -> !source.drSinkAttached(DR) && !source.ackProgress().sinkAttached());
        fixture.append(primary, 1, 10, 100);
        final long last = primary.lastPosition();
        Tests.await("the standby acked " + last, AWAIT, () -> source.ackedPosition() == last);
        final long now = System.nanoTime();
        assertEquals(ReleaseGate.WAIT, gate.check(last, now, now), "a detached sink acknowledged nothing new");
        assertEquals(before, source.countedAckedPosition());

        fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(source.port()).nodeId(DR), dr)));
        Tests.await("released once the DR sink is back and acked " + last, AWAIT,
            () -> gate.check(last, System.nanoTime(), System.nanoTime()) == ReleaseGate.RELEASE);
        assertEquals(2, source.drSinkSessions(DR));
        assertSameEntries(primary, dr);
    }

    @Test
    void shouldNameTheKeyAndValueOfABadAcks()
    {
        assertBadAcks("drSinkNodeIds: [ 3 ]\nacks: 0",
            "acks: 0 is out of range; use 1 to 2 (the standby and the 1 sink in drSinkNodeIds) or all");
        assertBadAcks("drSinkNodeIds: [ 3 ]\nacks: 3",
            "acks: 3 is out of range; use 1 to 2 (the standby and the 1 sink in drSinkNodeIds) or all");
        assertBadAcks("drSinkNodeIds: [ 3 ]\nacks: many",
            "acks: 'many' is not a number of sinks; use 1 to 2 (the standby and the 1 sink in drSinkNodeIds) or all");
        assertBadAcks("acks: 2", "acks: 2 is out of range; use 1 (the standby alone: drSinkNodeIds is empty) or all");
        assertBadAcks("drSinkNodeIds: [ 3, 4 ]\nacks: -1",
            "acks: -1 is out of range; use 1 to 3 (the standby and the 2 sinks in drSinkNodeIds) or all");
        assertBadAcks("acks: ''", "acks: missing; use 1 (the standby alone: drSinkNodeIds is empty) or all");

        assertEquals(1, concluded("clusterName: c").acksRequired(), "default: the standby alone");
        assertEquals(2, concluded("clusterName: c\ndrSinkNodeIds: [ 3 ]\nacks: all").acksRequired());
        assertEquals(3, concluded("clusterName: c\ndrSinkNodeIds: [ 3, 4 ]\nacks: ALL").acksRequired());
        assertEquals(1, concluded("clusterName: c\nacks: all").acksRequired(), "all of one sink");
        assertEquals(2, concluded("clusterName: c\ndrSinkNodeIds: [ 3, 4 ]\nacks: 2").acksRequired());
        assertFalse(concluded("clusterName: c").toString().contains("acks"), "absent unless set");
        assertTrue(concluded("clusterName: c\ndrSinkNodeIds: [ 3 ]\nacks: all").toString().contains("acks=all"));
    }

    @Test
    void shouldCountTheNthHighestWithTiesApiece()
    {
        assertEquals(9, AckCounter.nthHighest(new long[] { 5, 3, 9, 3 }, 1));
        assertEquals(5, AckCounter.nthHighest(new long[] { 5, 3, 9, 3 }, 2));
        assertEquals(3, AckCounter.nthHighest(new long[] { 5, 3, 9, 3 }, 3));
        assertEquals(3, AckCounter.nthHighest(new long[] { 5, 3, 9, 3 }, 4));
        assertEquals(7, AckCounter.nthHighest(new long[] { 7, 7 }, 2));
        assertEquals(4, AckCounter.nthHighest(new long[] { 4 }, 1));
        assertThrows(IllegalArgumentException.class, () -> AckCounter.nthHighest(new long[] { 4 }, 2));
        assertThrows(IllegalArgumentException.class, () -> AckCounter.nthHighest(new long[] { 4 }, 0));
    }

    private static ReplicationSourceContext concluded(final String yaml)
    {
        return ReplicationSourceContext.fromYaml(yaml).secret(SECRET).conclude();
    }

    private static void assertBadAcks(final String yaml, final String expected)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> concluded("clusterName: c\n" + yaml));
        assertEquals(expected, ex.getMessage());
    }
}
