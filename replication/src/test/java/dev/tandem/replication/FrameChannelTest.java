package dev.tandem.replication;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.tandem.replication.FrameDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Framing over a real loopback socket pair: whole frames out, partial reads joined, damage detected. */
class FrameChannelTest
{
    private ServerSocketChannel server;
    private SocketChannel left;
    private SocketChannel right;
    private final List<Long> positions = new ArrayList<>();
    private final List<Integer> types = new ArrayList<>();
    private final FrameChannel.FrameHandler collect = (buffer, offset, length, type) ->
    {
        types.add(type);
        positions.add(length >= ACK_LENGTH ? buffer.getLong(offset + POSITION_OFFSET, ORDER) : -1L);
        return true;
    };

    @BeforeEach
    void before() throws IOException
    {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        left = SocketChannel.open(server.getLocalAddress());
        right = server.accept();
        left.configureBlocking(false);
        right.configureBlocking(false);
    }

    @AfterEach
    void after() throws IOException
    {
        left.close();
        right.close();
        server.close();
    }

    @Test
    void shouldCloseASocketThatIsNotYetConnectedWithoutThrowing() throws IOException
    {
        // a takeover closes a sink that is reconnecting: its socket may not be connected yet (issue 14 item 3)
        final SocketChannel unconnected = SocketChannel.open();
        final FrameChannel channel = new FrameChannel(4096, 4096);
        channel.reset(unconnected);
        channel.closeWith(CloseReason.SHUTDOWN, "sink shutting down");
        assertTrue(!unconnected.isOpen(), "closed");
    }

    @Test
    void shouldDeliverWholeFramesInOrder() throws IOException
    {
        final FrameChannel out = new FrameChannel(1024, 4096).reset(left);
        final FrameChannel in = new FrameChannel(1024, 1024).reset(right).maxFrameLength(512);
        for (long i = 1; i <= 50; i++)
        {
            assertTrue(out.offerPosition(i % 2 == 0 ? TYPE_ACK : TYPE_HEARTBEAT, i, -i));
        }
        assertTrue(out.offerClose(CloseReason.DIVERGED, "bye"));
        while (out.pendingBytes() > 0)
        {
            out.flush();
        }
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (types.size() < 51 && System.nanoTime() < deadline)
        {
            in.read();
            assertTrue(in.poll(collect, 7) >= 0);
        }
        assertEquals(51, types.size());
        for (int i = 0; i < 50; i++)
        {
            assertEquals(i + 1L, positions.get(i));
        }
        assertEquals(TYPE_CLOSE, types.get(50));
    }

    @Test
    void shouldJoinFrameSplitAcrossReads() throws IOException
    {
        final byte[] frame = frame(TYPE_ACK, 99);
        final FrameChannel in = new FrameChannel(1024, 1024).reset(right).maxFrameLength(512);
        writeAll(ByteBuffer.wrap(frame, 0, 5));
        awaitRead(in, 5);
        assertEquals(0, in.poll(collect, 10));
        assertTrue(in.hasPartialFrame());
        writeAll(ByteBuffer.wrap(frame, 5, frame.length - 5));
        awaitRead(in, frame.length - 5);
        assertEquals(1, in.poll(collect, 10));
        assertEquals(99L, positions.get(0));
    }

    @Test
    void shouldDetectCorruptionAndOversizedFrames() throws IOException
    {
        final byte[] frame = frame(TYPE_ACK, 5);
        frame[frame.length - 1] ^= 1;
        final FrameChannel in = new FrameChannel(1024, 1024).reset(right).maxFrameLength(512);
        writeAll(ByteBuffer.wrap(frame));
        awaitRead(in, frame.length);
        assertEquals(FrameChannel.BAD_CHECKSUM, in.poll(collect, 10));

        final byte[] huge = frame(TYPE_ACK, 5);
        new UnsafeBuffer(huge).putInt(0, 1_000_000, ORDER);
        final FrameChannel in2 = new FrameChannel(1024, 1024).reset(right).maxFrameLength(512);
        writeAll(ByteBuffer.wrap(huge));
        awaitRead(in2, huge.length);
        assertEquals(FrameChannel.BAD_LENGTH, in2.poll(collect, 10));
        assertEquals(1_000_000, in2.lastBadLength());
        assertTrue(types.isEmpty());
    }

    private static byte[] frame(final int type, final long position)
    {
        final byte[] bytes = new byte[ACK_LENGTH];
        new UnsafeBuffer(bytes).putLong(POSITION_OFFSET, position, ORDER);
        return RawFrames.seal(bytes, type);
    }

    private void writeAll(final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            left.write(buffer);
        }
    }

    private static void awaitRead(final FrameChannel in, final int bytes) throws IOException
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int total = 0;
        while (total < bytes)
        {
            assertTrue(System.nanoTime() < deadline, "read " + total + " of " + bytes);
            total += Math.max(0, in.read());
        }
    }
}
