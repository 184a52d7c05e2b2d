package dev.tandem.replication;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.zip.CRC32C;

import static dev.tandem.replication.FrameDescriptor.CRC_OFFSET;
import static dev.tandem.replication.FrameDescriptor.HEADER_LENGTH;
import static dev.tandem.replication.FrameDescriptor.LENGTH_OFFSET;
import static dev.tandem.replication.FrameDescriptor.ORDER;
import static dev.tandem.replication.FrameDescriptor.TYPE_OFFSET;

/**
 * Frames over one non-blocking socket: a receive buffer that yields whole, checksum-verified frames, and a send
 * buffer where frames are claimed, written in place, committed (which stamps their checksum) and flushed without
 * blocking. Buffers are allocated once and reused across connections ({@link #reset(SocketChannel)}).
 * <p>
 * Not thread safe: owned by one agent.
 */
final class FrameChannel
{
    /** {@link #poll} status: a frame declared a length below the header or above the receiver's maximum. */
    static final int BAD_LENGTH = -1;
    /** {@link #poll} status: a frame's checksum did not match its bytes. */
    static final int BAD_CHECKSUM = -2;
    /** {@link #poll} status: the handler refused a frame (and has already decided what to do). */
    static final int HANDLER_STOP = -3;
    /** First byte of a TLS handshake record. */
    private static final byte TLS_HANDSHAKE = 0x16;
    /** First byte of a TLS alert record. */
    private static final byte TLS_ALERT = 0x15;

    /** Receives one whole frame; the bytes are valid only during the call. */
    interface FrameHandler
    {
        /** @return true to go on, false to stop polling (for example the connection is being closed). */
        boolean onFrame(UnsafeBuffer buffer, int offset, int length, int type);
    }

    private final ByteBuffer receiveByteBuffer;
    private final UnsafeBuffer receiveBuffer;
    private final ByteBuffer receiveCrcView;
    private final ByteBuffer sendByteBuffer;
    private final UnsafeBuffer sendBuffer;
    private final ByteBuffer sendCrcView;
    private final CRC32C crc = new CRC32C();
    private SocketChannel channel;
    /** TLS under the frames, or null for a plain link. */
    private TlsChannel tls;
    private int maxFrameLength;
    private int receiveStart;
    private int receiveEnd;
    private int sendStart;
    private int sendEnd;
    private long lastBadLength;

    FrameChannel(final int receiveCapacity, final int sendCapacity)
    {
        receiveByteBuffer = ByteBuffer.allocateDirect(receiveCapacity);
        receiveBuffer = new UnsafeBuffer(receiveByteBuffer);
        receiveCrcView = receiveByteBuffer.duplicate();
        sendByteBuffer = ByteBuffer.allocateDirect(sendCapacity);
        sendBuffer = new UnsafeBuffer(sendByteBuffer);
        sendCrcView = sendByteBuffer.duplicate();
        maxFrameLength = receiveCapacity;
    }

    /** Starts over on a new socket with empty buffers, plain. */
    FrameChannel reset(final SocketChannel channel)
    {
        return reset(channel, null);
    }

    /**
     * Starts over on a new socket with empty buffers.
     *
     * @param tls TLS over {@code channel} (already reset on it), or null for a plain link.
     */
    FrameChannel reset(final SocketChannel channel, final TlsChannel tls)
    {
        this.channel = channel;
        this.tls = tls;
        receiveStart = 0;
        receiveEnd = 0;
        sendStart = 0;
        sendEnd = 0;
        return this;
    }

    SocketChannel channel()
    {
        return channel;
    }

    /** The TLS layer under the frames, null for a plain link. */
    TlsChannel tls()
    {
        return tls;
    }

    /**
     * True when received bytes wait below the frames without the socket being readable (decrypted TLS data): the
     * owning agent counts this as work, so it reads again before its idle strategy waits on the socket.
     */
    boolean hasBufferedInput()
    {
        return tls != null && tls.hasBufferedInput();
    }

    /** The longest frame {@link #poll} accepts; at most the receive capacity. */
    FrameChannel maxFrameLength(final int maxFrameLength)
    {
        this.maxFrameLength = Math.min(maxFrameLength, receiveBuffer.capacity());
        return this;
    }

    int maxFrameLength()
    {
        return maxFrameLength;
    }

    /** The length a frame declared when {@link #poll} returned {@link #BAD_LENGTH}. */
    long lastBadLength()
    {
        return lastBadLength;
    }

    /**
     * Reads what the socket has now.
     *
     * @return bytes read, 0 when nothing is there, -1 at end of stream.
     */
    int read() throws IOException
    {
        if (receiveStart == receiveEnd)
        {
            receiveStart = 0;
            receiveEnd = 0;
        }
        else if (receiveBuffer.capacity() - receiveEnd < maxFrameLength && receiveStart > 0)
        {
            final int remaining = receiveEnd - receiveStart;
            receiveBuffer.putBytes(0, receiveBuffer, receiveStart, remaining);
            receiveStart = 0;
            receiveEnd = remaining;
        }
        if (receiveEnd == receiveBuffer.capacity())
        {
            return 0;
        }
        receiveByteBuffer.limit(receiveBuffer.capacity()).position(receiveEnd);
        final int read = tls == null ? channel.read(receiveByteBuffer) : tls.read(receiveByteBuffer);
        if (read > 0)
        {
            receiveEnd += read;
        }
        return read;
    }

    /**
     * True when the bytes received so far begin like a TLS record (a handshake or an alert) rather than a frame: a
     * TLS peer talking to a plain end. Only meaningful on a plain channel before the first frame.
     */
    boolean startsLikeTls()
    {
        if (receiveEnd - receiveStart < 2)
        {
            return false;
        }
        final byte type = receiveBuffer.getByte(receiveStart);
        return (type == TLS_HANDSHAKE || type == TLS_ALERT) && receiveBuffer.getByte(receiveStart + 1) == 3;
    }

    /** True when a partial frame is waiting for the rest of its bytes. */
    boolean hasPartialFrame()
    {
        return receiveEnd > receiveStart;
    }

    /**
     * Delivers whole frames already received, at most {@code limit}.
     *
     * @return frames delivered, or {@link #BAD_LENGTH}, {@link #BAD_CHECKSUM} or {@link #HANDLER_STOP}.
     */
    int poll(final FrameHandler handler, final int limit)
    {
        int frames = 0;
        while (frames < limit && receiveEnd - receiveStart >= HEADER_LENGTH)
        {
            final int length = receiveBuffer.getInt(receiveStart + LENGTH_OFFSET, ORDER);
            if (length < HEADER_LENGTH || length > maxFrameLength)
            {
                lastBadLength = length;
                return BAD_LENGTH;
            }
            if (receiveEnd - receiveStart < length)
            {
                break;
            }
            final int declared = receiveBuffer.getInt(receiveStart + CRC_OFFSET, ORDER);
            receiveCrcView.limit(receiveStart + length).position(receiveStart + TYPE_OFFSET);
            crc.reset();
            crc.update(receiveCrcView);
            if ((int)crc.getValue() != declared)
            {
                return BAD_CHECKSUM;
            }
            final int offset = receiveStart;
            receiveStart += length;
            frames++;
            final int type = receiveBuffer.getShort(offset + TYPE_OFFSET, ORDER);
            if (!handler.onFrame(receiveBuffer, offset, length, type))
            {
                return HANDLER_STOP;
            }
        }
        return frames;
    }

    /** The buffer frames are claimed in; write only inside a claimed range. */
    UnsafeBuffer sendBuffer()
    {
        return sendBuffer;
    }

    /** Bytes committed and not yet written to the socket (with TLS: or encrypted and not yet written). */
    int pendingBytes()
    {
        return sendEnd - sendStart + (tls == null ? 0 : tls.pendingBytes());
    }

    /** Room for a frame of {@code length} after compacting, without writing anything. */
    boolean hasRoomFor(final int length)
    {
        return sendBuffer.capacity() - (sendEnd - sendStart) >= length;
    }

    /**
     * Claims {@code maxLength} bytes for a frame at the end of the send buffer.
     *
     * @return the offset of the claimed range, or -1 when there is not enough room (flush first).
     */
    int claim(final int maxLength)
    {
        if (sendBuffer.capacity() - sendEnd < maxLength)
        {
            if (sendStart == sendEnd)
            {
                sendStart = 0;
                sendEnd = 0;
            }
            else if (sendStart > 0)
            {
                final int pending = sendEnd - sendStart;
                sendBuffer.putBytes(0, sendBuffer, sendStart, pending);
                sendStart = 0;
                sendEnd = pending;
            }
            if (sendBuffer.capacity() - sendEnd < maxLength)
            {
                return -1;
            }
        }
        return sendEnd;
    }

    /** Stamps length and checksum of the frame at {@code offset} (which was claimed) and makes it pending. */
    void commit(final int offset, final int length)
    {
        sendBuffer.putInt(offset + LENGTH_OFFSET, length, ORDER);
        sendCrcView.limit(offset + length).position(offset + TYPE_OFFSET);
        crc.reset();
        crc.update(sendCrcView);
        sendBuffer.putInt(offset + CRC_OFFSET, (int)crc.getValue(), ORDER);
        sendEnd = offset + length;
    }

    /**
     * Queues a frame that carries a position and a source timestamp (ACK or HEARTBEAT).
     *
     * @return false when there is no room.
     */
    boolean offerPosition(final int type, final long position, final long stampNs)
    {
        final int at = claim(FrameDescriptor.ACK_LENGTH);
        if (at < 0)
        {
            return false;
        }
        FrameDescriptor.header(sendBuffer, at, FrameDescriptor.ACK_LENGTH, type);
        sendBuffer.putLong(at + FrameDescriptor.POSITION_OFFSET, position, ORDER);
        sendBuffer.putLong(at + FrameDescriptor.STAMP_OFFSET, stampNs, ORDER);
        commit(at, FrameDescriptor.ACK_LENGTH);
        return true;
    }

    /** Queues a close frame with a reason and a short ASCII text. @return false when there is no room. */
    boolean offerClose(final CloseReason reason, final String text)
    {
        final byte[] bytes = FrameDescriptor.ascii(text, FrameDescriptor.MAX_CLOSE_TEXT_LENGTH);
        final int length = FrameDescriptor.closeLength(bytes.length);
        final int at = claim(length);
        if (at < 0)
        {
            return false;
        }
        FrameDescriptor.header(sendBuffer, at, length, FrameDescriptor.TYPE_CLOSE);
        sendBuffer.putInt(at + FrameDescriptor.CLOSE_REASON_OFFSET, reason.code(), ORDER);
        sendBuffer.putShort(at + FrameDescriptor.CLOSE_TEXT_LENGTH_OFFSET, (short)bytes.length, ORDER);
        sendBuffer.putBytes(at + FrameDescriptor.CLOSE_TEXT_OFFSET, bytes);
        commit(at, length);
        return true;
    }

    /** Best effort: queue a close frame, write what the socket takes now, then close. */
    void closeWith(final CloseReason reason, final String text)
    {
        if (channel != null)
        {
            try
            {
                if (offerClose(reason, text))
                {
                    flush();
                }
            }
            catch (final IOException | java.nio.channels.NotYetConnectedException ignore)
            {
                // closing anyway; a socket still connecting has nobody to tell
            }
            close();
        }
    }

    /**
     * Writes as much of the pending bytes as the socket takes now.
     *
     * @return bytes written.
     */
    int flush() throws IOException
    {
        if (sendStart == sendEnd && (tls == null || tls.handshakeDone() && tls.pendingBytes() == 0))
        {
            return 0;
        }
        sendByteBuffer.limit(sendEnd).position(sendStart);
        // with TLS this also writes what an earlier call encrypted, and drives the handshake until it is done
        final int written = tls == null ? channel.write(sendByteBuffer) : tls.write(sendByteBuffer);
        sendStart += written;
        if (sendStart == sendEnd)
        {
            sendStart = 0;
            sendEnd = 0;
        }
        return written;
    }

    /** Closes the socket (with TLS: after a close_notify), ignoring errors; the buffers stay for the next connection. */
    void close()
    {
        if (channel != null)
        {
            if (tls != null)
            {
                tls.close();
            }
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // closing anyway
            }
            channel = null;
            tls = null;
        }
    }

    boolean isOpen()
    {
        return channel != null;
    }
}
