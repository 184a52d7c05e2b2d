package dev.tandem.fix.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A flyweight encoder of one tag=value FIX message into a {@link MutableDirectBuffer}, without allocating.
 * <p>
 * Usage: {@link #wrap} a region, put fields from MsgType (35) onward in wire order, then {@link #finish} with the
 * BeginString. The body is written {@link #HEADER_RESERVE} bytes into the region; {@code finish} writes
 * {@code 8=...<SOH>9=...<SOH>} right-aligned in front of it (so nothing is moved) and appends {@code 10=nnn<SOH>}.
 * The message then lies at {@link #messageOffset()} for {@link #messageLength()} bytes.
 * <p>
 * A put that would not fit sets an overflow flag instead of writing; {@link #finish} then returns
 * {@link #OVERFLOW}. Not thread safe.
 */
public final class FixEncoder
{
    /** Bytes reserved in front of the body for BeginString and BodyLength: fits {@code 8=FIXT.1.1}, 9 digits. */
    public static final int HEADER_RESERVE = 32;
    /** Returned by {@link #finish} when the fields did not fit in the region. */
    public static final int OVERFLOW = -1;

    private static final byte SOH = 1;
    private static final int TRAILER_LENGTH = 7;
    private static final long[] POWERS_OF_TEN = new long[19];

    static
    {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++)
        {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private final UnsafeBuffer dateScratch = new UnsafeBuffer(new byte[32]);
    private MutableDirectBuffer buffer;
    private byte[] array;
    private long address;
    private long cachedDay = Long.MIN_VALUE;
    private long cachedDate;
    private int bodyStart;
    private int position;
    private int limit;
    private boolean overflow;
    private int messageOffset;
    private int messageLength;

    /**
     * Starts a message in {@code [offset, offset + capacity)}.
     *
     * @return this encoder.
     */
    public FixEncoder wrap(final MutableDirectBuffer buffer, final int offset, final int capacity)
    {
        this.buffer = buffer;
        this.array = buffer.byteArray();
        this.address = buffer.addressOffset();
        this.bodyStart = offset + HEADER_RESERVE;
        this.position = bodyStart;
        this.limit = offset + capacity - TRAILER_LENGTH;
        // the region is checked once here; every write below stays before limit + TRAILER_LENGTH
        this.overflow = capacity < HEADER_RESERVE + TRAILER_LENGTH || offset < 0 ||
            (long)offset + capacity > buffer.capacity();
        this.messageOffset = offset;
        this.messageLength = 0;
        return this;
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /** Where the next field will be written. */
    public int position()
    {
        return position;
    }

    /** True when a put did not fit. */
    public boolean overflow()
    {
        return overflow;
    }

    public FixEncoder msgType(final CharSequence msgType)
    {
        return putAscii(Tags.MSG_TYPE, msgType);
    }

    public FixEncoder putInt(final int tag, final int value)
    {
        if (reserve(24))
        {
            putTag(tag);
            position += putSigned(position, value);
            put(position++, SOH);
        }
        return this;
    }

    public FixEncoder putLong(final int tag, final long value)
    {
        if (reserve(34))
        {
            putTag(tag);
            position += putSigned(position, value);
            put(position++, SOH);
        }
        return this;
    }

    public FixEncoder putChar(final int tag, final char value)
    {
        if (reserve(14))
        {
            putTag(tag);
            put(position++, (byte)value);
            put(position++, SOH);
        }
        return this;
    }

    /** Y or N. */
    public FixEncoder putBoolean(final int tag, final boolean value)
    {
        return putChar(tag, value ? 'Y' : 'N');
    }

    /** An ASCII value; an empty value is not a legal FIX field and is skipped. */
    public FixEncoder putAscii(final int tag, final CharSequence value)
    {
        final int length = value.length();
        if (length > 0 && reserve(12 + length))
        {
            putTag(tag);
            for (int i = 0; i < length; i++)
            {
                put(position++, (byte)value.charAt(i));
            }
            put(position++, SOH);
        }
        return this;
    }

    /** A value copied from a buffer; an empty value is skipped. */
    public FixEncoder putBytes(final int tag, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        if (valueLength > 0 && reserve(12 + valueLength))
        {
            putTag(tag);
            buffer.putBytes(position, value, valueOffset, valueLength);
            position += valueLength;
            put(position++, SOH);
        }
        return this;
    }

    /** A UTCTimestamp with milliseconds. */
    public FixEncoder putTimestampMs(final int tag, final long epochMs)
    {
        if (reserve(12 + UtcTimestamps.LENGTH_MILLIS))
        {
            putTag(tag);
            position += putTimestamp(position, epochMs, true);
            put(position++, SOH);
        }
        return this;
    }

    /** A UTCTimestamp in whole seconds. */
    public FixEncoder putTimestampSeconds(final int tag, final long epochMs)
    {
        if (reserve(12 + UtcTimestamps.LENGTH_SECONDS))
        {
            putTag(tag);
            position += putTimestamp(position, epochMs, false);
            put(position++, SOH);
        }
        return this;
    }

    /** A decimal given as {@code mantissa * 10^-scale}, written with exactly {@code scale} fraction digits. */
    public FixEncoder putDecimal(final int tag, final long mantissa, final int scale)
    {
        if (scale <= 0 || scale > 18 || mantissa == Long.MIN_VALUE)
        {
            return putLong(tag, mantissa);
        }
        if (reserve(36))
        {
            putTag(tag);
            long value = mantissa;
            if (value < 0)
            {
                put(position++, (byte)'-');
                value = -value;
            }
            final long power = POWERS_OF_TEN[scale];
            position += putNatural(position, value / power);
            put(position++, (byte)'.');
            long fraction = value % power;
            for (int i = scale - 1; i >= 0; i--)
            {
                put(position + i, (byte)('0' + fraction % 10));
                fraction /= 10;
            }
            position += scale;
            put(position++, SOH);
        }
        return this;
    }

    /** Copies already encoded fields ({@code tag=value<SOH>...}) as they are. */
    public FixEncoder putRawFields(final DirectBuffer fields, final int fieldsOffset, final int fieldsLength)
    {
        if (fieldsLength > 0 && reserve(fieldsLength))
        {
            buffer.putBytes(position, fields, fieldsOffset, fieldsLength);
            position += fieldsLength;
        }
        return this;
    }

    /**
     * Completes the message: writes BeginString and BodyLength in front of the body and CheckSum after it.
     *
     * @return the message length, or {@link #OVERFLOW}.
     */
    public int finish(final CharSequence beginString)
    {
        final int bodyLength = position - bodyStart;
        final int bodyLengthDigits = digitCount(bodyLength);
        final int prefixLength = 2 + beginString.length() + 1 + 2 + bodyLengthDigits + 1;
        if (overflow || prefixLength > HEADER_RESERVE)
        {
            return OVERFLOW;
        }
        int p = bodyStart - prefixLength;
        messageOffset = p;
        put(p++, (byte)'8');
        put(p++, (byte)'=');
        for (int i = 0, n = beginString.length(); i < n; i++)
        {
            put(p++, (byte)beginString.charAt(i));
        }
        put(p++, SOH);
        put(p++, (byte)'9');
        put(p++, (byte)'=');
        p += putNatural(p, bodyLength);
        put(p, SOH);

        final int checksum = FixDecoder.checksum(buffer, messageOffset, position - messageOffset);
        put(position++, (byte)'1');
        put(position++, (byte)'0');
        put(position++, (byte)'=');
        put(position++, (byte)('0' + checksum / 100));
        put(position++, (byte)('0' + (checksum / 10) % 10));
        put(position++, (byte)('0' + checksum % 10));
        put(position++, SOH);
        messageLength = position - messageOffset;
        return messageLength;
    }

    /** Offset of the finished message's first byte ({@code 8}). */
    public int messageOffset()
    {
        return messageOffset;
    }

    /** Length of the finished message, 0 before {@link #finish}. */
    public int messageLength()
    {
        return messageLength;
    }

    private boolean reserve(final int worstCase)
    {
        if (overflow || position + worstCase > limit)
        {
            overflow = true;
            return false;
        }
        return true;
    }

    private void putTag(final int tag)
    {
        position += putNatural(position, tag);
        put(position++, (byte)'=');
    }

    private void put(final int index, final byte value)
    {
        UnsafeApi.putByte(array, address + index, value);
    }

    /** Writes a non-negative value's digits; returns how many. */
    private int putNatural(final int index, final long value)
    {
        int digits = 1;
        for (long v = value; v >= 10; v /= 10)
        {
            digits++;
        }
        long v = value;
        for (int i = index + digits - 1; i >= index; i--)
        {
            put(i, (byte)('0' + (v % 10)));
            v /= 10;
        }
        return digits;
    }

    private int putSigned(final int index, final long value)
    {
        if (value >= 0)
        {
            return putNatural(index, value);
        }
        if (value == Long.MIN_VALUE)
        {
            final String text = "-9223372036854775808";
            for (int i = 0; i < text.length(); i++)
            {
                put(index + i, (byte)text.charAt(i));
            }
            return text.length();
        }
        put(index, (byte)'-');
        return 1 + putNatural(index + 1, -value);
    }

    /** yyyyMMdd-HH:mm:ss[.SSS]; the date part is cached per day. */
    private int putTimestamp(final int index, final long epochMs, final boolean millis)
    {
        final long day = Math.floorDiv(epochMs, 86_400_000L);
        if (day != cachedDay)
        {
            UtcTimestamps.encodeSeconds(dateScratch, 0, epochMs);
            cachedDate = dateScratch.getLong(0, java.nio.ByteOrder.nativeOrder());
            cachedDay = day;
        }
        UnsafeApi.putLong(array, address + index, cachedDate);
        final int msOfDay = (int)(epochMs - day * 86_400_000L);
        final int secondOfDay = msOfDay / 1000;
        put2(index + 9, secondOfDay / 3600);
        put(index + 8, (byte)'-');
        put(index + 11, (byte)':');
        put2(index + 12, (secondOfDay / 60) % 60);
        put(index + 14, (byte)':');
        put2(index + 15, secondOfDay % 60);
        if (!millis)
        {
            return UtcTimestamps.LENGTH_SECONDS;
        }
        final int ms = msOfDay % 1000;
        put(index + 17, (byte)'.');
        put(index + 18, (byte)('0' + ms / 100));
        put(index + 19, (byte)('0' + (ms / 10) % 10));
        put(index + 20, (byte)('0' + ms % 10));
        return UtcTimestamps.LENGTH_MILLIS;
    }

    private void put2(final int index, final int value)
    {
        put(index, (byte)('0' + value / 10));
        put(index + 1, (byte)('0' + value % 10));
    }

    private static int digitCount(final int value)
    {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10)
        {
            digits++;
        }
        return digits;
    }
}
