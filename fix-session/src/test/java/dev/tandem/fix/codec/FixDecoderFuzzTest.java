package dev.tandem.fix.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded fuzzing of the decoder and the framer: generated valid messages and mutations of them (byte flips,
 * insertions, deletions, truncations, SOH/'=' injections, duplicated spans). Each case sits in a byte array of exactly
 * its length (the framer's reads are bounds checked, so a read past the end throws), and is decoded again inside a
 * larger buffer followed by bytes that would change the verdict if read; field offsets must stay inside the message.
 * No exception may escape.
 */
class FixDecoderFuzzTest
{
    private static final int CASES = 200_000;
    private static final int[] TAGS = { 11, 21, 38, 40, 44, 54, 55, 60, 58, 146, 112, 36, 123, 43, 122, 7, 16, 9, 10 };

    @Test
    @Timeout(60)
    void shouldSurviveGeneratedAndMutatedMessages()
    {
        final SplittableRandom random = new SplittableRandom(20261126L);
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[8192]);
        final FixEncoder encoder = new FixEncoder();
        final FixDecoder decoder = new FixDecoder(64);
        final int[] groupEntries = new int[16];
        final UnsafeBuffer padded = new UnsafeBuffer(new byte[16 * 1024]);
        final FixDecoder paddedDecoder = new FixDecoder(64);
        int valid = 0;
        int accepted = 0;
        for (int i = 0; i < CASES; i++)
        {
            encoder.wrap(scratch, 0, scratch.capacity()).msgType(random.nextBoolean() ? "D" : "8")
                .putInt(34, random.nextInt(1, 1_000_000)).putAscii(49, "TW").putAscii(56, "ISLD")
                .putTimestampMs(52, random.nextLong(0, 4_000_000_000_000L));
            final int fields = random.nextInt(0, 40);
            for (int f = 0; f < fields; f++)
            {
                final int tag = TAGS[random.nextInt(TAGS.length - 2)];
                switch (random.nextInt(4))
                {
                    case 0:
                        encoder.putInt(tag, random.nextInt());
                        break;
                    case 1:
                        encoder.putDecimal(tag, random.nextLong(-1_000_000_000L, 1_000_000_000L), random.nextInt(0, 8));
                        break;
                    case 2:
                        encoder.putChar(tag, (char)random.nextInt(33, 127));
                        break;
                    default:
                        encoder.putTimestampMs(tag, random.nextLong(0, 4_000_000_000_000L));
                        break;
                }
            }
            final int length = encoder.finish("FIX.4.4");
            final byte[] bytes = new byte[length];
            scratch.getBytes(encoder.messageOffset(), bytes);
            final byte[] mutated = (i % 10 == 0) ? bytes : mutate(bytes, random);
            final UnsafeBuffer exact = new UnsafeBuffer(mutated);

            final int status = decoder.wrap(exact, 0, mutated.length);
            for (int f = 0; f < decoder.fieldCount(); f++)
            {
                assertTrue(decoder.valueOffset(f) >= 0 &&
                    decoder.valueOffset(f) + decoder.valueLength(f) <= mutated.length, "field outside the message");
            }
            assertSameIndexAsByteByByte(decoder, mutated);
            // the same bytes followed by bytes that would change the verdict if they were read
            padded.setMemory(0, padded.capacity(), (byte)1);
            padded.putBytes(3, mutated);
            padded.putStringWithoutLengthAscii(3 + mutated.length, "10=000\u00018=FIX.4.4\u0001");
            assertEquals(status, paddedDecoder.wrap(padded, 3, mutated.length), "verdict depends on bytes outside");
            if (mutated == bytes)
            {
                assertTrue(status == FixDecoder.OK || status == FixDecoder.TOO_MANY_FIELDS, "status " + status);
                valid++;
            }
            if (status == FixDecoder.OK)
            {
                accepted++;
                exerciseAccessors(decoder, groupEntries);
                assertEquals(FixDecoder.checksum(exact, 0, decoder.fieldStart(decoder.fieldCount() - 1)),
                    decoder.intValue(10, -1));
            }
            int offset = 0;
            int guard = 0;
            while (offset < mutated.length && guard++ <= mutated.length)
            {
                final int frame = FixFraming.frame(exact, offset, mutated.length - offset, 4096);
                if (frame == FixFraming.NEED_MORE)
                {
                    break;
                }
                assertTrue(offset + Math.abs(frame) <= mutated.length, "frame beyond the bytes");
                offset += Math.abs(frame);
            }
            assertTrue(guard <= mutated.length + 1, "framing did not progress");
        }
        assertTrue(valid >= CASES / 10, "valid cases");
        assertTrue(accepted >= valid / 2, "most valid messages decode");
    }

    /**
     * The decoder reads tags and values a word at a time and finds fields through a table: its index must be the one a
     * byte-by-byte reading gives (tag digits up to '=', value up to SOH), and {@link FixDecoder#fieldIndex(int)} the
     * first such field, for every indexed field the decoder kept (the last slot is reused past its capacity).
     */
    private static void assertSameIndexAsByteByByte(final FixDecoder decoder, final byte[] bytes)
    {
        final int kept = Math.min(decoder.fieldCount(), 63);
        int position = 0;
        for (int f = 0; f < kept; f++)
        {
            int tag = 0;
            while (bytes[position] != '=')
            {
                tag = tag * 10 + (bytes[position++] - '0');
            }
            final int valueStart = ++position;
            while (bytes[position] != 1)
            {
                position++;
            }
            assertEquals(tag, decoder.tag(f), "tag of field " + f);
            assertEquals(valueStart, decoder.valueOffset(f), "value offset of field " + f);
            assertEquals(position - valueStart, decoder.valueLength(f), "value length of field " + f);
            position++;
        }
        for (int f = 0; f < kept; f++)
        {
            int first = 0;
            while (decoder.tag(first) != decoder.tag(f))
            {
                first++;
            }
            assertEquals(first, decoder.fieldIndex(decoder.tag(f)), "first field of tag " + decoder.tag(f));
        }
        for (final int tag : TAGS)
        {
            int first = -1;
            for (int f = decoder.fieldCount() - 1; f >= 0; f--)
            {
                first = decoder.tag(f) == tag ? f : first;
            }
            assertEquals(first, decoder.fieldIndex(tag), "first field of tag " + tag);
        }
    }

    private static void exerciseAccessors(final FixDecoder decoder, final int[] groupEntries)
    {
        decoder.msgSeqNum();
        decoder.possDup();
        decoder.isAdmin();
        decoder.intValue(38, 0);
        decoder.longValue(11, 0);
        decoder.decimalValue(44, 4, 0);
        decoder.timestampMs(60, 0);
        decoder.timestampMs(52, 0);
        decoder.charValue(54, ' ');
        decoder.valueEquals(55, "IBM");
        decoder.groupEntries(146, 55, groupEntries);
        final int bodyOffset = decoder.bodyOffset();
        assertTrue(bodyOffset >= 0 && bodyOffset + decoder.bodyLength() <= decoder.length());
    }

    private static byte[] mutate(final byte[] bytes, final SplittableRandom random)
    {
        byte[] out = bytes.clone();
        final int mutations = random.nextInt(1, 4);
        for (int m = 0; m < mutations && out.length > 1; m++)
        {
            final int at = random.nextInt(out.length);
            switch (random.nextInt(7))
            {
                case 0:
                    out[at] = (byte)random.nextInt(256);
                    break;
                case 1:
                    out[at] = 1;
                    break;
                case 2:
                    out[at] = '=';
                    break;
                case 3:
                {
                    final byte[] longer = new byte[out.length + 1];
                    System.arraycopy(out, 0, longer, 0, at);
                    longer[at] = (byte)random.nextInt(256);
                    System.arraycopy(out, at, longer, at + 1, out.length - at);
                    out = longer;
                    break;
                }
                case 4:
                {
                    final byte[] shorter = new byte[out.length - 1];
                    System.arraycopy(out, 0, shorter, 0, at);
                    System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
                    out = shorter;
                    break;
                }
                case 5:
                    out = java.util.Arrays.copyOf(out, Math.max(1, at));
                    break;
                default:
                {
                    final int spanLength = Math.min(random.nextInt(1, 20), out.length - at);
                    final byte[] longer = new byte[out.length + spanLength];
                    System.arraycopy(out, 0, longer, 0, at + spanLength);
                    System.arraycopy(out, at, longer, at + spanLength, out.length - at);
                    out = longer;
                    break;
                }
            }
        }
        return out;
    }
}
