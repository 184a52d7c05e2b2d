package dev.tandem.fix;

import org.agrona.concurrent.UnsafeBuffer;

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
    final ByteBuffer inboundByteBuffer;
    final UnsafeBuffer inbound;
    final long openedNs;
    final String remote;
    int inboundLimit;
    FixSession session;
    boolean closed;

    Connection(
        final SocketChannel channel,
        final SelectionKey key,
        final int inboundCapacity,
        final long openedNs,
        final String remote)
    {
        this.channel = channel;
        this.key = key;
        this.inboundByteBuffer = ByteBuffer.allocateDirect(inboundCapacity);
        this.inbound = new UnsafeBuffer(inboundByteBuffer);
        this.openedNs = openedNs;
        this.remote = remote;
    }
}
