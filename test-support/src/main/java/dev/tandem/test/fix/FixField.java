package dev.tandem.test.fix;

/**
 * One {@code tag=value} field of a FIX message, as text. Immutable; safe to share between threads.
 *
 * @param tag   the FIX tag number; negative when the tag text was not a number (a garbled field).
 * @param value the field value as received, without the SOH delimiter.
 */
public record FixField(int tag, String value)
{
    @Override
    public String toString()
    {
        return tag + "=" + value;
    }
}
