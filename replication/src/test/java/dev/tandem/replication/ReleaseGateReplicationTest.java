package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.test.FaultyProxy;
import dev.tandem.test.Tests;
import org.agrona.concurrent.AgentRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static dev.tandem.replication.ReplicationFixture.AWAIT;
import static dev.tandem.replication.ReplicationFixture.assertSameEntries;
import static dev.tandem.replication.ReplicationFixture.awaitCaughtUp;
import static dev.tandem.replication.ReplicationFixture.openJournal;
import static dev.tandem.replication.ReplicationFixture.sinkContext;
import static dev.tandem.replication.ReplicationFixture.sourceContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gates made by the source's strategy, driven by real acknowledgements over real sockets. */
class ReleaseGateReplicationTest
{
    private static final long TIMEOUT_MS = 50;
    /** How late the release may be: the polling step below plus scheduling on a loaded machine. */
    private static final long MARGIN_MS = 1000;

    private final ReplicationFixture fixture = new ReplicationFixture();

    @AfterEach
    void after()
    {
        fixture.close();
        fixture.assertNoAgentErrors();
    }

    @Test
    void shouldReleaseWithinTimeoutWhenSinkIsStalled()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceContext().ackStrategy(
            new BoundedWait().timeoutMs(TIMEOUT_MS)), primary));
        fixture.closeLater(fixture.run(source));
        final FaultyProxy proxy = fixture.closeLater(FaultyProxy.start(source.port()));
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(proxy.port()).heartbeatTimeoutMs(10_000),
            replica)));
        final ReleaseGate gate = source.newReleaseGate();

        fixture.append(primary, 1, 10, 100);
        awaitCaughtUp(source, primary);
        assertEquals(ReleaseGate.RELEASE, gate.check(10, System.nanoTime(), System.nanoTime()));

        proxy.stall(true);
        fixture.append(primary, 1, 1, 100);
        final long position = primary.lastPosition();
        final long enqueuedNs = System.nanoTime();
        long nowNs;
        int decision;
        while ((decision = gate.check(position, enqueuedNs, nowNs = System.nanoTime())) == ReleaseGate.WAIT)
        {
            assertTrue(nowNs - enqueuedNs < TimeUnit.SECONDS.toNanos(20), "never released");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        final long waitedMs = TimeUnit.NANOSECONDS.toMillis(nowNs - enqueuedNs);
        assertEquals(ReleaseGate.RELEASE, decision);
        assertTrue(waitedMs >= TIMEOUT_MS, "released early after " + waitedMs + " ms");
        assertTrue(waitedMs <= TIMEOUT_MS + MARGIN_MS, "released late after " + waitedMs + " ms");
        assertTrue(source.ackedPosition() < position, "released by the timeout, not by an ack");
        assertEquals(1, source.timeouts());

        proxy.stall(false);
        awaitCaughtUp(source, primary);
        assertEquals(ReleaseGate.RELEASE, gate.check(position, enqueuedNs, enqueuedNs));
    }

    @Test
    void shouldReleaseNothingWhileSinkIsDeadThenEverythingInOrder()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceContext().ackStrategy(new WaitForever()),
            primary));
        fixture.closeLater(fixture.run(source));
        final Path replicaDir = fixture.newDir("replica");
        Journal replica = openJournal(replicaDir);
        AgentRunner sinkRunner = fixture.run(new ReplicationSink(sinkContext(source.port()), replica));
        final ReleaseGate gate = source.newReleaseGate();

        fixture.append(primary, 1, 100, 100);
        awaitCaughtUp(source, primary);
        sinkRunner.close();
        replica.close();
        Tests.await("sink gone", AWAIT, () -> !source.sinkAttached());

        final long firstWaiting = primary.lastPosition() + 1;
        fixture.append(primary, 1, 500, 100);
        final long last = primary.lastPosition();
        final long start = System.nanoTime();
        final long muchLater = start + TimeUnit.HOURS.toNanos(1);
        for (long p = firstWaiting; p <= last; p++)
        {
            assertEquals(ReleaseGate.WAIT, gate.check(p, start, muchLater), "position " + p);
        }
        assertEquals(ReleaseGate.RELEASE, gate.check(firstWaiting - 1, start, start));

        replica = fixture.closeLater(openJournal(replicaDir));
        sinkRunner = fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(source.port()), replica)));
        long next = firstWaiting;
        final long deadline = System.nanoTime() + AWAIT.toNanos();
        while (next <= last)
        {
            assertTrue(System.nanoTime() < deadline, "released up to " + next);
            final long now = System.nanoTime();
            // Acks only grow, so checking from the highest position down, once one is released every lower one
            // must be too: released in order, never a later message before an earlier one.
            long highestReleased = -1;
            for (long p = last; p >= next; p--)
            {
                final int decision = gate.check(p, start, now);
                if (highestReleased > 0)
                {
                    assertEquals(ReleaseGate.RELEASE, decision, "position " + p + " held after " + highestReleased);
                }
                else if (decision == ReleaseGate.RELEASE)
                {
                    highestReleased = p;
                }
            }
            if (highestReleased > 0)
            {
                next = highestReleased + 1;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
        awaitCaughtUp(source, primary);
        sinkRunner.close();
        assertSameEntries(primary, replica);
        assertEquals(0, source.timeouts());
    }
}
