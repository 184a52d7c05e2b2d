package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One TCP connection and its inbound bytes. Bound to a {@link FixSession} once its Logon is accepted (acceptor) or
 * from the start (initiator).
 * <p>
 * Not thread safe: engine agent thread only.
 */
final class Connection
{
    final SocketChannel channel;
    final SelectionKey key;
    ByteBuffer inboundByteBuffer;
    final UnsafeBuffer inbound = new UnsafeBuffer(0, 0);
    final long openedNs;
    final String remote;
    /** The remote host (acceptor), for the per-host limit; null for an initiator's connection. */
    final InetAddress remoteAddress;
    int inboundLimit;
    FixSession session;
    boolean closed;

    Connection(
        final SocketChannel channel,
        final SelectionKey key,
        final int inboundCapacity,
        final long openedNs,
        final String remote,
        final InetAddress remoteAddress)
    {
        this.channel = channel;
        this.key = key;
        this.inboundByteBuffer = ByteBuffer.allocateDirect(inboundCapacity);
        this.inbound.wrap(inboundByteBuffer);
        this.openedNs = openedNs;
        this.remote = remote;
        this.remoteAddress = remoteAddress;
    }

    /**
     * Moves the inbound bytes to a buffer of {@code capacity} (once a Logon is accepted: a connection gets its full
     * buffer only then), keeping every offset, and re-wraps {@code frame}, the decoder over the message being
     * processed (the Logon), over the new buffer at the same offset.
     * <p>
     * The re-wrap is what keeps the Logon readable: a {@link FixDecoder} reads through the address it took at
     * {@link FixDecoder#wrap}, and the old buffer, unreachable once replaced, has its memory freed by the next GC and
     * written over by the allocator while the Logon is still being checked (a valid Logon was once answered
     * "MsgSeqNum missing": its MsgSeqNum was read from freed memory).
     *
     * @throws OutOfMemoryError when direct memory is exhausted; the old buffer and {@code frame} are kept.
     */
    void growInbound(final int capacity, final FixDecoder frame)
    {
        if (inboundByteBuffer.capacity() >= capacity)
        {
            return;
        }
        final ByteBuffer bigger = ByteBuffer.allocateDirect(capacity);
        final UnsafeBuffer old = new UnsafeBuffer(inboundByteBuffer);
        inboundByteBuffer = bigger;
        inbound.wrap(bigger);
        inbound.putBytes(0, old, 0, inboundLimit);
        final int status = frame.wrap(inbound, frame.offset(), frame.length());
        if (status != FixDecoder.OK)
        {
            throw new IllegalStateException(
                "the frame at " + frame.offset() + " (" + frame.length() + " bytes) did not survive the move: " + status);
        }
    }
}
