package dev.tandem.fix.codec;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

import java.nio.ByteOrder;

/**
 * A flyweight decoder of one tag=value FIX message over a {@link DirectBuffer}.
 * <p>
 * {@link #wrap(DirectBuffer, int, int)} indexes every field in one pass and validates the frame: {@code 8}, {@code 9}
 * and {@code 35} lead, BodyLength equals the bytes between the end of the BodyLength field and the start of the
 * CheckSum field, the message ends with {@code 10=nnn<SOH>} and the checksum is right. It returns {@link #OK} or a
 * negative status; it never throws on bad input and never reads outside {@code [offset, offset + length)}.
 * Values are then read by tag with typed accessors that parse in place; nothing allocates except
 * {@link #stringValue(int)}.
 * <p>
 * Repeating groups: fields are kept in wire order, so a group is read with {@link #fieldIndex(int, int)} from the
 * NoXxx count field, or with {@link #groupEntries(int, int, int[])}.
 * <p>
 * Not thread safe: one decoder per thread. The buffer must not change while the decoder is in use.
 */
public final class FixDecoder
{
    /** The message is well formed. */
    public static final int OK = 0;
    /** The bytes do not start with {@code 8=}, {@code 9=}, {@code 35=}, or a field is malformed. */
    public static final int GARBLED = -1;
    /** BodyLength does not match the bytes. */
    public static final int BAD_BODY_LENGTH = -2;
    /** The CheckSum field is missing, malformed or wrong. */
    public static final int BAD_CHECKSUM = -3;
    /**
     * A well-formed message (BodyLength and CheckSum right) with more fields than this decoder indexes: only the
     * first {@link #fieldCount()} fields (the header among them) can be read; see {@link #truncated()}.
     */
    public static final int TOO_MANY_FIELDS = -4;

    /** Default maximum number of fields indexed per message. */
    public static final int DEFAULT_MAX_FIELDS = 1024;

    /**
     * Tags below this are found by {@link #fieldIndex(int)} through a table filled while indexing (the header, the
     * common body fields, ApplVerID 1128); higher ones by a scan. 8 KiB per table.
     */
    static final int DIRECT_TAGS = 2048;
    private static final byte SOH = 1;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final int[] tags;
    private final int[] valueOffsets;
    private final int[] valueLengths;
    /** By tag below {@link #DIRECT_TAGS}: the index of its first field, valid when {@link #firstIndexWrap} is this wrap. */
    private final int[] firstIndex = new int[DIRECT_TAGS];
    private final int[] firstIndexWrap = new int[DIRECT_TAGS];
    /** Counts wraps, from 1; a tag whose {@link #firstIndexWrap} differs was not seen in this one. */
    private int wrapCount;
    private DirectBuffer buffer;
    private byte[] array;
    private long address;
    private int offset;
    private int length;
    private int fieldCount;
    private int msgSeqNumCache;
    private boolean truncated;

    public FixDecoder()
    {
        this(DEFAULT_MAX_FIELDS);
    }

    public FixDecoder(final int maxFields)
    {
        if (maxFields < 4)
        {
            throw new IllegalArgumentException("maxFields=" + maxFields + ": must be at least 4");
        }
        tags = new int[maxFields];
        valueOffsets = new int[maxFields];
        valueLengths = new int[maxFields];
    }

    /**
     * Indexes and validates the message in {@code [offset, offset + length)}.
     *
     * @return {@link #OK} or a negative status ({@link #GARBLED}, {@link #BAD_BODY_LENGTH}, {@link #BAD_CHECKSUM},
     * {@link #TOO_MANY_FIELDS}); after a negative status only {@link #fieldCount()} fields parsed so far are valid.
     */
    public int wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.fieldCount = 0;
        this.msgSeqNumCache = Integer.MIN_VALUE;
        this.truncated = false;
        if (++wrapCount == Integer.MAX_VALUE)
        {
            java.util.Arrays.fill(firstIndexWrap, 0);
            wrapCount = 1;
        }
        if (offset < 0 || length <= 0 || (long)offset + length > buffer.capacity())
        {
            return GARBLED;
        }

        // bounds are checked once above; every read below stays within [offset, end), and accessors read only
        // inside indexed values
        final byte[] array = buffer.byteArray();
        final long address = buffer.addressOffset();
        this.array = array;
        this.address = address;
        final int[] tags = this.tags;
        final int[] valueOffsets = this.valueOffsets;
        final int[] valueLengths = this.valueLengths;
        final int[] firstIndex = this.firstIndex;
        final int[] firstIndexWrap = this.firstIndexWrap;
        final int wrap = this.wrapCount;
        final int maxFields = tags.length;
        final int end = offset + length;
        int position = offset;
        int count = 0;
        int checksumFieldStart = -1;
        // beyond maxFields the fields are still checked (so that the status is trustworthy) but not indexed; the
        // last slot then holds whichever field came last, which for a whole message is the CheckSum
        boolean overflow = false;
        while (position < end)
        {
            if (count == maxFields)
            {
                overflow = true;
                count--;
            }
            final int fieldStart = position;
            int tag = 0;
            // a tag has 1 to 9 digits: '=' must come within the next 10 bytes
            final int tagLimit = Math.min(end, position + 10);
            while (true)
            {
                if (position >= tagLimit)
                {
                    fieldCount = count;
                    return GARBLED;
                }
                final byte b = UnsafeApi.getByte(array, address + position++);
                if (b == '=')
                {
                    break;
                }
                final int d = b - '0';
                if (d < 0 || d > 9)
                {
                    fieldCount = count;
                    return GARBLED;
                }
                tag = tag * 10 + d;
            }
            if (tag == 0)
            {
                fieldCount = count;
                return GARBLED;
            }
            final int valueStart = position;
            position = findSoh(array, address, position, end);
            if (position < 0)
            {
                fieldCount = count;
                return GARBLED;
            }
            final int valueLength = position - valueStart;
            position++;
            // an empty value is a framing error in BeginString, BodyLength, MsgType and CheckSum; elsewhere it is
            // indexed, for the session to answer "Tag specified without a value" (373=4)
            if (valueLength == 0 && (count < 3 || tag == Tags.CHECK_SUM))
            {
                fieldCount = count;
                return GARBLED;
            }
            tags[count] = tag;
            valueOffsets[count] = valueStart;
            valueLengths[count] = valueLength;
            if (tag < DIRECT_TAGS && firstIndexWrap[tag] != wrap)
            {
                firstIndexWrap[tag] = wrap;
                firstIndex[tag] = count;
            }
            count++;
            if (tag == Tags.CHECK_SUM)
            {
                checksumFieldStart = fieldStart;
                break;
            }
        }
        fieldCount = count;

        if (count < 4 || tags[0] != Tags.BEGIN_STRING || tags[1] != Tags.BODY_LENGTH || tags[2] != Tags.MSG_TYPE)
        {
            return GARBLED;
        }
        if (checksumFieldStart < 0 || position != end)
        {
            return BAD_CHECKSUM;
        }
        final long declaredBodyLength = parseLong(valueOffsets[1], valueLengths[1]);
        final int actualBodyLength = checksumFieldStart - (valueOffsets[1] + valueLengths[1] + 1);
        if (declaredBodyLength != actualBodyLength)
        {
            return BAD_BODY_LENGTH;
        }
        final int checksumIndex = count - 1;
        if (valueLengths[checksumIndex] != 3)
        {
            return BAD_CHECKSUM;
        }
        final long declaredChecksum = parseLong(valueOffsets[checksumIndex], 3);
        if (declaredChecksum != checksum(buffer, offset, checksumFieldStart - offset))
        {
            return BAD_CHECKSUM;
        }
        if (overflow)
        {
            // the CheckSum sits in the last slot; readers see the indexed prefix only
            fieldCount = count - 1;
            truncated = true;
            return TOO_MANY_FIELDS;
        }
        return OK;
    }

    /** Index of the first SOH in [from, end), or -1; reads whole words where it can. */
    private static int findSoh(final byte[] array, final long address, final int from, final int end)
    {
        int position = from;
        while (position + 8 <= end)
        {
            final long word = UnsafeApi.getLong(array, address + position);
            final long x = word ^ 0x0101010101010101L;
            final long found = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            if (found != 0)
            {
                return position + (LITTLE_ENDIAN ?
                    Long.numberOfTrailingZeros(found) : Long.numberOfLeadingZeros(found)) / 8;
            }
            position += 8;
        }
        for (; position < end; position++)
        {
            if (UnsafeApi.getByte(array, address + position) == SOH)
            {
                return position;
            }
        }
        return -1;
    }

    /** Sum of the bytes modulo 256, as the CheckSum field defines it. */
    public static int checksum(final DirectBuffer buffer, final int offset, final int length)
    {
        buffer.boundsCheck(offset, length);
        final byte[] array = buffer.byteArray();
        final long address = buffer.addressOffset();
        long sum = 0;
        final int end = offset + length;
        int i = offset;
        while (i + 8 <= end)
        {
            // a word's bytes are summed in four 16-bit lanes (two bytes, at most 510, per lane and word); 128 words
            // (65,280 per lane) fit before the lanes are added up, so no lane carries into the next
            final int blockEnd = Math.min(end - 7, i + 128 * 8);
            long lanes = 0;
            for (; i < blockEnd; i += 8)
            {
                final long word = UnsafeApi.getLong(array, address + i);
                lanes += (word & 0x00FF00FF00FF00FFL) + ((word >>> 8) & 0x00FF00FF00FF00FFL);
            }
            sum += (lanes & 0xFFFF) + ((lanes >>> 16) & 0xFFFF) + ((lanes >>> 32) & 0xFFFF) + (lanes >>> 48);
        }
        for (; i < end; i++)
        {
            sum += UnsafeApi.getByte(array, address + i) & 0xFF;
        }
        return (int)(sum & 0xFF);
    }

    /**
     * True when the last {@link #wrap} returned {@link #TOO_MANY_FIELDS}: the message is well formed but only its
     * first {@link #fieldCount()} fields are indexed, so it cannot be processed field by field.
     */
    public boolean truncated()
    {
        return truncated;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public int length()
    {
        return length;
    }

    /** Number of fields indexed, 8 through 10 inclusive. */
    public int fieldCount()
    {
        return fieldCount;
    }

    public int tag(final int index)
    {
        return tags[index];
    }

    public int valueOffset(final int index)
    {
        return valueOffsets[index];
    }

    public int valueLength(final int index)
    {
        return valueLengths[index];
    }

    /** Index of the first field with {@code tag}, or -1: one table read for a tag below 2048, else a scan. */
    public int fieldIndex(final int tag)
    {
        if (tag >= 0 && tag < DIRECT_TAGS)
        {
            if (firstIndexWrap[tag] != wrapCount)
            {
                return -1;
            }
            final int index = firstIndex[tag];
            // past TOO_MANY_FIELDS the last slot was reused: the table may name a field no longer there
            if (index < fieldCount && tags[index] == tag)
            {
                return index;
            }
        }
        return fieldIndex(tag, 0);
    }

    /** Index of the first field with {@code tag} at or after {@code fromIndex}, or -1. */
    public int fieldIndex(final int tag, final int fromIndex)
    {
        final int[] tags = this.tags;
        for (int i = Math.max(fromIndex, 0), n = fieldCount; i < n; i++)
        {
            if (tags[i] == tag)
            {
                return i;
            }
        }
        return -1;
    }

    public boolean contains(final int tag)
    {
        return fieldIndex(tag) >= 0;
    }

    /** The integer value of {@code tag}, or {@code missingValue} if absent or not an integer. */
    public int intValue(final int tag, final int missingValue)
    {
        final int i = fieldIndex(tag);
        if (i < 0)
        {
            return missingValue;
        }
        final long value = parseLong(valueOffsets[i], valueLengths[i]);
        return value == Long.MIN_VALUE || value > Integer.MAX_VALUE || value < Integer.MIN_VALUE ?
            missingValue : (int)value;
    }

    /** The integer value of {@code tag}, or {@code missingValue} if absent or not an integer. */
    public long longValue(final int tag, final long missingValue)
    {
        final int i = fieldIndex(tag);
        if (i < 0)
        {
            return missingValue;
        }
        final long value = parseLong(valueOffsets[i], valueLengths[i]);
        return value == Long.MIN_VALUE ? missingValue : value;
    }

    /**
     * A decimal value as a long scaled by {@code 10^scale} (extra fraction digits are truncated), e.g. "12.345"
     * with scale 2 gives 1234.
     *
     * @return the scaled value, or {@code missingValue} if absent or malformed.
     */
    public long decimalValue(final int tag, final int scale, final long missingValue)
    {
        final int i = fieldIndex(tag);
        if (i < 0)
        {
            return missingValue;
        }
        int position = valueOffsets[i];
        final int end = position + valueLengths[i];
        boolean negative = false;
        if (byteAt(position) == '-')
        {
            negative = true;
            position++;
        }
        long value = 0;
        int fractionDigits = -1;
        int digits = 0;
        for (; position < end; position++)
        {
            final byte b = byteAt(position);
            if (b == '.')
            {
                if (fractionDigits >= 0)
                {
                    return missingValue;
                }
                fractionDigits = 0;
                continue;
            }
            final int d = b - '0';
            if (d < 0 || d > 9)
            {
                return missingValue;
            }
            if (fractionDigits >= 0)
            {
                if (fractionDigits == scale)
                {
                    continue;
                }
                fractionDigits++;
            }
            if (++digits > 18)
            {
                return missingValue;
            }
            value = value * 10 + d;
        }
        if (digits == 0)
        {
            return missingValue;
        }
        for (int f = Math.max(fractionDigits, 0); f < scale; f++)
        {
            value *= 10;
        }
        return negative ? -value : value;
    }

    /** The first byte of the value of {@code tag} as a char, or {@code missingValue} if absent. */
    public char charValue(final int tag, final char missingValue)
    {
        final int i = fieldIndex(tag);
        return i < 0 ? missingValue : (char)(byteAt(valueOffsets[i]) & 0xFF);
    }

    /** True when {@code tag} is present with value {@code Y}. */
    public boolean booleanValue(final int tag)
    {
        final int i = fieldIndex(tag);
        return i >= 0 && valueLengths[i] == 1 && byteAt(valueOffsets[i]) == 'Y';
    }

    /** A UTCTimestamp value as epoch milliseconds, or {@code missingValue} if absent or malformed. */
    public long timestampMs(final int tag, final long missingValue)
    {
        final int i = fieldIndex(tag);
        if (i < 0)
        {
            return missingValue;
        }
        final long value = UtcTimestamps.decodeMillis(array, address, valueOffsets[i], valueLengths[i]);
        return value == UtcTimestamps.INVALID ? missingValue : value;
    }

    /** True when {@code tag} is present and its value is exactly the ASCII {@code expected}. */
    public boolean valueEquals(final int tag, final CharSequence expected)
    {
        final int i = fieldIndex(tag);
        return i >= 0 && equalsAt(valueOffsets[i], valueLengths[i], expected);
    }

    /** True when {@code tag} is present and its value equals the given bytes. */
    public boolean valueEquals(final int tag, final DirectBuffer other, final int otherOffset, final int otherLength)
    {
        final int i = fieldIndex(tag);
        if (i < 0 || valueLengths[i] != otherLength)
        {
            return false;
        }
        final int o = valueOffsets[i];
        for (int k = 0; k < otherLength; k++)
        {
            if (byteAt(o + k) != other.getByte(otherOffset + k))
            {
                return false;
            }
        }
        return true;
    }

    /** Copies the value of {@code tag} as ASCII into {@code out}; returns false if absent. Allocation-free. */
    public boolean appendValue(final int tag, final StringBuilder out)
    {
        final int i = fieldIndex(tag);
        if (i < 0)
        {
            return false;
        }
        for (int k = 0, o = valueOffsets[i]; k < valueLengths[i]; k++)
        {
            out.append((char)(byteAt(o + k) & 0xFF));
        }
        return true;
    }

    /** The value as a new String, or null if absent. Allocates: for tests, logs and configuration, not hot paths. */
    public String stringValue(final int tag)
    {
        final int i = fieldIndex(tag);
        return i < 0 ? null : buffer.getStringWithoutLengthAscii(valueOffsets[i], valueLengths[i]);
    }

    /** MsgSeqNum (34), or -1 if absent or malformed. */
    public int msgSeqNum()
    {
        if (msgSeqNumCache == Integer.MIN_VALUE)
        {
            msgSeqNumCache = intValue(Tags.MSG_SEQ_NUM, -1);
        }
        return msgSeqNumCache;
    }

    /** True when MsgType (35) is the single character {@code type}. */
    public boolean isMsgType(final char type)
    {
        return fieldCount > 2 && valueLengths[2] == 1 && byteAt(valueOffsets[2]) == type;
    }

    /** True when MsgType (35) equals {@code type}. */
    public boolean isMsgType(final CharSequence type)
    {
        return fieldCount > 2 && equalsAt(valueOffsets[2], valueLengths[2], type);
    }

    /** Offset of the MsgType value in {@link #buffer()}. */
    public int msgTypeOffset()
    {
        return valueOffsets[2];
    }

    public int msgTypeLength()
    {
        return valueLengths[2];
    }

    /** True for the session-level (admin) message types 0, 1, 2, 3, 4, 5 and A. */
    public boolean isAdmin()
    {
        if (fieldCount < 3 || valueLengths[2] != 1)
        {
            return false;
        }
        final byte t = byteAt(valueOffsets[2]);
        return (t >= '0' && t <= '5') || t == 'A';
    }

    /** PossDupFlag (43) = Y. */
    public boolean possDup()
    {
        return booleanValue(Tags.POSS_DUP_FLAG);
    }

    /** PossResend (97) = Y. */
    public boolean possResend()
    {
        return booleanValue(Tags.POSS_RESEND);
    }

    /**
     * Index of the first field after the leading run of standard header fields (after 8, 9, 35, 34, 49, 56, 52 and
     * the other header tags of {@link Tags#isHeaderTag(int)}). The body runs from here up to the CheckSum field.
     */
    public int bodyStartIndex()
    {
        int i = 0;
        final int last = fieldCount - 1;
        while (i < last && Tags.isHeaderTag(tags[i]))
        {
            i++;
        }
        return i;
    }

    /** Offset of the first body field (its tag), see {@link #bodyStartIndex()}. */
    public int bodyOffset()
    {
        return fieldStart(bodyStartIndex());
    }

    /** Length in bytes of the body fields including their SOH delimiters, excluding the CheckSum field. */
    public int bodyLength()
    {
        return fieldStart(fieldCount - 1) - bodyOffset();
    }

    /** Offset of the first byte of the tag of the field at {@code index}. */
    public int fieldStart(final int index)
    {
        if (index == 0)
        {
            return offset;
        }
        return valueOffsets[index - 1] + valueLengths[index - 1] + 1;
    }

    /**
     * Finds the entries of a repeating group: the field indices at which each entry starts (each entry starts with
     * {@code delimiterTag}, after the count field {@code countTag}).
     *
     * @param entryStarts receives the indices; its length bounds how many are found.
     * @return the declared count if it matches the entries found, or -1 when the count is absent, malformed or
     * disagrees with the entries found.
     */
    public int groupEntries(final int countTag, final int delimiterTag, final int[] entryStarts)
    {
        final int countIndex = fieldIndex(countTag);
        if (countIndex < 0)
        {
            return -1;
        }
        final long declared = parseLong(valueOffsets[countIndex], valueLengths[countIndex]);
        if (declared < 0 || declared > entryStarts.length)
        {
            return -1;
        }
        int found = 0;
        int i = countIndex + 1;
        while (found < declared && i < fieldCount && tags[i] == delimiterTag)
        {
            entryStarts[found++] = i;
            i++;
            while (i < fieldCount && tags[i] != delimiterTag && !endsGroup(tags[i], countTag))
            {
                i++;
            }
        }
        return found == declared ? found : -1;
    }

    private static boolean endsGroup(final int tag, final int countTag)
    {
        return tag == Tags.CHECK_SUM || tag == countTag;
    }

    private boolean equalsAt(final int valueOffset, final int valueLength, final CharSequence expected)
    {
        if (valueLength != expected.length())
        {
            return false;
        }
        for (int k = 0; k < valueLength; k++)
        {
            if (byteAt(valueOffset + k) != expected.charAt(k))
            {
                return false;
            }
        }
        return true;
    }

    private byte byteAt(final int index)
    {
        return UnsafeApi.getByte(array, address + index);
    }

    private long parseLong(final int valueOffset, final int valueLength)
    {
        int position = valueOffset;
        final int end = valueOffset + valueLength;
        boolean negative = false;
        if (byteAt(position) == '-')
        {
            negative = true;
            position++;
        }
        if (position == end || end - position > 18)
        {
            return Long.MIN_VALUE;
        }
        long value = 0;
        for (; position < end; position++)
        {
            final int d = byteAt(position) - '0';
            if (d < 0 || d > 9)
            {
                return Long.MIN_VALUE;
            }
            value = value * 10 + d;
        }
        return negative ? -value : value;
    }
}
