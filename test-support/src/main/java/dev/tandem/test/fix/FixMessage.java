package dev.tandem.test.fix;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A FIX message as raw bytes plus its fields in wire order, for tests. It parses anything (a garbled field gets tag
 * {@code -1}) so that a test can report what it received rather than fail in the parser.
 * Immutable; safe to share between threads. Not for hot paths: it allocates freely.
 */
public final class FixMessage
{
    /** The FIX field delimiter. */
    public static final byte SOH = 0x01;

    private final byte[] bytes;
    private final List<FixField> fields;

    private FixMessage(final byte[] bytes, final List<FixField> fields)
    {
        this.bytes = bytes;
        this.fields = fields;
    }

    /**
     * Parses the fields of a complete message.
     *
     * @param bytes the message from {@code 8=} to the SOH after the CheckSum; copied.
     * @return the parsed message.
     */
    public static FixMessage parse(final byte[] bytes)
    {
        final byte[] copy = Arrays.copyOf(bytes, bytes.length);
        final List<FixField> fields = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < copy.length; i++)
        {
            if (copy[i] == SOH)
            {
                fields.add(field(copy, start, i));
                start = i + 1;
            }
        }
        if (start < copy.length)
        {
            fields.add(field(copy, start, copy.length));
        }
        return new FixMessage(copy, Collections.unmodifiableList(fields));
    }

    private static FixField field(final byte[] bytes, final int start, final int end)
    {
        final String text = new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
        final int eq = text.indexOf('=');
        if (eq <= 0)
        {
            return new FixField(-1, text);
        }
        try
        {
            return new FixField(Integer.parseInt(text.substring(0, eq)), text.substring(eq + 1));
        }
        catch (final NumberFormatException ex)
        {
            return new FixField(-1, text);
        }
    }

    /** @return the raw bytes, a copy. */
    public byte[] bytes()
    {
        return Arrays.copyOf(bytes, bytes.length);
    }

    /** @return the number of raw bytes. */
    public int length()
    {
        return bytes.length;
    }

    /** @return the fields in wire order, unmodifiable. */
    public List<FixField> fields()
    {
        return fields;
    }

    /** @return the value of the first occurrence of {@code tag}, or {@code null} when absent. */
    public String value(final int tag)
    {
        for (final FixField field : fields)
        {
            if (field.tag() == tag)
            {
                return field.value();
            }
        }
        return null;
    }

    /** @return how many times {@code tag} occurs. */
    public int count(final int tag)
    {
        int count = 0;
        for (final FixField field : fields)
        {
            if (field.tag() == tag)
            {
                count++;
            }
        }
        return count;
    }

    /** @return MsgType (35), or {@code null} when absent. */
    public String msgType()
    {
        return value(35);
    }

    /**
     * The BodyLength this message should declare: the bytes after the SOH that ends the BodyLength field, up to and
     * including the SOH before {@code 10=}.
     *
     * @return the actual body length, or -1 when the message has no BodyLength field or no CheckSum field.
     */
    public int actualBodyLength()
    {
        final int bodyStart = endOfSecondField();
        final int trailer = checksumFieldStart();
        if (bodyStart < 0 || trailer < 0 || trailer < bodyStart)
        {
            return -1;
        }
        return trailer - bodyStart;
    }

    /**
     * The CheckSum this message should carry: the sum of all bytes before {@code 10=}, modulo 256.
     *
     * @return the actual checksum, or -1 when the message has no CheckSum field.
     */
    public int actualCheckSum()
    {
        final int trailer = checksumFieldStart();
        return trailer < 0 ? -1 : checkSum(bytes, 0, trailer);
    }

    /** @return the sum of {@code length} bytes from {@code offset}, modulo 256. */
    public static int checkSum(final byte[] bytes, final int offset, final int length)
    {
        int sum = 0;
        for (int i = offset; i < offset + length; i++)
        {
            sum += bytes[i] & 0xFF;
        }
        return sum & 0xFF;
    }

    private int endOfSecondField()
    {
        int soh = 0;
        for (int i = 0; i < bytes.length; i++)
        {
            if (bytes[i] == SOH && ++soh == 2)
            {
                return i + 1;
            }
        }
        return -1;
    }

    private int checksumFieldStart()
    {
        // the last field must be 10=...; find the SOH before it
        final int last = fields.size() - 1;
        if (last < 0 || fields.get(last).tag() != 10)
        {
            return -1;
        }
        int end = bytes.length - 1;
        if (end >= 0 && bytes[end] == SOH)
        {
            end--;
        }
        for (int i = end; i >= 0; i--)
        {
            if (bytes[i] == SOH)
            {
                return i + 1;
            }
        }
        return 0;
    }

    /** @return the message as text with SOH shown as {@code |}. */
    @Override
    public String toString()
    {
        return new String(bytes, StandardCharsets.ISO_8859_1).replace('\u0001', '|');
    }
}
