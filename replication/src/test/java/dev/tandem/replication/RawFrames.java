package dev.tandem.replication;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import static dev.tandem.replication.FrameDescriptor.*;

/** Hand-built frames for tests that play a hostile or broken peer over a plain socket. */
final class RawFrames
{
    private RawFrames()
    {
    }

    /** Stamps length and CRC-32C of a frame built in {@code bytes}. */
    static byte[] seal(final byte[] bytes, final int type)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        header(buffer, 0, bytes.length, type);
        final CRC32C crc = new CRC32C();
        crc.update(bytes, TYPE_OFFSET, bytes.length - TYPE_OFFSET);
        buffer.putInt(CRC_OFFSET, (int)crc.getValue(), ByteOrder.LITTLE_ENDIAN);
        return bytes;
    }

    static byte[] hello(final int version, final String cluster, final long nextPosition, final byte[] nonce)
    {
        final byte[] name = cluster.getBytes(StandardCharsets.US_ASCII);
        final byte[] bytes = new byte[helloLength(name.length)];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putInt(HELLO_MAGIC_OFFSET, MAGIC, ORDER);
        buffer.putInt(HELLO_VERSION_OFFSET, version, ORDER);
        buffer.putInt(HELLO_NODE_ID_OFFSET, 66, ORDER);
        buffer.putLong(HELLO_EPOCH_OFFSET, 0, ORDER);
        buffer.putLong(HELLO_NEXT_POSITION_OFFSET, nextPosition, ORDER);
        buffer.putLong(HELLO_LAST_CHECKSUM_OFFSET, 0, ORDER);
        buffer.putInt(HELLO_MAX_FRAME_OFFSET, 1 << 20, ORDER);
        buffer.putBytes(HELLO_NONCE_OFFSET, nonce);
        buffer.putShort(HELLO_CLUSTER_LENGTH_OFFSET, (short)name.length, ORDER);
        buffer.putBytes(HELLO_CLUSTER_OFFSET, name);
        return seal(bytes, TYPE_HELLO);
    }

    /** Reads one frame; returns its bytes. */
    static byte[] readFrame(final InputStream in) throws IOException
    {
        final DataInputStream data = new DataInputStream(in);
        final byte[] lengthBytes = new byte[4];
        data.readFully(lengthBytes);
        final int length = new UnsafeBuffer(lengthBytes).getInt(0, ORDER);
        if (length < HEADER_LENGTH || length > 1 << 20)
        {
            throw new IOException("bad frame length " + length);
        }
        final byte[] frame = new byte[length];
        System.arraycopy(lengthBytes, 0, frame, 0, 4);
        data.readFully(frame, 4, length - 4);
        return frame;
    }

    static int type(final byte[] frame)
    {
        return new UnsafeBuffer(frame).getShort(TYPE_OFFSET, ORDER);
    }

    static CloseReason closeReason(final byte[] frame)
    {
        return CloseReason.ofCode(new UnsafeBuffer(frame).getInt(CLOSE_REASON_OFFSET, ORDER));
    }
}
