package dev.tandem.fix.codec;

import org.agrona.DirectBuffer;

/**
 * Finds message boundaries in a TCP byte stream of tag=value FIX.
 * <p>
 * A frame starts with {@code 8=FIX}, reads BodyLength, and ends at the first {@code <SOH>10=...<SOH>} at or after
 * the end that BodyLength declares (so a wrong BodyLength yields one frame that fails validation and is ignored,
 * and the stream stays in step, as the FIX garbled-message rule asks). Bytes that cannot start a message are
 * skipped up to the next {@code 8=FIX}. A frame never exceeds {@code maxMessageLengthBytes}: a longer one is
 * skipped as garbage, so an oversized or endless message cannot hold memory.
 * <p>
 * Stateless and thread safe.
 */
public final class FixFraming
{
    /** Returned by {@link #frame} when more bytes are needed. */
    public static final int NEED_MORE = 0;

    private static final byte SOH = 1;

    private FixFraming()
    {
    }

    /**
     * Looks for a message at {@code offset}.
     *
     * @return a positive frame length when a whole frame lies at {@code offset} (it may still fail
     * {@link FixDecoder#wrap} validation), {@link #NEED_MORE}, or a negative count of garbage bytes to skip.
     */
    public static int frame(
        final DirectBuffer buffer, final int offset, final int available, final int maxMessageLengthBytes)
    {
        if (available <= 0)
        {
            return NEED_MORE;
        }
        final int end = offset + available;
        final int prefix = Math.min(available, 5);
        if (!startsWithBeginString(buffer, offset, prefix))
        {
            return -skipToNextCandidate(buffer, offset, end);
        }
        if (available < 5)
        {
            return NEED_MORE;
        }

        int p = offset + 5;
        final int beginStringLimit = Math.min(end, offset + 20);
        while (p < beginStringLimit && buffer.getByte(p) != SOH)
        {
            p++;
        }
        if (p >= end)
        {
            return NEED_MORE;
        }
        if (buffer.getByte(p) != SOH)
        {
            return -skipToNextCandidate(buffer, offset + 1, end) - 1;
        }
        p++;
        if (p + 2 > end)
        {
            return NEED_MORE;
        }
        if (buffer.getByte(p) != '9' || buffer.getByte(p + 1) != '=')
        {
            return -skipToNextCandidate(buffer, offset + 1, end) - 1;
        }
        p += 2;
        int bodyLength = 0;
        int digits = 0;
        while (true)
        {
            if (p >= end)
            {
                return NEED_MORE;
            }
            final byte b = buffer.getByte(p++);
            if (b == SOH)
            {
                break;
            }
            final int d = b - '0';
            if (d < 0 || d > 9 || ++digits > 9)
            {
                return -skipToNextCandidate(buffer, offset + 1, end) - 1;
            }
            bodyLength = bodyLength * 10 + d;
        }
        final long declaredEnd = (long)p + bodyLength;
        if (digits == 0 || declaredEnd + 7 - offset > maxMessageLengthBytes)
        {
            return -skipToNextCandidate(buffer, offset + 1, end) - 1;
        }

        final int searchLimit = (int)Math.min(end, (long)offset + maxMessageLengthBytes);
        for (int i = (int)declaredEnd - 1; i + 3 < searchLimit; i++)
        {
            if (buffer.getByte(i) == SOH && buffer.getByte(i + 1) == '1' && buffer.getByte(i + 2) == '0' &&
                buffer.getByte(i + 3) == '=')
            {
                for (int k = i + 4; k < searchLimit; k++)
                {
                    if (buffer.getByte(k) == SOH)
                    {
                        return k + 1 - offset;
                    }
                }
                break;
            }
        }
        if (searchLimit - offset >= maxMessageLengthBytes)
        {
            return -skipToNextCandidate(buffer, offset + 1, end) - 1;
        }
        return NEED_MORE;
    }

    /**
     * The length that the BodyLength of a message at {@code offset} declares for the whole frame (from 8= to the end
     * of a 3-digit CheckSum), or -1 when the bytes there do not start a message whose BodyLength can be read. Used to
     * tell a message over the length limit (which {@link #frame} skips as garbage) from garbage.
     */
    public static long declaredFrameLength(final DirectBuffer buffer, final int offset, final int available)
    {
        final int end = offset + available;
        if (available < 5 || !startsWithBeginString(buffer, offset, 5))
        {
            return -1;
        }
        int p = offset + 5;
        final int beginStringLimit = Math.min(end, offset + 20);
        while (p < beginStringLimit && buffer.getByte(p) != SOH)
        {
            p++;
        }
        if (p + 3 > end || buffer.getByte(p) != SOH || buffer.getByte(p + 1) != '9' || buffer.getByte(p + 2) != '=')
        {
            return -1;
        }
        p += 3;
        long bodyLength = 0;
        int digits = 0;
        while (p < end)
        {
            final byte b = buffer.getByte(p++);
            if (b == SOH)
            {
                return digits == 0 ? -1 : p + bodyLength + 7 - offset;
            }
            final int d = b - '0';
            if (d < 0 || d > 9 || ++digits > 9)
            {
                return -1;
            }
            bodyLength = bodyLength * 10 + d;
        }
        return -1;
    }

    /**
     * The value of the first {@code tag} field among the bytes {@code [offset, offset + available)} as a positive
     * int, or -1 when absent, incomplete or not a positive int; for reading a header field of a message that is not
     * wholly in the buffer.
     */
    public static int headerIntValue(final DirectBuffer buffer, final int offset, final int available, final int tag)
    {
        final int end = offset + available;
        int fieldStart = offset;
        for (int i = offset; i < end; i++)
        {
            if (buffer.getByte(i) != SOH)
            {
                continue;
            }
            final int eq = fieldStart + digitsOf(tag);
            if (eq < i && buffer.getByte(eq) == '=' && parsePositive(buffer, fieldStart, eq) == tag)
            {
                final long value = parsePositive(buffer, eq + 1, i);
                return value > 0 && value <= Integer.MAX_VALUE ? (int)value : -1;
            }
            fieldStart = i + 1;
        }
        return -1;
    }

    private static int digitsOf(final int value)
    {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10)
        {
            digits++;
        }
        return digits;
    }

    private static long parsePositive(final DirectBuffer buffer, final int from, final int to)
    {
        if (to <= from || to - from > 10)
        {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++)
        {
            final int d = buffer.getByte(i) - '0';
            if (d < 0 || d > 9)
            {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static boolean startsWithBeginString(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != "8=FIX".charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /** Bytes from {@code from} up to the next SOH-preceded {@code 8=FIX} (or a possible start of one at the end). */
    private static int skipToNextCandidate(final DirectBuffer buffer, final int from, final int end)
    {
        for (int i = from + 1; i < end; i++)
        {
            if (buffer.getByte(i - 1) == SOH && buffer.getByte(i) == '8' &&
                startsWithBeginString(buffer, i, Math.min(5, end - i)))
            {
                return i - from;
            }
        }
        return end - from;
    }
}
