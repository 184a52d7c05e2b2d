package dev.tandem.fix.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FixCodecTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final FixEncoder encoder = new FixEncoder();
    private final FixDecoder decoder = new FixDecoder();

    @Test
    void shouldEncodeWithCorrectBodyLengthAndChecksumThatDecodes()
    {
        final long sendingTime = 1_077_911_808_000L;
        final int length = encoder.wrap(buffer, 0, buffer.capacity())
            .msgType("D").putInt(34, 2).putAscii(49, "TW").putTimestampMs(52, sendingTime).putAscii(56, "ISLD")
            .putAscii(11, "ID").putChar(21, '3').putChar(40, '1').putChar(54, '1').putAscii(55, "INTC")
            .putDecimal(44, 10125, 2).putLong(38, 1_000_000L)
            .finish("FIX.4.4");
        final String text = text(encoder.messageOffset(), length);
        assertEquals("8=FIX.4.4|9=99|35=D|34=2|49=TW|52=20040227-19:56:48.000|56=ISLD|11=ID|21=3|40=1|54=1|" +
            "55=INTC|44=101.25|38=1000000|10=" + text.substring(text.length() - 4), text);

        assertEquals(FixDecoder.OK, decoder.wrap(buffer, encoder.messageOffset(), length));
        assertTrue(decoder.isMsgType('D'));
        assertEquals(2, decoder.msgSeqNum());
        assertEquals(sendingTime, decoder.timestampMs(52, -1));
        assertEquals(10125, decoder.decimalValue(44, 2, -1));
        assertEquals(101, decoder.decimalValue(44, 0, -1));
        assertEquals(1_012_500, decoder.decimalValue(44, 4, -1));
        assertEquals(1_000_000L, decoder.longValue(38, -1));
        assertEquals('1', decoder.charValue(54, ' '));
        assertTrue(decoder.valueEquals(55, "INTC"));
        assertEquals("11=ID|21=3|40=1|54=1|55=INTC|44=101.25|38=1000000|",
            text(decoder.bodyOffset(), decoder.bodyLength()));
        assertFalse(decoder.isAdmin());
    }

    @Test
    void shouldValidateAMessageWithMoreFieldsThanIndexedAndKeepItsHeaderReadable()
    {
        final FixEncoder e = encoder.wrap(buffer, 0, buffer.capacity())
            .msgType("D").putInt(34, 7).putAscii(49, "TW").putAscii(52, "20040227-19:56:48").putAscii(56, "ISLD")
            .putInt(453, 20);
        for (int i = 0; i < 20; i++)
        {
            e.putInt(448, i);
        }
        final int length = e.finish("FIX.4.4");
        final FixDecoder small = new FixDecoder(10);
        assertEquals(FixDecoder.TOO_MANY_FIELDS, small.wrap(buffer, encoder.messageOffset(), length));
        assertTrue(small.truncated());
        assertEquals(9, small.fieldCount());
        assertEquals(7, small.msgSeqNum());
        assertTrue(small.isMsgType('D'));
        assertTrue(small.valueEquals(56, "ISLD"));

        // a bad CheckSum is still seen past the indexed fields
        final int digit = encoder.messageOffset() + length - 2;
        buffer.putByte(digit, (byte)(buffer.getByte(digit) == '0' ? '1' : '0'));
        assertEquals(FixDecoder.BAD_CHECKSUM, small.wrap(buffer, encoder.messageOffset(), length));
        assertFalse(small.truncated());
        // and the whole message decodes with room for its fields
        assertEquals(FixDecoder.BAD_CHECKSUM, new FixDecoder(64).wrap(buffer, encoder.messageOffset(), length));
    }

    @Test
    void shouldTellAnOversizedMessageFromGarbage()
    {
        final byte[] bytes = "8=FIX.4.4\u00019=100000\u000135=D\u000134=12\u000149=TW\u0001"
            .getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer b = new UnsafeBuffer(bytes);
        assertTrue(FixFraming.frame(b, 0, bytes.length, 1024) < 0, "skipped by the framer");
        assertEquals(100_000 + "8=FIX.4.4\u00019=100000\u0001".length() + 7,
            FixFraming.declaredFrameLength(b, 0, bytes.length));
        assertEquals(12, FixFraming.headerIntValue(b, 0, bytes.length, 34));
        assertEquals(-1, FixFraming.headerIntValue(b, 0, bytes.length, 52));
        final byte[] garbage = "xx=FIX\u0001".getBytes(StandardCharsets.US_ASCII);
        assertEquals(-1, FixFraming.declaredFrameLength(new UnsafeBuffer(garbage), 0, garbage.length));
    }

    @Test
    void shouldRoundTripNumbersAtTheirLimits()
    {
        final int length = encoder.wrap(buffer, 0, buffer.capacity()).msgType("8")
            .putInt(1, Integer.MIN_VALUE).putInt(2, Integer.MAX_VALUE).putLong(3, Long.MIN_VALUE)
            .putLong(4, Long.MAX_VALUE).putInt(5, 0).putDecimal(6, -1234567, 3).putDecimal(7, 5, 4)
            .finish("FIX.4.2");
        assertEquals(FixDecoder.OK, decoder.wrap(buffer, encoder.messageOffset(), length));
        assertEquals(Integer.MIN_VALUE, decoder.intValue(1, 0));
        assertEquals(Integer.MAX_VALUE, decoder.intValue(2, 0));
        assertEquals("-9223372036854775808", decoder.stringValue(3));
        assertEquals("9223372036854775807", decoder.stringValue(4));
        assertEquals(0, decoder.intValue(5, -1));
        assertEquals("-1234.567", decoder.stringValue(6));
        assertEquals("0.0005", decoder.stringValue(7));
        assertEquals(-1234567, decoder.decimalValue(6, 3, 0));
    }

    @Test
    void shouldReportOverflowInsteadOfWritingPastTheRegion()
    {
        final UnsafeBuffer small = new UnsafeBuffer(new byte[64]);
        encoder.wrap(small, 0, 64).msgType("D").putAscii(58, "x".repeat(100));
        assertEquals(FixEncoder.OVERFLOW, encoder.finish("FIX.4.4"));
        encoder.wrap(small, 32, 64).msgType("D");
        assertEquals(FixEncoder.OVERFLOW, encoder.finish("FIX.4.4"));
    }

    @Test
    void shouldDetectBadChecksumAndBodyLengthAndGarbage()
    {
        assertEquals(FixDecoder.OK, decode("8=FIX.4.4|9=5|35=0|10=" + checksum("8=FIX.4.4|9=5|35=0|") + "|"));
        assertEquals(FixDecoder.BAD_CHECKSUM, decode("8=FIX.4.4|9=5|35=0|10=000|"));
        assertEquals(FixDecoder.BAD_BODY_LENGTH, decode("8=FIX.4.4|9=6|35=0|10=" + checksum("8=FIX.4.4|9=6|35=0|") + "|"));
        assertEquals(FixDecoder.GARBLED, decode("9=5|8=FIX.4.4|35=0|10=000|"));
        assertEquals(FixDecoder.GARBLED, decode("8=FIX.4.4|9=5|35=0|4garbled9=TW|10=000|"));
        assertEquals(FixDecoder.GARBLED, decode("8=FIX.4.4|9=5|35=|10=000|"));
    }

    @Test
    void shouldReadRepeatingGroups()
    {
        final String body = "35=V|262=R1|263=1|264=0|146=2|55=IBM|48=1|22=4|55=MSFT|48=2|22=4|267=1|269=0|";
        final String prefix = "8=FIX.4.4|9=" + body.length() + "|" + body;
        assertEquals(FixDecoder.OK, decode(prefix + "10=" + checksum(prefix) + "|"));
        final int[] entries = new int[8];
        assertEquals(2, decoder.groupEntries(146, 55, entries));
        assertTrue(decoder.valueEquals(55, "IBM"));
        final int second = decoder.fieldIndex(55, entries[1]);
        assertEquals("MSFT", decoder.buffer().getStringWithoutLengthAscii(
            decoder.valueOffset(second), decoder.valueLength(second)));
        assertEquals(2, decoder.fieldIndex(48, entries[1]) - entries[1] + 1);
    }

    @Test
    void shouldFrameAcrossPartialReadsAndSkipGarbage()
    {
        final String message = "8=FIX.4.4|9=5|35=0|10=" + checksum("8=FIX.4.4|9=5|35=0|") + "|";
        final String stream = "garbage|" + message + message;
        put(stream);
        assertEquals(-8, FixFraming.frame(buffer, 0, 8, 1024));
        assertEquals(FixFraming.NEED_MORE, FixFraming.frame(buffer, 8, 10, 1024));
        assertEquals(message.length(), FixFraming.frame(buffer, 8, stream.length() - 8, 1024));
        // a BodyLength too long swallows the next message: one frame that fails validation
        final String tooLong = "8=FIX.4.4|9=30|35=0|10=123|";
        put(tooLong + message);
        final int frame = FixFraming.frame(buffer, 0, tooLong.length() + message.length(), 1024);
        assertEquals(tooLong.length() + message.length(), frame);
        // longer than the maximum: skipped
        put("8=FIX.4.4|9=99999|35=0|");
        assertTrue(FixFraming.frame(buffer, 0, 23, 1024) < 0);
    }

    private void put(final String text)
    {
        buffer.putBytes(0, text.replace('|', '\u0001').getBytes(StandardCharsets.ISO_8859_1));
    }

    private int decode(final String text)
    {
        put(text);
        return decoder.wrap(buffer, 0, text.length());
    }

    private static String checksum(final String text)
    {
        int sum = 0;
        for (final char c : text.replace('|', '\u0001').toCharArray())
        {
            sum += c;
        }
        return String.format("%03d", sum & 0xFF);
    }

    private String text(final int offset, final int length)
    {
        return buffer.getStringWithoutLengthAscii(offset, length).replace('\u0001', '|');
    }
}
