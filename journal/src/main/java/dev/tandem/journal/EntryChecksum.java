package dev.tandem.journal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;

/**
 * CRC32C over entry bytes held in any Agrona buffer, without allocating in steady state: byte arrays and direct
 * {@link ByteBuffer}s are checksummed in place (the JDK intrinsic); memory known only by address is copied to a
 * scratch array first (reads of Chronicle memory during recovery).
 * <p>
 * Not thread safe: one instance per thread.
 */
final class EntryChecksum
{
    /** Direct buffers seen recently: a session engine alternates between a few (inbound, outbound, resend). */
    private static final int VIEW_SLOTS = 4;

    private final CRC32C crc = new CRC32C();
    private final ByteBuffer[] viewSources = new ByteBuffer[VIEW_SLOTS];
    private final ByteBuffer[] views = new ByteBuffer[VIEW_SLOTS];
    private int nextVictim;
    private byte[] scratch = new byte[1024];

    int compute(final DirectBuffer buffer, final int offset, final int length)
    {
        crc.reset();
        update(buffer, offset, length);
        return (int)crc.getValue();
    }

    int compute(
        final DirectBuffer first, final int firstOffset, final int firstLength,
        final DirectBuffer second, final int secondOffset, final int secondLength)
    {
        crc.reset();
        update(first, firstOffset, firstLength);
        update(second, secondOffset, secondLength);
        return (int)crc.getValue();
    }

    private void update(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length == 0)
        {
            return;
        }
        buffer.boundsCheck(offset, length);
        final byte[] array = buffer.byteArray();
        if (array != null)
        {
            crc.update(array, buffer.wrapAdjustment() + offset, length);
            return;
        }

        final ByteBuffer byteBuffer = buffer.byteBuffer();
        if (byteBuffer != null && byteBuffer.isDirect())
        {
            final ByteBuffer view = viewOf(byteBuffer);
            final int start = buffer.wrapAdjustment() + offset;
            view.clear();
            view.limit(start + length).position(start);
            crc.update(view);
            return;
        }

        if (scratch.length < length)
        {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        buffer.getBytes(offset, scratch, 0, length);
        crc.update(scratch, 0, length);
    }

    private ByteBuffer viewOf(final ByteBuffer byteBuffer)
    {
        for (int i = 0; i < VIEW_SLOTS; i++)
        {
            if (viewSources[i] == byteBuffer)
            {
                return views[i];
            }
        }
        final int slot = nextVictim;
        nextVictim = (slot + 1) % VIEW_SLOTS;
        viewSources[slot] = byteBuffer;
        views[slot] = byteBuffer.duplicate();
        return views[slot];
    }
}
