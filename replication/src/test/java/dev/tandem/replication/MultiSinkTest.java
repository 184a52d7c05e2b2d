package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.test.FaultyProxy;
import dev.tandem.test.Ports;
import dev.tandem.test.Tests;
import org.agrona.concurrent.AgentRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static dev.tandem.replication.ReplicationFixture.AWAIT;
import static dev.tandem.replication.ReplicationFixture.assertSameEntries;
import static dev.tandem.replication.ReplicationFixture.awaitCaughtUp;
import static dev.tandem.replication.ReplicationFixture.openJournal;
import static dev.tandem.replication.ReplicationFixture.sinkContext;
import static dev.tandem.replication.ReplicationFixture.sourceContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A source with a standby sink and a disaster-recovery sink (drSinkNodeIds), over real sockets and journals: both are
 * streamed the same entries, only the standby's acknowledgements open the gate, and a DR sink given the standby's
 * address as an alternate follows it when it becomes the source at a higher epoch.
 */
@Timeout(120)
class MultiSinkTest
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

    private static ReplicationSourceContext sourceWithDr()
    {
        return sourceContext().drSinkNodeIds(List.of(String.valueOf(DR)));
    }

    @Test
    void shouldStreamTheSameEntriesToTheStandbyAndTheDrSinkAtOnce()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        fixture.append(primary, 1, 50, 120);  // a catch-up for both
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceWithDr(), primary));
        fixture.closeLater(fixture.run(source));
        final Journal standby = fixture.closeLater(openJournal(fixture.newDir("standby")));
        final Journal dr = fixture.closeLater(openJournal(fixture.newDir("dr")));
        fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(source.port()).nodeId(STANDBY), standby)));
        fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(source.port()).nodeId(DR), dr)));

        fixture.append(primary, 1, 500, 120);
        awaitCaughtUp(source, primary);
        Tests.await("DR acked " + primary.lastPosition(), AWAIT,
            () -> source.drAckedPosition(DR) == primary.lastPosition());

        assertTrue(source.sinkAttached());
        assertTrue(source.drSinkAttached(DR));
        assertEquals(1, source.sinkSessions(), "the DR sink never superseded the standby");
        assertEquals(1, source.drSinkSessions(DR), "nor the standby the DR sink");
        assertEquals(STANDBY, source.sinkNodeId());
        assertEquals(-1, source.drAckedPosition(STANDBY), "the standby is not a DR sink");
        assertSameEntries(primary, standby);
        assertSameEntries(primary, dr);
    }

    @Test
    void shouldReleaseOnTheStandbysAcksWhileTheDrSinkIsStalled()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        // a stalled link must not time out meanwhile, however loaded the machine
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceWithDr().heartbeatTimeoutMs(60_000),
            primary));
        fixture.closeLater(fixture.run(source));
        final FaultyProxy drProxy = fixture.closeLater(FaultyProxy.start(source.port()));
        final Journal standby = fixture.closeLater(openJournal(fixture.newDir("standby")));
        final Journal dr = fixture.closeLater(openJournal(fixture.newDir("dr")));
        fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(source.port()).nodeId(STANDBY), standby)));
        fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(drProxy.port()).nodeId(DR)
            .heartbeatTimeoutMs(60_000), dr)));
        fixture.append(primary, 1, 10, 100);
        Tests.await("both attached and caught up", AWAIT, () -> source.ackedPosition() == primary.lastPosition() &&
            source.drAckedPosition(DR) == primary.lastPosition());
        final ReleaseGate gate = source.newReleaseGate();

        drProxy.stall(true);
        final long drAckedBefore = source.drAckedPosition(DR);
        fixture.append(primary, 1, 200, 100);
        final long last = primary.lastPosition();
        Tests.await("released on the standby's ack alone", AWAIT,
            () -> gate.check(last, System.nanoTime(), System.nanoTime()) == ReleaseGate.RELEASE);
        assertEquals(drAckedBefore, source.drAckedPosition(DR), "the stalled DR sink acked nothing meanwhile");
        assertTrue(source.drSinkAttached(DR));
        assertEquals(0, source.releasedUnacknowledged(), "WaitForever: released acknowledged (by the standby)");

        drProxy.stall(false);
        Tests.await("DR caught up", AWAIT, () -> source.drAckedPosition(DR) == primary.lastPosition());
        assertSameEntries(primary, standby);
        assertSameEntries(primary, dr);
    }

    @Test
    void shouldHoldAsWithOneSinkWhenTheStandbyIsGoneAndOnlyTheDrSinkAcks()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceWithDr(), primary));
        fixture.closeLater(fixture.run(source));
        final Journal standby = fixture.closeLater(openJournal(fixture.newDir("standby")));
        final Journal dr = fixture.closeLater(openJournal(fixture.newDir("dr")));
        final AgentRunner standbyRunner = fixture.closeLater(fixture.run(
            new ReplicationSink(sinkContext(source.port()).nodeId(STANDBY), standby)));
        fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(source.port()).nodeId(DR), dr)));
        final ReleaseGate gate = source.newReleaseGate();
        fixture.append(primary, 1, 10, 100);
        awaitCaughtUp(source, primary);

        standbyRunner.close();
        Tests.await("standby detached", AWAIT, () -> !source.sinkAttached());
        fixture.append(primary, 1, 20, 100);
        final long last = primary.lastPosition();
        Tests.await("DR acked " + last, AWAIT, () -> source.drAckedPosition(DR) == last);
        final long now = System.nanoTime();
        assertEquals(ReleaseGate.WAIT, gate.check(last - 19, now, now), "a DR ack never releases");
        assertTrue(source.ackedPosition() < last - 19);
        assertEquals(ReleaseGate.RELEASE, gate.check(last - 20, now, now));
    }

    @Test
    void shouldNeverSendTheDrSinkMoreThanTheAttachedStandbyAcknowledged()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        // a stalled standby must not time out meanwhile (the DR link would then be sent everything)
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceWithDr()
            .ackStrategy(new NeverTimesOut()).heartbeatTimeoutMs(60_000), primary));
        fixture.closeLater(fixture.run(source));
        final FaultyProxy standbyProxy = fixture.closeLater(FaultyProxy.start(source.port()));
        final Journal standby = fixture.closeLater(openJournal(fixture.newDir("standby")));
        final Journal dr = fixture.closeLater(openJournal(fixture.newDir("dr")));
        final AgentRunner standbyRunner = fixture.closeLater(fixture.run(new ReplicationSink(
            sinkContext(standbyProxy.port()).nodeId(STANDBY).heartbeatTimeoutMs(60_000), standby)));
        final ReplicationSink drSink = new ReplicationSink(sinkContext(source.port()).nodeId(DR), dr);
        fixture.closeLater(fixture.run(drSink));
        fixture.append(primary, 1, 10, 100);
        Tests.await("both caught up", AWAIT, () -> source.ackedPosition() == primary.lastPosition() &&
            source.drAckedPosition(DR) == primary.lastPosition());

        standbyProxy.stall(true);
        final long standbyAcked = source.ackedPosition();
        fixture.append(primary, 1, 100, 100);
        final long last = primary.lastPosition();
        // a heartbeat on the DR link tells the DR sink where the journal ends: frames are in order, so once it knows,
        // everything sent before that heartbeat has arrived, and it is nothing the standby lacks
        Tests.await("the DR sink heard that the source is at " + last, AWAIT,
            () -> drSink.lagEntries() == last - standbyAcked);
        assertEquals(standbyAcked, dr.lastPosition(), "never ahead of the standby's acks");
        assertEquals(standbyAcked, source.drSentPosition(DR));
        assertEquals(1, source.drSinkSessions(DR));

        standbyProxy.stall(false);
        Tests.await("both caught up again", AWAIT, () -> source.ackedPosition() == last &&
            source.drAckedPosition(DR) == last);

        // with no standby attached, the DR copy is sent everything: it is then the only copy
        standbyRunner.close();
        Tests.await("standby detached", AWAIT, () -> !source.sinkAttached());
        fixture.append(primary, 1, 50, 100);
        Tests.await("DR caught up alone", AWAIT, () -> source.drAckedPosition(DR) == primary.lastPosition());
        assertSameEntries(primary, dr);
    }

    @Test
    void shouldSupersedeOnlyTheSameDrNodesLink()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceWithDr(), primary));
        fixture.closeLater(fixture.run(source));
        final Journal standby = fixture.closeLater(openJournal(fixture.newDir("standby")));
        fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(source.port()).nodeId(STANDBY), standby)));
        final Journal dr = fixture.closeLater(openJournal(fixture.newDir("dr")));
        final AgentRunner first = fixture.closeLater(fixture.run(
            new ReplicationSink(sinkContext(source.port()).nodeId(DR), dr)));
        fixture.append(primary, 1, 10, 100);
        Tests.await("DR attached", AWAIT, () -> source.drAckedPosition(DR) == primary.lastPosition());
        first.close();
        final Journal drAgain = fixture.closeLater(openJournal(fixture.newDir("dr-again")));
        fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(source.port()).nodeId(DR), drAgain)));
        fixture.append(primary, 1, 10, 100);
        Tests.await("the new DR link caught up", AWAIT, () -> source.drSinkSessions(DR) == 2 &&
            source.drAckedPosition(DR) == primary.lastPosition());
        awaitCaughtUp(source, primary);
        assertEquals(1, source.sinkSessions(), "the standby's link was never touched");
        assertSameEntries(primary, drAgain);
    }

    @Test
    void shouldFollowTheStandbyWhenItBecomesTheSourceAtAHigherEpoch()
    {
        final int[] ports = Ports.fixed(2);
        final Journal primary = openJournal(fixture.newDir("primary"));
        final ReplicationSource old = new ReplicationSource(sourceWithDr().listen("127.0.0.1:" + ports[0]).epoch(1),
            primary);
        final AgentRunner oldRunner = fixture.run(old);
        final Journal standby = fixture.closeLater(openJournal(fixture.newDir("standby")));
        final Journal dr = fixture.closeLater(openJournal(fixture.newDir("dr")));
        final AgentRunner standbyRunner = fixture.run(new ReplicationSink(sinkContext(ports[0]).nodeId(STANDBY)
            .epoch(1), standby));
        final ReplicationSink drSink = new ReplicationSink(sinkContext(ports[0]).nodeId(DR).epoch(1)
            .alternateSources(List.of("127.0.0.1:" + ports[1])), dr);
        fixture.closeLater(fixture.run(drSink));
        fixture.append(primary, 1, 300, 100);
        Tests.await("both caught up", AWAIT, () -> old.ackedPosition() == primary.lastPosition() &&
            old.drAckedPosition(DR) == primary.lastPosition());

        // the primary dies; the standby stops following and becomes the source at the next epoch
        oldRunner.close();
        primary.close();
        standbyRunner.close();
        final ReplicationSource promoted = fixture.track(new ReplicationSource(sourceWithDr().nodeId(STANDBY)
            .listen("127.0.0.1:" + ports[1]).epoch(2), standby));
        fixture.closeLater(fixture.run(promoted));
        fixture.append(standby, 1, 200, 100);

        Tests.await("the DR sink follows the new source", AWAIT,
            () -> promoted.drAckedPosition(DR) == standby.lastPosition());
        assertEquals(2, drSink.sourceEpoch());
        assertEquals(2, drSink.epoch(), "adopted the new source's epoch: the old one is refused from now on");
        assertEquals(STANDBY, drSink.sourceNodeId());
        assertEquals("127.0.0.1:" + ports[1], drSink.currentSource());
        assertSameEntries(standby, dr);
        assertEquals(500, dr.lastPosition());
    }

    @Test
    void shouldRefuseASwitchoverRequestFromADrSinkAndLeaveTheStandbyAlone()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceWithDr(), primary));
        fixture.closeLater(fixture.run(source));
        final Journal standby = fixture.closeLater(openJournal(fixture.newDir("standby")));
        fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(source.port()).nodeId(STANDBY), standby)));
        final Journal dr = fixture.closeLater(openJournal(fixture.newDir("dr")));
        final ReplicationSink drSink = new ReplicationSink(sinkContext(source.port()).nodeId(DR), dr);
        fixture.closeLater(fixture.run(drSink));
        fixture.append(primary, 1, 10, 100);
        Tests.await("both caught up", AWAIT, () -> source.ackedPosition() == primary.lastPosition() &&
            source.drAckedPosition(DR) == primary.lastPosition());

        drSink.requestSwitchover(1000);
        Tests.await("the DR sink is closed for it", AWAIT, () -> drSink.lastCloseReason() == CloseReason.PROTOCOL_ERROR);
        assertEquals(0, source.switchoverRequests(), "never counted as a request");
        assertTrue(source.sinkAttached());
        assertEquals(1, source.sinkSessions());
    }

    @Test
    void shouldRejectBadDrSinkNodeIdsAndAlternateSources()
    {
        final IllegalArgumentException notNumber = assertThrows(IllegalArgumentException.class,
            () -> sourceContext().drSinkNodeIds(List.of("three")).conclude());
        assertTrue(notNumber.getMessage().startsWith("drSinkNodeIds[0]: 'three'"), notNumber.getMessage());
        final IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
            () -> sourceContext().drSinkNodeIds(List.of("3", "3")).conclude());
        assertTrue(twice.getMessage().startsWith("drSinkNodeIds[1]: 3"), twice.getMessage());
        final IllegalArgumentException own = assertThrows(IllegalArgumentException.class,
            () -> sourceContext().drSinkNodeIds(List.of("1")).conclude());
        assertTrue(own.getMessage().contains("own"), own.getMessage());
        final IllegalArgumentException badAddress = assertThrows(IllegalArgumentException.class,
            () -> sinkContext(1).alternateSources(List.of("nowhere")).conclude());
        assertTrue(badAddress.getMessage().startsWith("alternateSources[0]"), badAddress.getMessage());
        assertFalse(sourceContext().conclude().toString().contains("drSinkNodeIds"), "absent unless set");
    }
}
