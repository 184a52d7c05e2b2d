package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.test.Tests;
import org.agrona.concurrent.AgentRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static dev.tandem.replication.ReplicationFixture.AWAIT;
import static dev.tandem.replication.ReplicationFixture.assertSameEntries;
import static dev.tandem.replication.ReplicationFixture.awaitCaughtUp;
import static dev.tandem.replication.ReplicationFixture.openJournal;
import static dev.tandem.replication.ReplicationFixture.sinkContext;
import static dev.tandem.replication.ReplicationFixture.sourceContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicationTest
{
    private final ReplicationFixture fixture = new ReplicationFixture();

    @AfterEach
    void after()
    {
        fixture.close();
        fixture.assertNoAgentErrors();
    }

    @Test
    void shouldCatchUpLateSinkThenFollowLiveTail()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        fixture.append(primary, 7, 3000, 200);
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceContext(), primary));
        fixture.closeLater(fixture.run(source));

        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        final ReplicationSink sink = new ReplicationSink(sinkContext(source.port()), replica);
        final AgentRunner sinkRunner = fixture.closeLater(fixture.run(sink));
        fixture.append(primary, 7, 2000, 120);
        fixture.append(primary, 8, 500, 3000);
        awaitCaughtUp(source, primary);

        assertEquals(1, source.catchUpStartPosition());
        assertTrue(source.catchUpTargetPosition() >= 3000);
        assertFalse(source.catchingUp());
        assertEquals(0, source.lagEntries());
        assertEquals(5500, sink.lastAppendedPosition());
        assertEquals(5500, source.sentPosition());
        assertEquals(0, source.reconnects());
        assertEquals(0, sink.duplicatesSkipped());
        assertEquals(ReplicationFixture.CLUSTER.length() > 0, sink.lastReceivedNs() != Long.MIN_VALUE);
        assertEquals(1, sink.sourceNodeId());
        assertEquals(2, source.sinkNodeId());
        sinkRunner.close();
        assertSameEntries(primary, replica);
        assertEquals(primary.nextSenderSeqNum(7), replica.nextSenderSeqNum(7));
        assertEquals(primary.nextSenderSeqNum(8), replica.nextSenderSeqNum(8));
    }

    @Test
    void shouldCatchUpSinkThatWasAwayWithoutGapOrDuplicate()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceContext(), primary));
        fixture.closeLater(fixture.run(source));
        final Path replicaDir = fixture.newDir("replica");

        Journal replica = openJournal(replicaDir);
        AgentRunner sinkRunner = fixture.run(new ReplicationSink(sinkContext(source.port()), replica));
        fixture.append(primary, 1, 1000, 150);
        awaitCaughtUp(source, primary);
        sinkRunner.close();
        replica.close();
        Tests.await("source sees the sink gone", AWAIT, () -> !source.sinkAttached());

        fixture.append(primary, 1, 4000, 150);
        assertEquals(1000, source.ackedPosition());

        replica = fixture.closeLater(openJournal(replicaDir));
        assertEquals(1000, replica.lastPosition());
        final ReplicationSink sink = new ReplicationSink(sinkContext(source.port()), replica);
        sinkRunner = fixture.closeLater(fixture.run(sink));
        fixture.append(primary, 1, 500, 150);
        awaitCaughtUp(source, primary);
        assertEquals(1001, source.catchUpStartPosition());
        assertEquals(1, source.reconnects());
        assertEquals(0, sink.duplicatesSkipped());
        sinkRunner.close();
        assertSameEntries(primary, replica);
    }

    @Test
    void shouldRefuseSinkWhoseJournalHoldsEntriesTheSourceLacks()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        fixture.append(primary, 1, 100, 100);
        final Journal longer = fixture.closeLater(openJournal(fixture.newDir("longer")));
        fixture.append(longer, 1, 150, 100);
        final Journal different = fixture.closeLater(openJournal(fixture.newDir("different")));
        fixture.append(different, 1, 49, 100);
        fixture.append(different, 2, 1, 100);

        // the source was activated after these replicas last copied from a primary (their epoch is lower): a replica
        // that holds more, or other bytes, holds entries the primary of the new epoch never had
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceContext().epoch(2), primary));
        fixture.closeLater(fixture.run(source));

        for (final Journal replica : new Journal[]{ longer, different })
        {
            final long before = replica.lastPosition();
            final long refusedBefore = source.refusedConnections();
            final ReplicationSink sink = new ReplicationSink(sinkContext(source.port()), replica);
            final AgentRunner runner = fixture.run(sink);
            Tests.await("sink stops as diverged", AWAIT, () -> sink.state() == ReplicationSink.State.DIVERGED);
            runner.close();
            assertEquals(CloseReason.DIVERGED, sink.lastCloseReason());
            assertEquals(CloseReason.DIVERGED, source.lastRefusalReason());
            assertEquals(refusedBefore + 1, source.refusedConnections());
            assertEquals(before, replica.lastPosition(), "nothing merged");
            assertEquals(1, sink.connectAttempts(), "no retry after divergence");
        }
        assertFalse(source.sinkAttached());
        assertEquals(0, source.ackedPosition());
    }

    @Test
    void shouldRefuseToServeASinkThatHoldsMoreOfTheSameEpoch()
    {
        // positions count, not only epochs: at the same epoch the sink copied all it holds from this source, so a
        // longer sink means this source's journal lost entries; the sink must keep its journal, not be set aside
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        fixture.append(primary, 1, 10, 100);
        final Journal longer = fixture.closeLater(openJournal(fixture.newDir("longer")));
        fixture.append(longer, 1, 150, 100);

        final ReplicationSource source = fixture.track(new ReplicationSource(sourceContext(), primary));
        fixture.closeLater(fixture.run(source));
        final ReplicationSink sink = new ReplicationSink(sinkContext(source.port()).epoch(source.epoch()), longer);
        final AgentRunner runner = fixture.closeLater(fixture.run(sink));
        Tests.await("source refuses as behind", AWAIT, () -> source.behindSink() != null);
        Tests.await("sink hears why", AWAIT, () -> sink.lastCloseReason() == CloseReason.SOURCE_BEHIND);
        assertEquals(CloseReason.SOURCE_BEHIND, source.lastRefusalReason());
        assertTrue(source.behindSink().contains("holds positions up to 150") &&
            source.behindSink().contains("ends at 10"), source.behindSink());
        assertTrue(sink.state() != ReplicationSink.State.DIVERGED, "the sink does not stop as diverged");
        runner.close();
        assertEquals(150, longer.lastPosition(), "the sink's journal is untouched");
        assertFalse(source.sinkAttached());
        assertEquals(0, source.ackedPosition());
    }

    @Test
    void shouldResumeWhereItWasWhenSourceRestarts()
    {
        final Path primaryDir = fixture.newDir("primary");
        Journal primary = openJournal(primaryDir);
        ReplicationSource source = fixture.track(new ReplicationSource(sourceContext(), primary));
        AgentRunner sourceRunner = fixture.run(source);
        final int port = source.port();

        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        final ReplicationSink sink = new ReplicationSink(sinkContext(port), replica);
        final AgentRunner sinkRunner = fixture.closeLater(fixture.run(sink));
        fixture.append(primary, 3, 2000, 200);
        awaitCaughtUp(source, primary);

        sourceRunner.close();
        primary.close();
        Tests.await("sink notices the source is gone", AWAIT, () -> !sink.connected());

        primary = fixture.closeLater(openJournal(primaryDir));
        assertEquals(2000, primary.lastPosition());
        fixture.append(primary, 3, 700, 200);
        source = fixture.track(new ReplicationSource(sourceContext().listen("127.0.0.1:" + port), primary));
        sourceRunner = fixture.closeLater(fixture.run(source));
        fixture.append(primary, 3, 300, 200);
        awaitCaughtUp(source, primary);
        assertEquals(2001, source.catchUpStartPosition());
        assertEquals(2, sink.sessions());
        assertEquals(0, sink.duplicatesSkipped());
        sinkRunner.close();
        assertSameEntries(primary, replica);
    }

    @Test
    void shouldExposeEpochsAndRefuseStalePrimary()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        fixture.append(primary, 1, 10, 100);
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceContext().epoch(3), primary));
        fixture.closeLater(fixture.run(source));
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));

        final ReplicationSink sink = new ReplicationSink(sinkContext(source.port()).epoch(2), replica);
        AgentRunner runner = fixture.run(sink);
        awaitCaughtUp(source, primary);
        assertEquals(3, sink.sourceEpoch());
        assertEquals(2, source.sinkEpoch());
        runner.close();

        final ReplicationSink newer = new ReplicationSink(sinkContext(source.port()).epoch(5), replica);
        runner = fixture.run(newer);
        Tests.await("stale source refused", AWAIT, () -> source.lastRefusalReason() == CloseReason.STALE_EPOCH);
        assertEquals(5, source.highestPeerEpoch());
        Tests.await("sink saw the refusal", AWAIT, () -> newer.lastCloseReason() == CloseReason.STALE_EPOCH);
        runner.close();
        assertFalse(source.sinkAttached());
    }
}
