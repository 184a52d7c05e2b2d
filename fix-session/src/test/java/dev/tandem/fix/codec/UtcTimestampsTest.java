package dev.tandem.fix.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UtcTimestampsTest
{
    private static final DateTimeFormatter FORMAT =
        DateTimeFormatter.ofPattern("yyyyMMdd-HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    @Test
    void shouldFormatAndParseLikeJavaTime()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++)
        {
            final long epochMs = random.nextLong(0, 4_102_444_800_000L); // 1970..2100
            final int length = UtcTimestamps.encodeMillis(buffer, 0, epochMs);
            assertEquals(FORMAT.format(Instant.ofEpochMilli(epochMs)), buffer.getStringWithoutLengthAscii(0, length));
            assertEquals(epochMs, UtcTimestamps.decodeMillis(buffer, 0, length));
        }
    }

    @Test
    void shouldEncodeTimestampFieldsWithCachedDateLikeJavaTime()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final FixEncoder encoder = new FixEncoder();
        final SplittableRandom random = new SplittableRandom(7);
        long epochMs = 1_700_000_000_000L;
        for (int i = 0; i < 20_000; i++)
        {
            // mostly small steps (same day, cache hits), sometimes jumps to other days and back
            epochMs = random.nextInt(10) == 0 ?
                random.nextLong(0, 4_102_444_800_000L) : epochMs + random.nextInt(0, 7_200_000);
            encoder.wrap(buffer, 0, buffer.capacity()).putTimestampMs(52, epochMs).putTimestampSeconds(60, epochMs);
            final String text = buffer.getStringWithoutLengthAscii(FixEncoder.HEADER_RESERVE, encoder.position() -
                FixEncoder.HEADER_RESERVE);
            final String expected = "52=" + FORMAT.format(Instant.ofEpochMilli(epochMs)) + "\u000160=" +
                FORMAT.format(Instant.ofEpochMilli(epochMs)).substring(0, 17) + "\u0001";
            assertEquals(expected, text);
        }
    }

    @Test
    void shouldParseSecondsAndMicrosAndRejectGarbage()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        assertEquals(1_077_911_808_000L, parse(buffer, "20040227-19:56:48"));
        assertEquals(1_077_911_808_123L, parse(buffer, "20040227-19:56:48.123456"));
        assertEquals(UtcTimestamps.INVALID, parse(buffer, "20040227-19:56"));
        assertEquals(UtcTimestamps.INVALID, parse(buffer, "20041327-19:56:48"));
        assertEquals(UtcTimestamps.INVALID, parse(buffer, "20040227-19:56:48."));
        assertEquals(UtcTimestamps.INVALID, parse(buffer, "2004022X-19:56:48"));
    }

    private static long parse(final UnsafeBuffer buffer, final String text)
    {
        buffer.putStringWithoutLengthAscii(0, text);
        return UtcTimestamps.decodeMillis(buffer, 0, text.length());
    }
}
