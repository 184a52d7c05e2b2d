package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.test.Tests;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Random;

import static dev.tandem.replication.FrameDescriptor.*;
import static dev.tandem.replication.ReplicationFixture.AWAIT;
import static dev.tandem.replication.ReplicationFixture.CLUSTER;
import static dev.tandem.replication.ReplicationFixture.assertSameEntries;
import static dev.tandem.replication.ReplicationFixture.awaitCaughtUp;
import static dev.tandem.replication.ReplicationFixture.openJournal;
import static dev.tandem.replication.ReplicationFixture.sinkContext;
import static dev.tandem.replication.ReplicationFixture.sourceContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strangers and broken peers are refused with a logged reason, while the rightful sink keeps being served; and a
 * stranger cannot feed a sink.
 */
class HostilePeerTest
{
    private final ReplicationFixture fixture = new ReplicationFixture();
    private Journal primary;
    private Journal replica;
    private ReplicationSource source;
    private ReplicationSink sink;

    @BeforeEach
    void before()
    {
        primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        source = fixture.track(new ReplicationSource(sourceContext(), primary));
        fixture.closeLater(fixture.run(source));
        sink = new ReplicationSink(sinkContext(source.port()), replica);
        fixture.closeLater(fixture.run(sink));
        fixture.append(primary, 1, 200, 150);
        awaitCaughtUp(source, primary);
    }

    @AfterEach
    void after()
    {
        fixture.close();
        fixture.assertNoAgentErrors();
    }

    @Test
    void shouldRefuseStrangersWhileServingRightfulSink() throws Exception
    {
        final Random random = new Random(42);
        final byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);

        expectRefusal(CloseReason.BAD_VERSION, RawFrames.hello(PROTOCOL_VERSION + 1, CLUSTER, 1, nonce));
        expectRefusal(CloseReason.BAD_CLUSTER, RawFrames.hello(PROTOCOL_VERSION, "other-cluster", 1, nonce));

        final byte[] garbage = new byte[2000];
        random.nextBytes(garbage);
        garbage[0] = 100;
        garbage[1] = 0;
        garbage[2] = 0;
        garbage[3] = 0;
        expectRefusal(CloseReason.PROTOCOL_ERROR, garbage);

        final byte[] oversized = new byte[64];
        new UnsafeBuffer(oversized).putInt(0, 50 * 1024 * 1024, ORDER);
        expectRefusal(CloseReason.FRAME_TOO_LONG, oversized);

        try (Socket socket = connect())
        {
            socket.getOutputStream().write(RawFrames.hello(PROTOCOL_VERSION, CLUSTER, 1, nonce));
            final byte[] challenge = RawFrames.readFrame(socket.getInputStream());
            assertEquals(TYPE_CHALLENGE, RawFrames.type(challenge));
            final byte[] auth = new byte[AUTH_LENGTH];
            random.nextBytes(auth);
            socket.getOutputStream().write(RawFrames.seal(auth, TYPE_AUTH));
            assertEquals(CloseReason.AUTH_FAILED, awaitClose(socket.getInputStream()));
        }
        Tests.await("bogus auth refused", AWAIT, () -> source.lastRefusalReason() == CloseReason.AUTH_FAILED);

        final long refusedBefore = source.refusedConnections();
        final Journal strangerJournal = fixture.closeLater(openJournal(fixture.newDir("stranger")));
        final ReplicationSink stranger = new ReplicationSink(sinkContext(source.port())
            .secret("a different shared secret!".getBytes()), strangerJournal);
        final var strangerRunner = fixture.run(stranger);
        Tests.await("wrong secret refused", AWAIT, () -> source.refusedConnections() > refusedBefore &&
            stranger.lastCloseReason() == CloseReason.AUTH_FAILED);
        strangerRunner.close();
        assertEquals(0, strangerJournal.lastPosition());
        assertEquals(CloseReason.AUTH_FAILED, source.lastRefusalReason());

        try (Socket silent = connect())
        {
            Tests.await("silent connection dropped after the handshake timeout", AWAIT,
                () -> source.lastRefusalReason() == CloseReason.HANDSHAKE_TIMEOUT);
        }

        fixture.append(primary, 1, 300, 150);
        awaitCaughtUp(source, primary);
        assertEquals(1, source.sinkSessions(), "the rightful sink was never displaced");
        assertEquals(1, sink.sessions());
        assertTrue(source.refusedConnections() >= 7, source.lastRefusal());
    }

    @Test
    void shouldRefuseStrangerPosingAsSource() throws Exception
    {
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final Journal victim = fixture.closeLater(openJournal(fixture.newDir("victim")));
            final ReplicationSink victimSink = new ReplicationSink(sinkContext(fake.getLocalPort()), victim);
            final var runner = fixture.run(victimSink);
            try (Socket socket = fake.accept())
            {
                socket.setSoTimeout(10_000);
                final byte[] hello = RawFrames.readFrame(socket.getInputStream());
                assertEquals(TYPE_HELLO, RawFrames.type(hello));
                final byte[] challenge = new byte[CHALLENGE_LENGTH];
                new Random(7).nextBytes(challenge);
                final UnsafeBuffer buffer = new UnsafeBuffer(challenge);
                buffer.putInt(CHALLENGE_VERSION_OFFSET, PROTOCOL_VERSION, ORDER);
                buffer.putLong(CHALLENGE_EPOCH_OFFSET, 0, ORDER);
                socket.getOutputStream().write(RawFrames.seal(challenge, TYPE_CHALLENGE));
                assertEquals(CloseReason.AUTH_FAILED, awaitClose(socket.getInputStream()));
            }
            Tests.await("sink refused the fake source", AWAIT,
                () -> victimSink.lastCloseReason() == CloseReason.AUTH_FAILED);
            runner.close();
            assertEquals(0, victim.lastPosition());
            assertEquals(0, victimSink.sessions());
        }
        assertSameEntries(primary, replicaAfterStop());
    }

    private Journal replicaAfterStop()
    {
        awaitCaughtUp(source, primary);
        return replica;
    }

    private Socket connect() throws IOException
    {
        final Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), source.port()), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private void expectRefusal(final CloseReason reason, final byte[] bytes) throws Exception
    {
        final long before = source.refusedConnections();
        try (Socket socket = connect())
        {
            final OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            final CloseReason said = awaitClose(socket.getInputStream());
            if (said != null)
            {
                assertEquals(reason, said);
            }
        }
        Tests.await(reason + " refusal counted", AWAIT, () -> source.refusedConnections() > before);
        assertEquals(reason, source.lastRefusalReason(), source.lastRefusal());
        fixture.append(primary, 1, 10, 150);
        awaitCaughtUp(source, primary);
    }

    /** The reason in the close frame the peer sent before closing, or null if the connection was reset first. */
    private static CloseReason awaitClose(final InputStream in) throws IOException
    {
        try
        {
            while (true)
            {
                final byte[] frame = RawFrames.readFrame(in);
                if (RawFrames.type(frame) == TYPE_CLOSE)
                {
                    return RawFrames.closeReason(frame);
                }
            }
        }
        catch (final SocketException | java.io.EOFException ex)
        {
            return null;
        }
    }
}
