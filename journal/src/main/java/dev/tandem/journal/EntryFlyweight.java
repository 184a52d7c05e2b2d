package dev.tandem.journal;

import static dev.tandem.journal.EntryDescriptor.*;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The {@link JournalEntry} flyweight over encoded entry bytes (see {@link EntryDescriptor}).
 * <p>
 * Not thread safe: one instance per reading thread, re-wrapped per entry.
 */
final class EntryFlyweight implements JournalEntry
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
    private int length;

    EntryFlyweight wrap(final DirectBuffer source, final int offset, final int length)
    {
        buffer.wrap(source, offset, length);
        this.length = length;
        return this;
    }

    EntryFlyweight wrap(final long address, final int length)
    {
        buffer.wrap(address, length);
        this.length = length;
        return this;
    }

    /**
     * Checks that the wrapped bytes form a whole, valid entry.
     *
     * @return null when valid, else what is wrong (allocates only then).
     */
    String validate(final EntryChecksum checksum, final int maxMessageLengthBytes)
    {
        if (length < HEADER_LENGTH)
        {
            return "entry of " + length + " bytes is shorter than the " + HEADER_LENGTH + "-byte header";
        }
        final byte version = buffer.getByte(VERSION_OFFSET);
        if (version != VERSION)
        {
            return "entry format version " + version + " is not the supported version " + VERSION;
        }
        final int type = type();
        if (type == TYPE_MESSAGE)
        {
            final int messageLength = buffer.getInt(MESSAGE_LENGTH_OFFSET, BYTE_ORDER);
            if (messageLength <= 0 || messageLength != length - HEADER_LENGTH)
            {
                return "message length " + messageLength + " does not match entry length " + length;
            }
            if (messageLength > maxMessageLengthBytes)
            {
                return "message length " + messageLength + " exceeds maxMessageLengthBytes " + maxMessageLengthBytes;
            }
            final byte direction = buffer.getByte(DIRECTION_OFFSET);
            if (direction != DIRECTION_OUTBOUND && direction != DIRECTION_INBOUND)
            {
                return "unknown direction " + direction;
            }
            if (msgSeqNum() < 1 || msgSeqNum() > JournalEntry.MAX_SEQ_NUM)
            {
                return "MsgSeqNum " + msgSeqNum() + " is not within 1.." + JournalEntry.MAX_SEQ_NUM;
            }
        }
        else if (type == TYPE_SEQUENCE)
        {
            if (length != HEADER_LENGTH)
            {
                return "sequence entry of " + length + " bytes, expected " + HEADER_LENGTH;
            }
            if (nextSenderSeqNum() < 1 || nextTargetSeqNum() < 1)
            {
                return "sequence entry with non-positive seq nums " + nextSenderSeqNum() + "/" + nextTargetSeqNum();
            }
        }
        else
        {
            return "unknown entry type " + type;
        }
        if (position() < 1)
        {
            return "position " + position() + " is not positive";
        }
        final int stored = buffer.getInt(CHECKSUM_OFFSET, BYTE_ORDER);
        final int actual = checksum.compute(buffer, CHECKSUMMED_OFFSET, length - CHECKSUMMED_OFFSET);
        if (stored != actual)
        {
            return "CRC32C mismatch (stored " + Integer.toHexString(stored) + ", computed " +
                Integer.toHexString(actual) + ")";
        }
        return null;
    }

    @Override
    public long position()
    {
        return buffer.getLong(POSITION_OFFSET, BYTE_ORDER);
    }

    @Override
    public int type()
    {
        return buffer.getByte(TYPE_OFFSET);
    }

    @Override
    public long sessionId()
    {
        return buffer.getLong(SESSION_ID_OFFSET, BYTE_ORDER);
    }

    @Override
    public Direction direction()
    {
        return buffer.getByte(DIRECTION_OFFSET) == DIRECTION_INBOUND ? Direction.INBOUND : Direction.OUTBOUND;
    }

    boolean isInbound()
    {
        return buffer.getByte(DIRECTION_OFFSET) == DIRECTION_INBOUND;
    }

    @Override
    public int msgSeqNum()
    {
        return buffer.getInt(SEQ_NUM_OFFSET, BYTE_ORDER);
    }

    @Override
    public long timestampNs()
    {
        return buffer.getLong(TIMESTAMP_OFFSET, BYTE_ORDER);
    }

    @Override
    public int flags()
    {
        return buffer.getByte(FLAGS_OFFSET) & 0xFF;
    }

    @Override
    public int nextSenderSeqNum()
    {
        return buffer.getInt(NEXT_SENDER_OFFSET, BYTE_ORDER);
    }

    @Override
    public int nextTargetSeqNum()
    {
        return buffer.getInt(NEXT_TARGET_OFFSET, BYTE_ORDER);
    }

    @Override
    public DirectBuffer messageBuffer()
    {
        return buffer;
    }

    @Override
    public int messageOffset()
    {
        return HEADER_LENGTH;
    }

    @Override
    public int messageLength()
    {
        return type() == TYPE_MESSAGE ? length - HEADER_LENGTH : 0;
    }

    @Override
    public DirectBuffer rawBuffer()
    {
        return buffer;
    }

    @Override
    public int rawOffset()
    {
        return 0;
    }

    @Override
    public int rawLength()
    {
        return length;
    }

    @Override
    public String toString()
    {
        return "JournalEntry{position=" + position() + ", type=" + type() + ", sessionId=" + sessionId() +
            (type() == TYPE_MESSAGE ?
            ", direction=" + direction() + ", msgSeqNum=" + msgSeqNum() + ", flags=" + flags() +
            ", messageLength=" + messageLength() :
            ", nextSenderSeqNum=" + nextSenderSeqNum() + ", nextTargetSeqNum=" + nextTargetSeqNum()) + "}";
    }
}
