package dev.tandem.journal.config;

import net.openhft.chronicle.wire.WireType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The implementations a pluggable part of a context may be, each chosen by its type tag: {@code !BoundedWait
 * { timeoutMs: 5 }}, or in plain YAML (which common YAML readers keep, unlike tags) {@code { type: BoundedWait,
 * timeoutMs: 5 }}. A bare name ({@code WaitForever}, or an alias such as {@code WAIT_FOREVER_FOR_REPLICA_ACK}) stands
 * for the type with its defaults. Optionally a fully qualified class name as the tag names a user's own
 * implementation. A tag that is none of these fails naming the tag and listing the valid ones.
 * <p>
 * Threading: built once, then read-only; {@link #read} may run on any thread.
 *
 * @param <V> what the types implement.
 */
public final class ConfigTypes<V>
{
    /** The key of the plain form {@code { type: Name, ... }}. */
    public static final String TYPE_KEY = "type";

    private final String what;
    private final Map<String, Type<? extends V>> types = new LinkedHashMap<>();
    private final Map<String, Supplier<? extends V>> scalars = new LinkedHashMap<>();
    private Class<V> base;
    private BiFunction<Class<? extends V>, YamlNode, V> classReader;

    /** @param what what a value is, for errors: {@code an ack strategy}. */
    public ConfigTypes(final String what)
    {
        this.what = what;
    }

    /** A type chosen by {@code !tag}, made by {@code factory}, its keys read by {@code table}. */
    public <S extends V> ConfigTypes<V> type(final String tag, final Supplier<S> factory, final ConfigTable<S> table)
    {
        types.put(tag, new Type<>(factory, table));
        return this;
    }

    /** A bare scalar that stands for a value with its defaults, e.g. {@code WAIT_FOREVER_FOR_REPLICA_ACK}. */
    public ConfigTypes<V> scalar(final String name, final Supplier<? extends V> factory)
    {
        scalars.put(name, factory);
        return this;
    }

    /**
     * Accepts a fully qualified class name as the tag ({@code !com.acme.MyStrategy { ... }}): the class must be a
     * {@code base}; {@code reader} makes it and reads its keys (the map, untagged).
     */
    public ConfigTypes<V> classNames(final Class<V> base, final BiFunction<Class<? extends V>, YamlNode, V> reader)
    {
        this.base = base;
        this.classReader = reader;
        return this;
    }

    /**
     * Makes a user's own class named by its tag, for {@link #classNames}: its public no-argument constructor when the
     * map is empty, otherwise the map read into it by Chronicle Wire (a user's class is a Chronicle marshallable, its
     * keys its fields).
     *
     * @param what what the class is, for the error, e.g. {@code "an ack strategy"}.
     * @throws ConfigException naming the path and the class when it cannot be made.
     */
    public static <V> V userInstance(final Class<? extends V> type, final YamlNode keys, final String what)
    {
        try
        {
            if (keys.keys().isEmpty())
            {
                return type.getDeclaredConstructor().newInstance();
            }
            final V value = WireType.YAML_ONLY.fromString(type, keys.toYaml());
            if (value == null)
            {
                throw new ConfigException(keys.where() + ": !" + type.getName() + " read as nothing");
            }
            return value;
        }
        catch (final ConfigException ex)
        {
            throw ex;
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            throw new ConfigException(keys.where() + ": !" + type.getName() + " cannot be made (" + ex + "); " + what +
                " of your own needs a public no-argument constructor", ex);
        }
    }

    /** The tags, in the order given. */
    public List<String> tags()
    {
        return List.copyOf(types.keySet());
    }

    /** The keys of the type with {@code tag}, or null when there is no such type. */
    public List<String> keys(final String tag)
    {
        final Type<? extends V> type = types.get(tag);
        return type == null ? null : type.table.keys();
    }

    /** Parses {@code yaml}, e.g. {@code !BoundedWait { timeoutMs: 5, onTimeout: SEND_ANYWAY }}, into a value. */
    public V fromYaml(final String yaml)
    {
        return read(YamlNode.parse(yaml));
    }

    /**
     * Reads a value: {@code !Name { ... }}, {@code { type: Name, ... }}, a bare {@code Name} or alias, or
     * {@code !fully.qualified.ClassName { ... }} when {@link #classNames} allows it.
     *
     * @throws ConfigException naming the path and the unknown tag, with the valid ones.
     */
    public V read(final YamlNode value)
    {
        String tag = value.tag();
        YamlNode body = value;
        if (tag == null && value.isMap())
        {
            final YamlNode type = value.get(TYPE_KEY);
            if (type == null)
            {
                throw new ConfigException(value.where() + ": a map without a type; write !Name { ... } or " +
                    "{ type: Name, ... }; valid: " + valid());
            }
            tag = ConfigTable.textValue(type);
            body = value.without(TYPE_KEY);
        }
        else if (tag == null && value.isScalar())
        {
            final String name = value.text();
            final Supplier<? extends V> scalar = name == null ? null : scalars.get(name);
            if (scalar != null)
            {
                return scalar.get();
            }
            if (name == null || !types.containsKey(name))
            {
                throw unknown(value, name == null ? "an empty value" : "'" + name + "'");
            }
            tag = name;
            body = YamlNode.map(value.path(), null, Map.of());
        }
        if (body.isScalar() && body.text() == null)
        {
            body = YamlNode.map(value.path(), null, Map.of()); // "!Manual" with nothing after it
        }
        final Type<? extends V> type = types.get(tag);
        if (type != null)
        {
            return type.read(body);
        }
        final Supplier<? extends V> alias = tag == null ? null : scalars.get(tag);
        if (alias != null)
        {
            if (!body.keys().isEmpty())
            {
                throw new ConfigException(value.where() + ": !" + tag + " takes no keys, found " +
                    String.join(", ", body.keys()));
            }
            return alias.get();
        }
        if (classReader != null && tag != null && tag.indexOf('.') > 0)
        {
            return readClass(value, tag, body);
        }
        throw unknown(value, "!" + tag);
    }

    private V readClass(final YamlNode value, final String className, final YamlNode body)
    {
        final Class<?> type;
        try
        {
            type = Class.forName(className, true, Thread.currentThread().getContextClassLoader() != null ?
                Thread.currentThread().getContextClassLoader() : ConfigTypes.class.getClassLoader());
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            throw new ConfigException(value.where() + ": !" + className + " is not a class on the classpath; valid: " +
                valid(), ex);
        }
        if (!base.isAssignableFrom(type))
        {
            throw new ConfigException(value.where() + ": !" + className + " is not " + what + " (it does not " +
                "implement " + base.getName() + "); valid: " + valid());
        }
        return classReader.apply(type.asSubclass(base), body.withTag(null));
    }

    private ConfigException unknown(final YamlNode value, final String given)
    {
        String hint = "";
        final String name = given.startsWith("!") ? given.substring(1) : given.replace("'", "");
        for (final String tag : types.keySet())
        {
            if (tag.equalsIgnoreCase(name))
            {
                hint = " (did you mean !" + tag + "?)";
            }
        }
        return new ConfigException(value.where() + ": " + given + " is not " + what + hint + "; valid: " + valid());
    }

    /** The valid forms, for errors and documentation. */
    public String valid()
    {
        final List<String> forms = new ArrayList<>();
        types.forEach((tag, type) -> forms.add("!" + tag + (type.table.keys().isEmpty() ? " {}" :
            " { " + String.join(", ", type.table.keys()) + " }")));
        forms.addAll(scalars.keySet());
        if (classReader != null)
        {
            forms.add("!<class name> of your own " + base.getName());
        }
        return String.join(", ", forms) + " (or the plain form { type: Name, ... })";
    }

    private static final class Type<S>
    {
        private final Supplier<S> factory;
        private final ConfigTable<S> table;

        Type(final Supplier<S> factory, final ConfigTable<S> table)
        {
            this.factory = factory;
            this.table = table;
        }

        S read(final YamlNode body)
        {
            return table.apply(body, factory.get());
        }
    }
}
