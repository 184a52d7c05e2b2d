package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.test.FaultyProxy;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.tandem.replication.FrameDescriptor.*;
import static dev.tandem.replication.ReplicationFixture.AWAIT;
import static dev.tandem.replication.ReplicationFixture.CLUSTER;
import static dev.tandem.replication.ReplicationFixture.awaitCaughtUp;
import static dev.tandem.replication.ReplicationFixture.openJournal;
import static dev.tandem.replication.ReplicationFixture.sinkContext;
import static dev.tandem.replication.ReplicationFixture.sourceContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Admission on the source's port (issue 15 item 2): a flood of idle and slow unauthenticated connections, from many
 * hosts and a few per host, cannot keep the rightful sink out after its link is cut; hosts outside the allow-list are
 * closed unheard; a refusal never tells the peer our cluster name; refusal WARN lines stay bounded.
 * Real sockets on 127.0.0.0/8 (Linux routes the whole block to loopback, so each attacker host is a distinct address).
 */
class AdmissionTest
{
    /** Attacker hosts 127.0.0.2 .. 127.0.0.(1 + HOSTS), plus 127.0.0.1, the sink's own host. */
    private static final int HOSTS = 40;
    /** Client sockets the flood keeps open at once (it closes its oldest beyond that). */
    private static final int FLOOD_OPEN = 300;
    /** The rightful sink must be back within this, although squatters would hold their slots for a minute. */
    private static final Duration SINK_BACK_WITHIN = Duration.ofSeconds(10);

    private final ReplicationFixture fixture = new ReplicationFixture();

    @AfterEach
    void after()
    {
        fixture.close();
        fixture.assertNoAgentErrors();
    }

    @Test
    void shouldAdmitRightfulSinkThroughFloodOfIdleAndSlowStrangers() throws Exception
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        // a minute of handshake time: only eviction, not the deadline, can free a slot within the bound below
        final ReplicationSource source = fixture.track(new ReplicationSource(
            sourceContext().handshakeTimeoutMs(60_000).maxRefusalLogsPerMinute(20), primary));
        fixture.closeLater(fixture.run(source));
        final FaultyProxy proxy = fixture.closeLater(FaultyProxy.start(source.port()));
        final ReplicationSink sink = new ReplicationSink(sinkContext(proxy.port()).heartbeatTimeoutMs(500), replica);
        fixture.closeLater(fixture.run(sink));
        fixture.append(primary, 1, 200, 150);
        awaitCaughtUp(source, primary);
        assertEquals(1, source.sinkSessions());

        try (Flood flood = new Flood(source.port()))
        {
            flood.start();
            Tests.await("the flood fills every handshake slot and is being evicted", AWAIT,
                () -> source.evictedConnections() > 100);

            final long cutAtNs = System.nanoTime();
            proxy.cutAll();
            fixture.append(primary, 1, 100, 150);
            Tests.await("rightful sink back through the flood", AWAIT, () -> source.sinkSessions() >= 2);
            final Duration tookToAdmit = Duration.ofNanos(System.nanoTime() - cutAtNs);
            awaitCaughtUp(source, primary);
            assertTrue(tookToAdmit.compareTo(SINK_BACK_WITHIN) < 0, "sink admitted after " + tookToAdmit);
            assertTrue(flood.connects.get() > 100, "the flood ran: " + flood.connects.get() + " connects");
        }

        final long refused = source.refusedConnections();
        final long written = refused - source.suppressedRefusalLogs();
        assertTrue(refused > 100, "refusals " + refused);
        // at most 20 a minute, and this test runs for well under two minutes
        assertTrue(written <= 40, written + " refusal lines written for " + refused + " refusals");
        assertEquals(replica.lastPosition(), primary.lastPosition());
    }

    @Test
    void shouldCloseHostsOutsideAllowListUnheardAndNeverNameTheCluster() throws Exception
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        final ReplicationSource source = fixture.track(new ReplicationSource(
            sourceContext().allowedPeers(List.of("127.0.0.1")), primary));
        fixture.closeLater(fixture.run(source));

        try (Socket stranger = connectFrom("127.0.0.9", source.port()))
        {
            stranger.getOutputStream().write(RawFrames.hello(PROTOCOL_VERSION, CLUSTER, 1, new byte[NONCE_LENGTH]));
            assertEquals(-1, readOrReset(stranger), "closed without a byte");
        }
        Tests.await("refusal counted", AWAIT, () -> source.lastRefusalReason() == CloseReason.PEER_NOT_ALLOWED);

        try (Socket wrongCluster = connectFrom("127.0.0.1", source.port()))
        {
            wrongCluster.getOutputStream().write(
                RawFrames.hello(PROTOCOL_VERSION, "guessing", 1, new byte[NONCE_LENGTH]));
            final byte[] close = RawFrames.readFrame(wrongCluster.getInputStream());
            assertEquals(TYPE_CLOSE, RawFrames.type(close));
            assertEquals(CloseReason.BAD_CLUSTER, RawFrames.closeReason(close));
            final String text = new String(close, CLOSE_TEXT_OFFSET, close.length - CLOSE_TEXT_OFFSET,
                StandardCharsets.US_ASCII);
            assertFalse(text.contains(CLUSTER), "refusal text names the cluster: " + text);
            assertFalse(text.contains("node"), "refusal text names a node: " + text);
        }

        final ReplicationSink sink = new ReplicationSink(sinkContext(source.port()), replica);
        fixture.closeLater(fixture.run(sink));
        fixture.append(primary, 1, 50, 100);
        awaitCaughtUp(source, primary);
        assertEquals(1, source.sinkSessions());
    }

    @Test
    void shouldRejectBadAdmissionSettingsNamingTheKey()
    {
        final IllegalArgumentException perHost = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> sourceContext().maxPendingPerAddress(0).conclude());
        assertTrue(perHost.getMessage().startsWith("maxPendingPerAddress: 0"), perHost.getMessage());
        final IllegalArgumentException peer = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> sourceContext().allowedPeers(List.of("10.0.0.2:9701")).conclude());
        assertTrue(peer.getMessage().startsWith("allowedPeers[0]: '10.0.0.2:9701'"), peer.getMessage());
        final ReplicationSourceContext yaml = ReplicationSourceContext.fromYaml(
            "listen: \"127.0.0.1:0\"\nclusterName: c\nsecretEnv: PATH\nmaxPendingConnections: 32\n" +
            "maxPendingPerAddress: 3\nallowedPeers: [ 127.0.0.1, \"::1\" ]\nmaxRefusalLogsPerMinute: 5\n");
        assertEquals(32, yaml.maxPendingConnections());
        assertEquals(3, yaml.maxPendingPerAddress());
        assertEquals(List.of("127.0.0.1", "::1"), yaml.allowedPeers());
        assertEquals(5, yaml.maxRefusalLogsPerMinute());
    }

    /** The next byte, or -1 at end of stream or on a reset (the source closed with our hello unread). */
    private static int readOrReset(final Socket socket) throws IOException
    {
        try
        {
            return socket.getInputStream().read();
        }
        catch (final java.net.SocketException ex)
        {
            return -1;
        }
    }

    private static Socket connectFrom(final String host, final int port) throws IOException
    {
        final Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /**
     * Opens connections as fast as it can from HOSTS + 1 hosts and holds them: four in five say nothing, one in five
     * trickles a real hello a byte at a time (a slow peer that looks busy).
     */
    private static final class Flood implements AutoCloseable
    {
        final AtomicLong connects = new AtomicLong();
        private final int port;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ArrayDeque<Socket> open = new ArrayDeque<>();
        private final List<Socket> slow = new ArrayList<>();
        private final byte[] hello = RawFrames.hello(PROTOCOL_VERSION, CLUSTER, 1, new byte[NONCE_LENGTH]);
        private Thread thread;

        Flood(final int port)
        {
            this.port = port;
        }

        void start()
        {
            thread = new Thread(this::run, "admission-flood");
            thread.setDaemon(true);
            thread.start();
        }

        private void run()
        {
            long n = 0;
            long nextTrickleNs = System.nanoTime();
            while (running.get())
            {
                n++;
                final String host = "127.0.0." + (1 + (n % (HOSTS + 1)));
                try
                {
                    final Socket socket = connectFrom(host, port);
                    connects.incrementAndGet();
                    open.add(socket);
                    if (n % 5 == 0)
                    {
                        slow.add(socket);
                    }
                }
                catch (final IOException ignore)
                {
                    // a refused or reset connect is the point of the exercise
                }
                while (open.size() > FLOOD_OPEN)
                {
                    final Socket oldest = open.poll();
                    slow.remove(oldest);
                    closeQuietly(oldest);
                }
                if (System.nanoTime() - nextTrickleNs >= 0)
                {
                    nextTrickleNs = System.nanoTime() + 100_000_000L;
                    for (final Socket socket : slow)
                    {
                        try
                        {
                            final int at = (int)(System.nanoTime() % 8);
                            socket.getOutputStream().write(hello, at, 1);
                        }
                        catch (final IOException ignore)
                        {
                            // evicted: fine
                        }
                    }
                }
            }
            for (final Socket socket : open)
            {
                closeQuietly(socket);
            }
        }

        @Override
        public void close() throws InterruptedException
        {
            running.set(false);
            if (thread != null)
            {
                thread.join(30_000);
                assertFalse(thread.isAlive(), "flood thread stopped");
            }
        }

        private static void closeQuietly(final Socket socket)
        {
            try
            {
                socket.close();
            }
            catch (final IOException ignore)
            {
                // closing anyway
            }
        }
    }
}
