package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.test.FaultyProxy;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static dev.tandem.replication.ReplicationFixture.AWAIT;
import static dev.tandem.replication.ReplicationFixture.awaitCaughtUp;
import static dev.tandem.replication.ReplicationFixture.openJournal;
import static dev.tandem.replication.ReplicationFixture.sinkContext;
import static dev.tandem.replication.ReplicationFixture.sourceContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lease the secondary grants and the loss window, over real sockets and real journals. Where timing matters the
 * agents are stepped by hand with a clock the test moves, so a pause is simulated exactly: time jumps and nothing
 * else happens.
 */
class LeaseTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LEASE_MS = 250;
    private static final long MARGIN_MS = 50;

    private final ReplicationFixture fixture = new ReplicationFixture();
    private long nowNs = 1_000_000 * MS;

    @AfterEach
    void after()
    {
        fixture.close();
        fixture.assertNoAgentErrors();
    }

    private AckStrategy strategy(final String name)
    {
        return "NeverTimesOut".equals(name) ? new NeverTimesOut() :
            new BoundedWait().timeoutMs(5).whileSecondaryAway(BoundedWait.WhileSecondaryAway.RELEASE_IMMEDIATELY);
    }

    @ParameterizedTest
    @ValueSource(strings = { "NeverTimesOut", "BoundedWait" })
    void shouldReleaseUnackedOnlyWhileTheLeaseHoldsAndResumeWhenRenewed(final String name)
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        final ReplicationSource source = fixture.closeLater(fixture.track(new ReplicationSource(
            sourceContext().ackStrategy(strategy(name)).nanoClock(() -> nowNs), primary)));
        final ReplicationSink sink = fixture.closeLater(new ReplicationSink(sinkContext(source.port())
            .nanoClock(() -> nowNs).leaseMs(LEASE_MS).leaseMarginMs(MARGIN_MS), replica));
        final ReleaseGate gate = source.newReleaseGate();
        assertFalse(source.leaseValid(nowNs), "no lease before any secondary granted one");
        fixture.append(primary, 1, 1, 100);
        assertEquals(ReleaseGate.RELEASE, gate.check(1, nowNs - 100 * MS, nowNs),
            "no secondary has ever granted a lease: nothing to lose, released unprotected");
        assertEquals(1, source.releasedUnprotected());
        assertFalse(source.everLeased());

        final Runnable both = () ->
        {
            nowNs += MS;
            source.doWork();
            sink.doWork();
        };
        stepUntil("lease granted and position 1 acked", both,
            () -> source.leaseValid(nowNs) && source.ackedPosition() == 1);
        assertEquals(ReleaseGate.RELEASE, gate.check(1, nowNs, nowNs));
        assertTrue(source.everLeased());

        // the secondary falls silent (the test stops stepping its sink): unacked messages go while the lease holds
        fixture.append(primary, 1, 1, 100);
        source.doWork();
        assertEquals(ReleaseGate.RELEASE, gate.check(2, nowNs - 100 * MS, nowNs), "released on a valid lease");
        final long expiryNs = nowNs + source.leaseRemainingNs(nowNs);
        assertTrue(expiryNs - nowNs <= LEASE_MS * MS, "the lease never runs longer than granted");

        // a pause: the clock jumps past the expiry and nothing else runs; the caller's own time is stale
        final long staleNowNs = nowNs;
        final long holdsBefore = source.leaseHolds();
        nowNs = expiryNs;
        fixture.append(primary, 1, 1, 100);
        assertEquals(ReleaseGate.WAIT, gate.check(3, staleNowNs - 100 * MS, staleNowNs),
            "a woken primary releases nothing once its lease has expired");
        assertFalse(gate.mayWriteReleased(),
            "position 2, released before the pause but not yet written, is not written after it either");
        assertEquals(holdsBefore + 1, source.leaseHolds());
        assertTrue(source.holdingForLease());
        nowNs += 10_000 * MS;
        assertEquals(ReleaseGate.WAIT, gate.check(3, staleNowNs, nowNs));
        assertEquals(holdsBefore + 1, source.leaseHolds(), "one episode, counted once");
        assertEquals(ReleaseGate.RELEASE, gate.check(1, staleNowNs, nowNs), "acknowledged positions always go");

        // the secondary speaks again: the lease is renewed (and position 3 acked)
        final long renewals = source.leaseRenewals();
        stepUntil("lease renewed", both, () -> source.leaseValid(nowNs) && source.leaseRenewals() > renewals);
        assertEquals(ReleaseGate.RELEASE, gate.check(3, staleNowNs, nowNs));
        assertTrue(gate.mayWriteReleased());
        assertFalse(source.holdingForLease());
        fixture.append(primary, 1, 1, 100);
        assertEquals(ReleaseGate.RELEASE, gate.check(4, nowNs - 100 * MS, nowNs), "unacked again on the new lease");
        assertTrue(source.ackedPosition() < 4);
    }

    @Test
    void shouldLetTheSecondaryActivateOnlyAfterLeaseAndMarginSinceItLastHeardTheSource()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        final long startNs = nowNs;
        final ReplicationSource source = fixture.closeLater(fixture.track(new ReplicationSource(
            sourceContext().ackStrategy(new NeverTimesOut()).nanoClock(() -> nowNs), primary)));
        final ReplicationSink sink = fixture.closeLater(new ReplicationSink(sinkContext(source.port())
            .nanoClock(() -> nowNs).leaseMs(LEASE_MS).leaseMarginMs(MARGIN_MS), replica));
        assertEquals(startNs + (LEASE_MS + MARGIN_MS) * MS, sink.earliestActivationNs(),
            "a sink just started counts its start as the last contact");

        stepUntil("streaming", () ->
        {
            nowNs += MS;
            source.doWork();
            sink.doWork();
        }, () -> source.leaseValid(nowNs));
        final long lastHeardNs = sink.lastReceivedNs();
        assertEquals(lastHeardNs + (LEASE_MS + MARGIN_MS) * MS, sink.earliestActivationNs());
        // the primary's lease ends no later than the secondary may activate, minus the margin
        assertTrue(nowNs + source.leaseRemainingNs(nowNs) <= sink.earliestActivationNs() - MARGIN_MS * MS);
    }

    @Test
    void shouldHoldAtTheLossWindowWhileTheLinkIsStalledAndResumeWhenAcksReturn()
    {
        final int window = 100;
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceContext()
            .ackStrategy(new NeverTimesOut()).maxUnackedEntries(window), primary));
        fixture.closeLater(fixture.run(source));
        final FaultyProxy proxy = fixture.closeLater(FaultyProxy.start(source.port()));
        final Path replicaDir = fixture.newDir("replica");
        final Journal replica = fixture.closeLater(openJournal(replicaDir));
        // a long lease: this test is about the window, not the lease
        final ReplicationSink sink = new ReplicationSink(sinkContext(proxy.port()).heartbeatTimeoutMs(60_000)
            .leaseMs(60_000), replica);
        fixture.closeLater(fixture.run(sink));
        final ReleaseGate gate = source.newReleaseGate();

        fixture.append(primary, 1, 50, 100);
        awaitCaughtUp(source, primary);
        Tests.await("lease", AWAIT, () -> source.leaseValid(System.nanoTime()));
        assertEquals(window, sink.lossBoundEntries(), "the secondary knows the bound");
        assertEquals(window, source.lossBoundEntries());

        proxy.stall(true);
        final long acked = source.ackedPosition();
        fixture.append(primary, 1, 3 * window, 100);
        final long last = primary.lastPosition();
        long released = acked;
        for (long p = acked + 1; p <= last; p++)
        {
            final long now = System.nanoTime();
            if (gate.check(p, now, now) != ReleaseGate.RELEASE)
            {
                break;
            }
            released = p;
        }
        assertEquals(acked, source.ackedPosition(), "the link is stalled: no ack arrived");
        assertEquals(acked + window, released, "released exactly up to the window");
        assertTrue(source.holdingForLossWindow());
        assertEquals(1, source.lossWindowHolds());

        proxy.stall(false);
        final long[] next = { released + 1 };
        Tests.await("everything released", AWAIT, () ->
        {
            final long now = System.nanoTime();
            while (next[0] <= last && gate.check(next[0], now, now) == ReleaseGate.RELEASE)
            {
                next[0]++;
            }
            return next[0] > last;
        });
        assertFalse(source.holdingForLossWindow());
        awaitCaughtUp(source, primary);
    }

    @Test
    void shouldSwitchBetweenHoldAndReleaseUnprotectedAtRunTime()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        final ReplicationSource source = fixture.closeLater(fixture.track(new ReplicationSource(
            sourceContext().ackStrategy(new NeverTimesOut()).nanoClock(() -> nowNs), primary)));
        final ReplicationSink sink = fixture.closeLater(new ReplicationSink(sinkContext(source.port())
            .nanoClock(() -> nowNs).leaseMs(LEASE_MS), replica));
        final ReleaseGate gate = source.newReleaseGate();
        assertEquals(WhenLeaseExpired.HOLD, source.whenLeaseExpired());
        stepUntil("lease", () ->
        {
            nowNs += MS;
            source.doWork();
            sink.doWork();
        }, () -> source.leaseValid(nowNs));

        // the secondary dies: nothing renews the lease
        nowNs += (LEASE_MS + 1) * MS;
        fixture.append(primary, 1, 3, 100);
        assertEquals(ReleaseGate.WAIT, gate.check(1, nowNs, nowNs), "HOLD by default");
        source.whenLeaseExpired(WhenLeaseExpired.RELEASE_UNPROTECTED);
        assertEquals(ReleaseGate.RELEASE, gate.check(1, nowNs, nowNs));
        assertEquals(ReleaseGate.RELEASE, gate.check(2, nowNs, nowNs));
        assertEquals(2, source.releasedUnprotected());
        source.whenLeaseExpired(WhenLeaseExpired.HOLD);
        assertEquals(ReleaseGate.WAIT, gate.check(3, nowNs, nowNs));
        assertEquals(2, source.releasedUnprotected());

        final ReplicationSourceContext fromYaml = ReplicationSourceContext.fromYaml(
            "clusterName: c\nsecretEnv: X\nwhenLeaseExpired: RELEASE_UNPROTECTED\nmaxUnackedEntries: 42\n");
        assertEquals(WhenLeaseExpired.RELEASE_UNPROTECTED, fromYaml.whenLeaseExpired());
        assertEquals(42, fromYaml.maxUnackedEntries());
    }

    @Test
    void shouldAnswerAProbeWithoutStreamingToItOrCountingItOrDetachingTheSink() throws Exception
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceContext().epoch(3)
            .ackStrategy(new WaitForever()), primary));
        fixture.closeLater(fixture.run(source));
        final FaultyProxy proxy = fixture.closeLater(FaultyProxy.start(source.port()));
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        final ReplicationSink sink = new ReplicationSink(sinkContext(proxy.port()).epoch(3)
            .heartbeatTimeoutMs(60_000), replica);
        fixture.closeLater(fixture.run(sink));
        final ReleaseGate gate = source.newReleaseGate();
        fixture.append(primary, 1, 10, 100);
        awaitCaughtUp(source, primary);
        final long sessions = source.sinkSessions();

        // the real secondary's link stalls; a probe at the same epoch knocks on the source meanwhile
        proxy.stall(true);
        fixture.append(primary, 1, 10, 100);
        final Path probeDir = fixture.newDir("probe");
        final Journal scratch = fixture.closeLater(openJournal(probeDir));
        final ReplicationSink probe = new ReplicationSink(sinkContext(source.port()).epoch(3).nodeId(2).probe(true)
            .reconnectBackoffMaxMs(20), scratch);
        final org.agrona.concurrent.AgentRunner probeRunner = fixture.closeLater(fixture.run(probe));
        Tests.await("probed twice", AWAIT, () -> source.probes() >= 2);
        assertEquals(3, probe.sourceEpoch(), "the probe learned the source's epoch");
        assertEquals(0, probe.sessions(), "never welcomed");
        assertEquals(0, scratch.lastPosition(), "never streamed to");
        assertTrue(source.sinkAttached(), "the real sink stays attached");
        assertEquals(sessions, source.sinkSessions());
        assertEquals(10, source.ackedPosition(), "no ack from the probe counts");
        for (long p = 11; p <= 20; p++)
        {
            assertEquals(ReleaseGate.WAIT, gate.check(p, System.nanoTime(), System.nanoTime()), "position " + p);
        }
        probeRunner.close();

        // a probe that has seen a higher epoch fences the source, as before
        final ReplicationSink higher = new ReplicationSink(sinkContext(source.port()).epoch(4).probe(true)
            .reconnectBackoffMaxMs(20), scratch);
        final org.agrona.concurrent.AgentRunner higherRunner = fixture.closeLater(fixture.run(higher));
        Tests.await("source learns epoch 4", AWAIT, () -> source.highestPeerEpoch() == 4);
        higherRunner.close();
        assertTrue(source.sinkAttached(), "the real sink stays attached");

        proxy.stall(false);
        awaitCaughtUp(source, primary);
        assertEquals(ReleaseGate.RELEASE, gate.check(20, System.nanoTime(), System.nanoTime()));
        assertEquals(sessions, source.sinkSessions());
    }

    @Test
    void shouldPersistTheAnnouncedLossBoundAcrossRestarts()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceContext()
            .ackStrategy(new NeverTimesOut()).maxUnackedEntries(777), primary));
        final org.agrona.concurrent.AgentRunner sourceRunner = fixture.run(source);
        final Path replicaDir = fixture.newDir("replica");
        Journal replica = openJournal(replicaDir);
        ReplicationSink sink = new ReplicationSink(sinkContext(source.port()), replica);
        assertEquals(0, sink.lossBoundEntries(), "nothing announced yet");
        org.agrona.concurrent.AgentRunner sinkRunner = fixture.run(sink);
        fixture.append(primary, 1, 5, 100);
        awaitCaughtUp(source, primary);
        assertEquals(777, sink.lossBoundEntries());
        sinkRunner.close();
        replica.close();
        sourceRunner.close();
        assertTrue(Files.exists(replicaDir.resolve(LossBoundFile.FILE_NAME)));

        replica = fixture.closeLater(openJournal(replicaDir));
        sink = new ReplicationSink(sinkContext(source.port()), replica);
        assertEquals(777, sink.lossBoundEntries(), "read back after a restart, before any connection");

        // a WaitForever primary announces 0
        final Journal primary2 = fixture.closeLater(openJournal(fixture.newDir("primary2")));
        fixture.append(primary2, 1, 5, 100);
        final ReplicationSource waitForever = fixture.track(new ReplicationSource(sourceContext()
            .ackStrategy(new WaitForever()), primary2));
        fixture.closeLater(fixture.run(waitForever));
        final Journal replica2 = fixture.closeLater(openJournal(fixture.newDir("replica2")));
        final ReplicationSink sink2 = new ReplicationSink(sinkContext(waitForever.port()), replica2);
        fixture.closeLater(fixture.run(sink2));
        awaitCaughtUp(waitForever, primary2);
        assertEquals(0, waitForever.lossBoundEntries());
        assertEquals(0, sink2.lossBoundEntries());
    }

    @ParameterizedTest
    @ValueSource(strings = { "NeverTimesOut", "BoundedWait" })
    void shouldKeepReleasingWhileASecondaryCatchesUpABacklogLongerThanTheLossWindow(final String name)
    {
        final long window = 100;
        final int backlog = 2_000;
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        // a day of trading the secondary has not seen yet (it was restarted, or is new): twenty windows of it
        fixture.append(primary, 1, backlog, 1_000);
        final ReplicationSource source = fixture.closeLater(fixture.track(new ReplicationSource(
            sourceContext().ackStrategy(strategy(name)).maxUnackedEntries(window).nanoClock(() -> nowNs), primary)));
        final ReplicationSink sink = fixture.closeLater(new ReplicationSink(sinkContext(source.port())
            .nanoClock(() -> nowNs).leaseMs(LEASE_MS).leaseMarginMs(MARGIN_MS), replica));
        final ReleaseGate gate = source.newReleaseGate();
        final Runnable both = () ->
        {
            nowNs += MS;
            source.doWork();
            sink.doWork();
        };
        stepUntil("lease granted", both, () -> source.leaseValid(nowNs) && source.ackedPosition() > 0);
        assertTrue(source.ackedPosition() < backlog - window, "still catching up: acked " + source.ackedPosition());
        assertFalse(sink.heldCatchUpTarget(), "the sink knows it may not activate by itself yet");
        assertEquals(backlog, sink.catchUpTargetPosition());

        // trading goes on during the catch-up: a new message is released on the lease, not held for the backlog
        fixture.append(primary, 1, 1, 100);
        assertEquals(ReleaseGate.RELEASE, gate.check(backlog + 1, nowNs - 100 * MS, nowNs),
            "released while the secondary catches up (acked " + source.ackedPosition() + ")");
        // but never more than the window beyond the catch-up target, which the sink must hold before it may activate
        fixture.append(primary, 1, (int)window, 100);
        assertEquals(ReleaseGate.WAIT, gate.check(backlog + window + 1, nowNs - 100 * MS, nowNs),
            "the loss window counts from the catch-up target");
        assertTrue(source.ackedPosition() < backlog, "still catching up: acked " + source.ackedPosition());

        stepUntil("caught up", both, () -> source.ackedPosition() >= backlog + window + 1);
        assertTrue(sink.heldCatchUpTarget());
        assertEquals(ReleaseGate.RELEASE, gate.check(backlog + window + 1, nowNs, nowNs));
    }

    private static void stepUntil(final String what, final Runnable step, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not reached: " + what);
            }
            step.run();
            Thread.onSpinWait();
        }
    }
}
