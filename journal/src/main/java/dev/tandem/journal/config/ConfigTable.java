package dev.tandem.journal.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;
import java.util.function.ObjLongConsumer;
import java.util.function.Supplier;

/**
 * The YAML keys of one context and the setter each one calls: the whole mapping between a configuration file and a
 * module's own {@code Context}, written out key by key (no reflection), with the same names as the context's fluent
 * setters. {@link #apply} is strict: an unknown key, a value of the wrong kind (text where a number belongs, a list
 * where a map belongs) or a bad enum constant fails with a {@link ConfigException} naming the key path, the bad value
 * and what is valid. Ranges and the relations between values stay the context's own {@code conclude()}'s job.
 * <pre>
 * static final ConfigTable&lt;JournalContext&gt; TABLE = new ConfigTable&lt;JournalContext&gt;("journal")
 *     .text("dir", JournalContext::dir)
 *     .enumValue("persistence", Persistence.class, JournalContext::persistence)
 *     .intValue("syncBatchSize", JournalContext::syncBatchSize);
 * TABLE.apply(YamlNode.parse("{ dir: data/primary, syncBatchSize: 64 }"), new JournalContext());
 * </pre>
 * Threading: built once (usually in a static field), then read-only; {@link #apply} may run on any thread.
 *
 * @param <T> the context the keys are applied to.
 */
public final class ConfigTable<T>
{
    private final String name;
    private final Map<String, BiConsumer<T, YamlNode>> setters = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();

    /** @param name what the table configures, for errors and documentation, e.g. {@code JournalContext}. */
    public ConfigTable(final String name)
    {
        this.name = name;
    }

    /** What the table configures. */
    public String name()
    {
        return name;
    }

    /** A text value. */
    public ConfigTable<T> text(final String key, final BiConsumer<T, String> setter)
    {
        return custom(key, (target, value) -> setter.accept(target, textValue(value)));
    }

    /** A whole number fitting in an int. */
    public ConfigTable<T> intValue(final String key, final ObjIntConsumer<T> setter)
    {
        return intValue(key, Integer.MIN_VALUE, Integer.MAX_VALUE, setter);
    }

    /** A whole number within {@code min..max}. */
    public ConfigTable<T> intValue(final String key, final int min, final int max, final ObjIntConsumer<T> setter)
    {
        return custom(key, (target, value) -> setter.accept(target, (int)longValue(value, min, max)));
    }

    /** A whole number fitting in a long. */
    public ConfigTable<T> longValue(final String key, final ObjLongConsumer<T> setter)
    {
        return longValue(key, Long.MIN_VALUE, Long.MAX_VALUE, setter);
    }

    /** A whole number within {@code min..max}. */
    public ConfigTable<T> longValue(final String key, final long min, final long max, final ObjLongConsumer<T> setter)
    {
        return custom(key, (target, value) -> setter.accept(target, longValue(value, min, max)));
    }

    /** {@code true} or {@code false}. */
    public ConfigTable<T> bool(final String key, final BiConsumer<T, Boolean> setter)
    {
        return custom(key, (target, value) -> setter.accept(target, booleanValue(value)));
    }

    /** One constant of {@code type}, in any case. */
    public <E extends Enum<E>> ConfigTable<T> enumValue(
        final String key, final Class<E> type, final BiConsumer<T, E> setter)
    {
        return custom(key, (target, value) -> setter.accept(target, enumValue(value, type)));
    }

    /** A list of text values, e.g. {@code [ 10.0.0.2, 10.0.0.3 ]}. */
    public ConfigTable<T> textList(final String key, final BiConsumer<T, List<String>> setter)
    {
        return custom(key, (target, value) ->
        {
            final List<String> texts = new ArrayList<>();
            for (final YamlNode item : requireList(value).items())
            {
                texts.add(textValue(item));
            }
            setter.accept(target, texts);
        });
    }

    /** A pluggable part chosen by type tag ({@code !Name { ... }}, or {@code { type: Name, ... }}). */
    public <V> ConfigTable<T> object(final String key, final ConfigTypes<V> types, final BiConsumer<T, V> setter)
    {
        return custom(key, (target, value) -> setter.accept(target, types.read(value)));
    }

    /** A nested map applied to an object the target holds, e.g. a session's {@code validation} switches. */
    public <S> ConfigTable<T> section(final String key, final ConfigTable<S> table, final Function<T, S> holder)
    {
        return custom(key, (target, value) -> table.apply(value, holder.apply(target)));
    }

    /** A list of maps, each applied to a new object from {@code factory}, e.g. a node's FIX sessions. */
    public <S> ConfigTable<T> list(
        final String key, final ConfigTable<S> table, final Supplier<S> factory, final BiConsumer<T, List<S>> setter)
    {
        return custom(key, (target, value) ->
        {
            final List<S> list = new ArrayList<>();
            for (final YamlNode item : requireList(value).items())
            {
                list.add(table.apply(item, factory.get()));
            }
            setter.accept(target, list);
        });
    }

    /** A key whose value the setter reads itself from the tree (use the static readers of this class). */
    public ConfigTable<T> custom(final String key, final BiConsumer<T, YamlNode> setter)
    {
        if (setters.containsKey(key) || aliases.containsKey(key))
        {
            throw new IllegalStateException(name + ": key " + key + " is in the table twice");
        }
        setters.put(key, setter);
        return this;
    }

    /** Another name for {@code key}, kept so that existing files keep working (e.g. {@code heartbeatSec}). */
    public ConfigTable<T> alias(final String alias, final String key)
    {
        if (!setters.containsKey(key) || setters.containsKey(alias) || aliases.containsKey(alias))
        {
            throw new IllegalStateException(name + ": alias " + alias + " for unknown key " + key);
        }
        aliases.put(alias, key);
        return this;
    }

    /** The keys, in the order of the table (without aliases). */
    public List<String> keys()
    {
        return List.copyOf(setters.keySet());
    }

    /** The aliases and the key each stands for. */
    public Map<String, String> aliases()
    {
        return Map.copyOf(aliases);
    }

    /** Whether {@code key} (or an alias) is in the table. */
    public boolean knows(final String key)
    {
        return setters.containsKey(key) || aliases.containsKey(key);
    }

    /** Parses {@code yaml} (a map of this table's keys) and applies it to {@code target}. */
    public T fromYaml(final String yaml, final T target)
    {
        return apply(YamlNode.parse(yaml), target);
    }

    /**
     * Applies every key of {@code map} to {@code target}, in the order written.
     *
     * @return {@code target}.
     * @throws ConfigException on an unknown key or a bad value, naming the key path.
     */
    public T apply(final YamlNode map, final T target)
    {
        return apply(map, target, Set.of());
    }

    /**
     * Applies the keys of {@code map} except those in {@code skipped} (which another table of the caller reads).
     *
     * @throws ConfigException on a key neither in this table nor skipped, or a bad value.
     */
    public T apply(final YamlNode map, final T target, final Collection<String> skipped)
    {
        if (map.isScalar() && map.text() == null && map.tag() == null)
        {
            return target; // "journal:" with nothing after it: every default
        }
        map.requireMap("a map of " + name + " keys: " + String.join(", ", setters.keySet()));
        final Set<String> given = new java.util.HashSet<>();
        for (final Map.Entry<String, YamlNode> entry : map.entries().entrySet())
        {
            final String key = entry.getKey();
            if (skipped.contains(key))
            {
                continue;
            }
            final String canonical = aliases.getOrDefault(key, key);
            final BiConsumer<T, YamlNode> setter = setters.get(canonical);
            final YamlNode value = entry.getValue();
            if (setter == null)
            {
                throw new ConfigException(value.where() + ": unknown key '" + key + "'" + suggestion(key) +
                    "; valid keys of " + name + ": " + String.join(", ", setters.keySet()));
            }
            if (!given.add(canonical))
            {
                throw new ConfigException(value.where() + ": given twice (as " + canonical + " and its other name)");
            }
            try
            {
                setter.accept(target, value);
            }
            catch (final ConfigException ex)
            {
                throw ex;
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigException(value.where() + ": " + value.describe() + " is not valid: " +
                    ex.getMessage(), ex);
            }
        }
        return target;
    }

    private String suggestion(final String key)
    {
        for (final String known : setters.keySet())
        {
            if (known.equalsIgnoreCase(key))
            {
                return " (did you mean " + known + "?)";
            }
        }
        return "";
    }

    /** A scalar's text (null for an empty value), failing on a map or list. */
    public static String textValue(final YamlNode value)
    {
        if (!value.isScalar())
        {
            throw new ConfigException(value.where() + ": " + value.describe() + " is not text");
        }
        return value.text() == null ? null : value.text().trim();
    }

    /** A whole number within {@code min..max}; {@code _} may group digits ({@code 8_192}). */
    public static long longValue(final YamlNode value, final long min, final long max)
    {
        final String text = textValue(value);
        final long number;
        try
        {
            number = Long.parseLong(text == null ? "" : text.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigException(value.where() + ": " + value.describe() + " is not a whole number" +
                range(min, max));
        }
        if (number < min || number > max)
        {
            throw new ConfigException(value.where() + ": " + number + " is out of range" + range(min, max));
        }
        return number;
    }

    private static String range(final long min, final long max)
    {
        if (min == Long.MIN_VALUE && max == Long.MAX_VALUE)
        {
            return "";
        }
        if (min == Integer.MIN_VALUE && max == Integer.MAX_VALUE)
        {
            return ", expected a 32-bit integer";
        }
        return ", expected " + min + ".." + max;
    }

    /** {@code true} or {@code false}, in any case. */
    public static boolean booleanValue(final YamlNode value)
    {
        final String text = textValue(value);
        if ("true".equalsIgnoreCase(text))
        {
            return true;
        }
        if ("false".equalsIgnoreCase(text))
        {
            return false;
        }
        throw new ConfigException(value.where() + ": " + value.describe() +
            " is not a boolean, expected true or false");
    }

    /** One constant of {@code type}, in any case. */
    public static <E extends Enum<E>> E enumValue(final YamlNode value, final Class<E> type)
    {
        final String text = textValue(value);
        final List<String> valid = new ArrayList<>();
        for (final E constant : type.getEnumConstants())
        {
            if (text != null && constant.name().equals(text.toUpperCase(Locale.ROOT)))
            {
                return constant;
            }
            valid.add(constant.name());
        }
        throw new ConfigException(value.where() + ": " + value.describe() + " is not valid, expected one of " +
            String.join(", ", valid));
    }

    /** Requires a list; an empty value counts as an empty list. */
    public static YamlNode requireList(final YamlNode value)
    {
        if (value.isScalar() && value.text() == null && value.tag() == null)
        {
            return YamlNode.list(value.path(), null, List.of());
        }
        if (!value.isList())
        {
            throw new ConfigException(value.where() + ": " + value.describe() + " is not a list, expected [ ... ]");
        }
        return value;
    }
}
