package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.journal.ReleaseGate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.tandem.replication.ReplicationFixture.openJournal;
import static dev.tandem.replication.ReplicationFixture.sinkContext;
import static dev.tandem.replication.ReplicationFixture.sourceContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data path does not allocate in steady state: append, source duty cycle (read journal, frame, send, read
 * acks), sink duty cycle (read, append, ack) and gate checks, all stepped on this thread and counted by the JVM's
 * per-thread allocation counter; with one sink, and with {@code acks: 2} over a standby and a DR sink.
 */
class SteadyStateAllocationTest
{
    private final ReplicationFixture fixture = new ReplicationFixture();

    @AfterEach
    void after()
    {
        fixture.close();
        fixture.assertNoAgentErrors();
    }

    @Test
    void shouldReplicateWithoutAllocatingInSteadyState()
    {
        replicateCountingAllocations(false);
    }

    @Test
    void shouldCountAcksOverADrSinkWithoutAllocatingInSteadyState()
    {
        replicateCountingAllocations(true);
    }

    private void replicateCountingAllocations(final boolean countDrSink)
    {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean &&
            ((com.sun.management.ThreadMXBean)bean).isThreadAllocatedMemoryEnabled(), "no allocation counter");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)bean;
        final long threadId = Thread.currentThread().getId();

        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        final ReplicationSourceContext context = sourceContext().heartbeatIntervalMs(1).heartbeatTimeoutMs(60_000);
        if (countDrSink)
        {
            context.drSinkNodeIds(List.of("3")).acks("2");
        }
        final ReplicationSource source = fixture.closeLater(fixture.track(new ReplicationSource(context, primary)));
        final ReplicationSink sink = fixture.closeLater(new ReplicationSink(
            sinkContext(source.port()).heartbeatIntervalMs(1).heartbeatTimeoutMs(60_000), replica));
        final Journal drReplica = countDrSink ? fixture.closeLater(openJournal(fixture.newDir("dr"))) : null;
        final ReplicationSink drSink = countDrSink ? fixture.closeLater(new ReplicationSink(
            sinkContext(source.port()).nodeId(3).heartbeatIntervalMs(1).heartbeatTimeoutMs(60_000), drReplica)) : null;
        final ReleaseGate gate = source.newReleaseGate();

        final int rounds = 20_000;
        for (int pass = 0; pass < 2; pass++)
        {
            final long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < rounds; i++)
            {
                fixture.append(primary, 1, 1, 150);
                final long position = primary.lastPosition();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (gate.check(position, 0, 0) != ReleaseGate.RELEASE)
                {
                    source.doWork();
                    sink.doWork();
                    if (countDrSink)
                    {
                        drSink.doWork();
                    }
                    if (System.nanoTime() > deadline)
                    {
                        throw new AssertionError("position " + position + " not acknowledged");
                    }
                }
            }
            final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
            if (pass == 1)
            {
                // under one byte per round trip: nothing per message (one object each would be 16+ bytes per round
                // trip); Chronicle allocates a mapping object (176-568 bytes) each time a journal crosses into the
                // next chunk of its file, every few hundred KB, on both journals, and that is allowed
                assertTrue(allocated < rounds, allocated + " bytes allocated over " + rounds + " round trips");
            }
        }
        assertEquals(primary.lastPosition(), replica.lastPosition());
        assertEquals(1, sink.sessions());
        if (countDrSink)
        {
            assertEquals(primary.lastPosition(), drReplica.lastPosition(), "every release waited for the DR sink");
            assertEquals(1, drSink.sessions());
            assertEquals(2, source.acksRequired());
        }
    }
}
