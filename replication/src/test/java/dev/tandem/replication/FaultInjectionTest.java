package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.test.FaultyProxy;
import dev.tandem.test.FaultyProxy.Direction;
import dev.tandem.test.Tests;
import org.agrona.concurrent.AgentRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static dev.tandem.replication.ReplicationFixture.AWAIT;
import static dev.tandem.replication.ReplicationFixture.assertSameEntries;
import static dev.tandem.replication.ReplicationFixture.awaitCaughtUp;
import static dev.tandem.replication.ReplicationFixture.openJournal;
import static dev.tandem.replication.ReplicationFixture.sinkContext;
import static dev.tandem.replication.ReplicationFixture.sourceContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Source and sink talk through {@link FaultyProxy}; every fault is survived with no gap and no duplicate in the
 * sink's journal (compared entry by entry with the primary's).
 */
class FaultInjectionTest
{
    private final ReplicationFixture fixture = new ReplicationFixture();
    private Journal primary;
    private Journal replica;
    private ReplicationSource source;
    private ReplicationSink sink;
    private AgentRunner sinkRunner;
    private FaultyProxy proxy;

    @BeforeEach
    void before()
    {
        primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        source = fixture.track(new ReplicationSource(sourceContext().heartbeatTimeoutMs(500), primary));
        fixture.closeLater(fixture.run(source));
        proxy = fixture.closeLater(FaultyProxy.start(source.port()));
        sink = new ReplicationSink(sinkContext(proxy.port()).heartbeatTimeoutMs(500), replica);
        sinkRunner = fixture.closeLater(fixture.run(sink));
        fixture.append(primary, 1, 500, 200);
        awaitCaughtUp(source, primary);
    }

    @AfterEach
    void after()
    {
        fixture.close();
        fixture.assertNoAgentErrors();
    }

    @Test
    void shouldSurviveStall()
    {
        proxy.stall(true);
        fixture.append(primary, 1, 2000, 200);
        Tests.await("heartbeat timeout while stalled", AWAIT,
            () -> sink.lastCloseReason() == CloseReason.HEARTBEAT_TIMEOUT);
        fixture.append(primary, 1, 500, 200);
        proxy.stall(false);
        fixture.append(primary, 1, 500, 200);
        assertSurvived();
        assertTrue(sink.reconnects() >= 1);
    }

    @Test
    void shouldSurviveSlowLink()
    {
        proxy.slow(700, TimeUnit.MICROSECONDS.toNanos(200));
        for (int i = 0; i < 10; i++)
        {
            fixture.append(primary, 1, 300, 250);
        }
        awaitCaughtUp(source, primary);
        proxy.slow(0, 0);
        assertSurvived();
    }

    @Test
    void shouldSurviveBytesDroppedTowardsSink()
    {
        proxy.dropNextBytes(Direction.TO_CLIENT, 1237);
        fixture.append(primary, 1, 3000, 200);
        Tests.await("dropped", AWAIT, () -> proxy.bytesDropped(Direction.TO_CLIENT) == 1237);
        assertSurvived();
        assertTrue(sink.reconnects() >= 1, "the sink saw the hole and started over: " + sink.lastClose());
    }

    @Test
    void shouldSurviveBytesDroppedTowardsSource()
    {
        fixture.append(primary, 1, 200, 200);
        proxy.dropNextBytes(Direction.TO_SERVER, 7);
        fixture.append(primary, 1, 3000, 200);
        Tests.await("dropped", AWAIT, () -> proxy.bytesDropped(Direction.TO_SERVER) == 7);
        assertSurvived();
        assertTrue(source.reconnects() >= 1, "the source saw the hole: " + source.lastRefusal());
    }

    @Test
    void shouldSurviveCutsInTheMiddleOfFrames()
    {
        for (int cut = 0; cut < 3; cut++)
        {
            final int cutsBefore = proxy.cuts();
            proxy.cutAfterBytes(Direction.TO_CLIENT, 10_001 + cut * 777);
            fixture.append(primary, 1, 2000, 200);
            Tests.await("cut " + cut, AWAIT, () -> proxy.cuts() > cutsBefore);
            fixture.append(primary, 1, 100, 200);
            awaitCaughtUp(source, primary);
        }
        proxy.cutAfterBytes(Direction.TO_SERVER, 33);
        fixture.append(primary, 1, 2000, 200);
        assertSurvived();
        assertTrue(sink.reconnects() >= 3);
    }

    private void assertSurvived()
    {
        awaitCaughtUp(source, primary);
        Tests.await("sink appended everything", AWAIT, () -> sink.lastAppendedPosition() == primary.lastPosition());
        sinkRunner.close();
        assertEquals(0, sink.duplicatesSkipped());
        assertSameEntries(primary, replica);
    }
}
