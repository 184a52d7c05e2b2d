package dev.tandem.node;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireType;
import net.openhft.chronicle.wire.Wires;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict reading of YAML through Chronicle Wire. Wire ignores unknown keys and reads a bad number as 0; a node must
 * not start on a config it half understood, so each section reads its keys one by one through these helpers and
 * fails on anything it does not know, naming the section, the key and the value.
 * <p>
 * Threading: stateless; any thread.
 */
final class StrictYaml
{
    /** Reads the value of one known key. */
    @FunctionalInterface
    interface KeyReader
    {
        void read(String key, ValueIn in);
    }

    private StrictYaml()
    {
    }

    /** Reads every key of the current map, failing on keys not in {@code known}. */
    static void readKeys(final WireIn wire, final String section, final List<String> known, final KeyReader reader)
    {
        final StringBuilder name = new StringBuilder();
        final Set<String> seen = new LinkedHashSet<>();
        while (wire.hasMore())
        {
            final ValueIn in = wire.read(name);
            final String key = name.toString();
            if (!known.contains(key))
            {
                throw new ConfigException(section + ": unknown key '" + key + "'; known keys are " + known);
            }
            if (!seen.add(key))
            {
                throw new ConfigException(section + "." + key + ": given twice");
            }
            reader.read(key, in);
        }
    }

    static String text(final String key, final ValueIn in)
    {
        final String text = in.text();
        return text == null ? null : text.trim();
    }

    static long longValue(final String key, final ValueIn in, final long min, final long max)
    {
        final String text = text(key, in);
        try
        {
            final long value = Long.parseLong(text);
            if (value < min || value > max)
            {
                throw new ConfigException(key + ": " + value + " is out of range, expected " + min + ".." + max);
            }
            return value;
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigException(key + ": '" + text + "' is not a whole number, expected " + min + ".." + max);
        }
    }

    static boolean booleanValue(final String key, final ValueIn in)
    {
        final String text = text(key, in);
        if ("true".equalsIgnoreCase(text))
        {
            return true;
        }
        if ("false".equalsIgnoreCase(text))
        {
            return false;
        }
        throw new ConfigException(key + ": '" + text + "' is not a boolean, expected true or false");
    }

    static <E extends Enum<E>> E enumValue(final String key, final ValueIn in, final Class<E> type)
    {
        final String text = text(key, in);
        for (final E constant : type.getEnumConstants())
        {
            if (constant.name().equalsIgnoreCase(text))
            {
                return constant;
            }
        }
        final List<String> valid = new ArrayList<>();
        for (final E constant : type.getEnumConstants())
        {
            valid.add(constant.name());
        }
        throw new ConfigException(key + ": '" + text + "' is not valid, expected one of " + valid);
    }

    /**
     * Reads a value chosen by type tag ({@code !Name { ... }}), checks it is a {@code type}, and for types that do
     * not check their own keys, checks that every key written is a field of the type.
     */
    static <T> T tagged(
        final String key, final WireIn wire, final ValueIn in, final Class<T> type, final String examples)
    {
        final Bytes<?> bytes = wire.bytes();
        final long start = bytes.readPosition();
        final Object value;
        try
        {
            value = in.object();
        }
        catch (final ConfigException ex)
        {
            throw new ConfigException(key + ": " + ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            throw new ConfigException(key + ": cannot read it (" + ex.getMessage() + "); expected " + examples, ex);
        }
        if (!type.isInstance(value))
        {
            throw new ConfigException(key + ": unknown or missing type tag" +
                (value == null ? "" : " (read " + describe(value) + ")") + "; expected " + examples);
        }
        if (!(value instanceof StrictlyRead))
        {
            checkFieldNames(key, value, bytes.subBytes(start, bytes.readPosition() - start).toString());
        }
        return type.cast(value);
    }

    private static String describe(final Object value)
    {
        return value instanceof Map ? "an untyped map " + value : value.getClass().getSimpleName();
    }

    private static void checkFieldNames(final String key, final Object value, final String raw)
    {
        final int open = raw.indexOf('{');
        final int close = raw.lastIndexOf('}');
        if (open < 0 || close < open)
        {
            return;
        }
        final Map<?, ?> written;
        try
        {
            written = WireType.YAML_ONLY.fromString(Map.class, raw.substring(open, close + 1));
        }
        catch (final RuntimeException ex)
        {
            return;
        }
        if (written == null)
        {
            return;
        }
        final Set<String> fields = new LinkedHashSet<>();
        Wires.fieldInfos(value.getClass()).forEach(info -> fields.add(info.name()));
        for (final Object name : written.keySet())
        {
            if (!fields.contains(String.valueOf(name)))
            {
                throw new ConfigException(key + ": unknown key '" + name + "' in !" +
                    value.getClass().getSimpleName() + "; known keys are " + fields);
            }
        }
    }

    /** Marks config types whose own {@code readMarshallable} already rejects unknown keys. */
    interface StrictlyRead
    {
    }
}
