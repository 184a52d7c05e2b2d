package dev.tandem.replication;

import dev.tandem.journal.Journal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static dev.tandem.replication.ReplicationFixture.openJournal;
import static dev.tandem.replication.ReplicationFixture.sinkContext;
import static dev.tandem.replication.ReplicationFixture.sourceContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Heartbeats, timeouts and backoff with time passed in: both agents are stepped by hand on the test thread with a
 * clock the test moves, so nothing depends on how fast this machine is.
 */
class SteppedAgentsTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ReplicationFixture fixture = new ReplicationFixture();
    private long nowNs = 1_000_000 * MS;

    @AfterEach
    void after()
    {
        fixture.close();
        fixture.assertNoAgentErrors();
    }

    @Test
    void shouldTimeOutHandshakeAndBackOffExponentially() throws Exception
    {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress()))
        {
            final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
            final ReplicationSink sink = fixture.closeLater(new ReplicationSink(sinkContext(silent.getLocalPort())
                .nanoClock(() -> nowNs).handshakeTimeoutMs(100).reconnectBackoffMinMs(10).reconnectBackoffMaxMs(40),
                replica));

            stepUntil("handshaking", sink::doWork, () -> sink.state() == ReplicationSink.State.HANDSHAKING);
            assertEquals(1, sink.connectAttempts());
            nowNs += 101 * MS;
            sink.doWork();
            assertEquals(ReplicationSink.State.BACKING_OFF, sink.state());
            assertEquals(CloseReason.HANDSHAKE_TIMEOUT, sink.lastCloseReason());

            final long[] expectedBackoffMs = { 10, 20, 40, 40 };
            for (int i = 0; i < expectedBackoffMs.length; i++)
            {
                final long attempts = sink.connectAttempts();
                nowNs += (expectedBackoffMs[i] - 1) * MS;
                sink.doWork();
                assertEquals(attempts, sink.connectAttempts(), "still backing off, round " + i);
                nowNs += MS;
                sink.doWork();
                assertEquals(attempts + 1, sink.connectAttempts(), "reconnects after the backoff, round " + i);
                stepUntil("handshaking", sink::doWork, () -> sink.state() == ReplicationSink.State.HANDSHAKING);
                nowNs += 101 * MS;
                sink.doWork();
                assertEquals(ReplicationSink.State.BACKING_OFF, sink.state());
            }
        }
    }

    @Test
    void shouldHeartbeatBothWaysAndDetectSilence()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        fixture.append(primary, 1, 10, 100);
        final ReplicationSource source = fixture.closeLater(fixture.track(new ReplicationSource(
            sourceContext().nanoClock(() -> nowNs).heartbeatIntervalMs(50).heartbeatTimeoutMs(500), primary)));
        final ReplicationSink sink = fixture.closeLater(new ReplicationSink(
            sinkContext(source.port()).nanoClock(() -> nowNs).heartbeatIntervalMs(50).heartbeatTimeoutMs(500),
            replica));
        final Runnable both = () ->
        {
            nowNs += MS;
            source.doWork();
            sink.doWork();
        };

        stepUntil("caught up", both, () -> source.ackedPosition() == 10 && sink.connected());
        final long attachedAt = nowNs;

        // quiet: only heartbeats flow, and they keep both ends alive well past the timeout
        final long bytesBefore = sink.bytesReceived();
        for (int i = 0; i < 100; i++)
        {
            nowNs += 10 * MS;
            source.doWork();
            sink.doWork();
        }
        stepUntil("heartbeat arrives", both, () -> sink.bytesReceived() > bytesBefore);
        assertTrue(nowNs - attachedAt >= 1000 * MS);
        assertTrue(sink.connected(), sink.lastClose());
        assertTrue(source.sinkAttached(), source.lastRefusal());
        assertTrue(nowNs - sink.lastReceivedNs() <= 60 * MS, "heard from the source recently");

        // the sink goes silent: the source times it out on its own clock, 500 ms after it last heard anything
        final long silentFrom = nowNs;
        while (source.sinkAttached() && nowNs - silentFrom < 2000 * MS)
        {
            nowNs += MS;
            source.doWork();
        }
        assertFalse(source.sinkAttached());
        assertTrue(nowNs - silentFrom > 500 * MS && nowNs - silentFrom < 600 * MS,
            "timed out after " + (nowNs - silentFrom) / MS + " ms");
        stepUntil("sink hears the close", sink::doWork, () -> !sink.connected());
        assertEquals(CloseReason.HEARTBEAT_TIMEOUT, sink.lastCloseReason());
        assertEquals(0, source.timeouts());
    }

    /**
     * A node's activation binds the onward port first (a port it cannot have changes nothing), then creates the source
     * on that socket: a sink that dialled in between waits in the backlog and is served; a port already taken is
     * refused naming {@code listen}.
     */
    @Test
    void shouldServeFromASocketBoundAheadAndNameTheAddressThatCannotBeBound() throws Exception
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        fixture.append(primary, 1, 10, 100);
        final ReplicationSourceContext context = sourceContext().nanoClock(() -> nowNs);
        final java.nio.channels.ServerSocketChannel bound = ReplicationSource.bind(context);
        final int port = ((java.net.InetSocketAddress)bound.getLocalAddress()).getPort();
        final ReplicationSink sink = fixture.closeLater(new ReplicationSink(
            sinkContext(port).nanoClock(() -> nowNs), replica));
        stepUntil("the sink's connection waits in the backlog", sink::doWork,
            () -> sink.state() == ReplicationSink.State.HANDSHAKING);

        final ReplicationSource source = fixture.closeLater(fixture.track(
            new ReplicationSource(context.serverChannel(bound), primary)));
        assertEquals(port, source.port());
        stepUntil("caught up", () ->
        {
            nowNs += MS;
            source.doWork();
            sink.doWork();
        }, () -> source.ackedPosition() == 10 && sink.connected());

        final java.io.UncheckedIOException taken = org.junit.jupiter.api.Assertions.assertThrows(
            java.io.UncheckedIOException.class,
            () -> ReplicationSource.bind(sourceContext().listen("127.0.0.1:" + port)));
        assertTrue(taken.getMessage().startsWith("listen: cannot bind 127.0.0.1:" + port + ": "), taken.getMessage());
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

    private static void stepUntil(final String what, final java.util.function.IntSupplier step,
        final BooleanSupplier condition)
    {
        final Runnable asRunnable = step::getAsInt;
        stepUntil(what, asRunnable, condition);
    }
}
