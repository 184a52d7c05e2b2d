package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.Persistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.tandem.replication.ReplicationFixture.awaitCaughtUp;
import static dev.tandem.replication.ReplicationFixture.openJournal;
import static dev.tandem.replication.ReplicationFixture.sinkContext;
import static dev.tandem.replication.ReplicationFixture.sourceContext;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A BATCHED sink flushes before it acknowledges, so an ack means the entries survive a host crash of the sink. */
class BatchedAckTest
{
    private final ReplicationFixture fixture = new ReplicationFixture();

    @AfterEach
    void after()
    {
        fixture.close();
        fixture.assertNoAgentErrors();
    }

    @Test
    void shouldFlushTheReplicaBeforeAcknowledging()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceContext(), primary));
        fixture.closeLater(fixture.run(source));
        final Journal replica = fixture.closeLater(Journal.open(new JournalContext()
            .dir(fixture.newDir("replica").toString()).persistence(Persistence.BATCHED).syncBatchSize(1_000)));
        fixture.closeLater(fixture.run(new ReplicationSink(sinkContext(source.port()), replica)));

        fixture.append(primary, 1, 7, 100);
        awaitCaughtUp(source, primary);
        // far fewer than syncBatchSize entries, yet acknowledged: the ack came after a flush
        assertEquals(0, replica.unflushedAppends());
        assertEquals(7, replica.lastPosition());
    }
}
