package dev.tandem.fix;

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
     * buffer only then), keeping every offset.
     *
     * @throws OutOfMemoryError when direct memory is exhausted; the old buffer is kept.
     */
    void growInbound(final int capacity)
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
    }
}
