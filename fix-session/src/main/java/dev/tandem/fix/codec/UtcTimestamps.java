package dev.tandem.fix.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * FIX UTCTimestamp formatting and parsing straight into and out of buffers, without {@code String} or
 * {@code java.time}: {@code yyyyMMdd-HH:mm:ss[.sss[sss[sss]]]}.
 * <p>
 * Stateless and thread safe: every method is static.
 */
public final class UtcTimestamps
{
    /** Returned by the parse methods for a malformed value. */
    public static final long INVALID = Long.MIN_VALUE;

    /** Length of {@code yyyyMMdd-HH:mm:ss.SSS}. */
    public static final int LENGTH_MILLIS = 21;

    /** Length of {@code yyyyMMdd-HH:mm:ss}. */
    public static final int LENGTH_SECONDS = 17;

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private UtcTimestamps()
    {
    }

    /**
     * Writes {@code epochMs} as {@code yyyyMMdd-HH:mm:ss.SSS} (21 bytes) at {@code offset}.
     *
     * @return the number of bytes written.
     */
    public static int encodeMillis(final MutableDirectBuffer buffer, final int offset, final long epochMs)
    {
        final int written = encodeSeconds(buffer, offset, epochMs);
        final int millis = (int)Math.floorMod(epochMs, 1000L);
        buffer.putByte(offset + written, (byte)'.');
        put3(buffer, offset + written + 1, millis);
        return LENGTH_MILLIS;
    }

    /**
     * Writes {@code epochMs} truncated to whole seconds as {@code yyyyMMdd-HH:mm:ss} (17 bytes).
     *
     * @return the number of bytes written.
     */
    public static int encodeSeconds(final MutableDirectBuffer buffer, final int offset, final long epochMs)
    {
        final long days = Math.floorDiv(epochMs, MILLIS_PER_DAY);
        final int msOfDay = (int)(epochMs - days * MILLIS_PER_DAY);

        // civil-from-days (proleptic Gregorian), as in Howard Hinnant's date algorithms
        final long z = days + 719_468;
        final long era = Math.floorDiv(z, 146_097);
        final long doe = z - era * 146_097;
        final long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        final long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        final long mp = (5 * doy + 2) / 153;
        final int day = (int)(doy - (153 * mp + 2) / 5 + 1);
        final int month = (int)(mp < 10 ? mp + 3 : mp - 9);
        final int year = (int)(yoe + era * 400 + (month <= 2 ? 1 : 0));

        put4(buffer, offset, year);
        put2(buffer, offset + 4, month);
        put2(buffer, offset + 6, day);
        buffer.putByte(offset + 8, (byte)'-');
        final int secondOfDay = msOfDay / 1000;
        put2(buffer, offset + 9, secondOfDay / 3600);
        buffer.putByte(offset + 11, (byte)':');
        put2(buffer, offset + 12, (secondOfDay / 60) % 60);
        buffer.putByte(offset + 14, (byte)':');
        put2(buffer, offset + 15, secondOfDay % 60);
        return LENGTH_SECONDS;
    }

    /**
     * Parses {@code yyyyMMdd-HH:mm:ss} with an optional fraction of 1 to 9 digits (truncated to milliseconds).
     *
     * @return epoch milliseconds, or {@link #INVALID}.
     */
    public static long decodeMillis(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < LENGTH_SECONDS || length == LENGTH_SECONDS + 1 || length > LENGTH_SECONDS + 10)
        {
            return INVALID;
        }
        final int year = digits(buffer, offset, 4);
        final int month = digits(buffer, offset + 4, 2);
        final int day = digits(buffer, offset + 6, 2);
        final int hour = digits(buffer, offset + 9, 2);
        final int minute = digits(buffer, offset + 12, 2);
        final int second = digits(buffer, offset + 15, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
            minute < 0 || minute > 59 || second < 0 || second > 60 ||
            buffer.getByte(offset + 8) != '-' || buffer.getByte(offset + 11) != ':' ||
            buffer.getByte(offset + 14) != ':')
        {
            return INVALID;
        }
        int millis = 0;
        if (length > LENGTH_SECONDS)
        {
            if (buffer.getByte(offset + LENGTH_SECONDS) != '.')
            {
                return INVALID;
            }
            final int fractionDigits = length - LENGTH_SECONDS - 1;
            final int fraction = digits(buffer, offset + LENGTH_SECONDS + 1, Math.min(3, fractionDigits));
            if (fraction < 0 || (fractionDigits > 3 && digits(buffer, offset + 21, fractionDigits - 3) < 0))
            {
                return INVALID;
            }
            millis = fractionDigits == 1 ? fraction * 100 : fractionDigits == 2 ? fraction * 10 : fraction;
        }

        // days-from-civil
        final int y = month <= 2 ? year - 1 : year;
        final int era = Math.floorDiv(y, 400);
        final int yoe = y - era * 400;
        final int doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        final int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        final long days = era * 146_097L + doe - 719_468;
        return days * MILLIS_PER_DAY + ((hour * 60L + minute) * 60L + second) * 1000L + millis;
    }

    private static int digits(final DirectBuffer buffer, final int offset, final int count)
    {
        int value = 0;
        for (int i = 0; i < count; i++)
        {
            final int d = buffer.getByte(offset + i) - '0';
            if (d < 0 || d > 9)
            {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static void put2(final MutableDirectBuffer buffer, final int offset, final int value)
    {
        buffer.putByte(offset, (byte)('0' + value / 10));
        buffer.putByte(offset + 1, (byte)('0' + value % 10));
    }

    private static void put3(final MutableDirectBuffer buffer, final int offset, final int value)
    {
        buffer.putByte(offset, (byte)('0' + value / 100));
        buffer.putByte(offset + 1, (byte)('0' + (value / 10) % 10));
        buffer.putByte(offset + 2, (byte)('0' + value % 10));
    }

    private static void put4(final MutableDirectBuffer buffer, final int offset, final int value)
    {
        put2(buffer, offset, (value / 100) % 100);
        put2(buffer, offset + 2, value % 100);
    }
}
