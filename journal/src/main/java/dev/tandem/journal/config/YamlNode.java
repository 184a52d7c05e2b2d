package dev.tandem.journal.config;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.YamlToken;
import net.openhft.chronicle.wire.YamlTokeniser;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One value of a configuration tree: a map, a list or a scalar, with the type tag written before it ({@code !Name})
 * if any, and the key path it was found at ({@code replication.ackStrategy}), which every error names.
 * <p>
 * Built from YAML text by {@link #parse(String)} (Chronicle Wire's YAML dialect, which is also plain YAML: block or
 * flow style, {@code #} comments, {@code !Tag { ... }}), or from the maps, lists and scalars an application's own YAML
 * reader produced by {@link #of(Object, String)}. Keys are kept in the order written; a key given twice fails.
 * <p>
 * Immutable once built; thread safe.
 */
public final class YamlNode
{
    /** What a node holds. */
    public enum Kind
    {
        /** Keys to values, in the order written. */
        MAP,
        /** Values in order. */
        LIST,
        /** One text value (numbers and booleans too, as written); {@link #text()} is null for an empty value. */
        SCALAR
    }

    private final Kind kind;
    private final String path;
    private final String tag;
    private final String text;
    private final Map<String, YamlNode> entries;
    private final List<YamlNode> items;

    private YamlNode(
        final Kind kind,
        final String path,
        final String tag,
        final String text,
        final Map<String, YamlNode> entries,
        final List<YamlNode> items)
    {
        this.kind = kind;
        this.path = path;
        this.tag = tag;
        this.text = text;
        this.entries = entries;
        this.items = items;
    }

    /** A map node at {@code path}. */
    public static YamlNode map(final String path, final String tag, final Map<String, YamlNode> entries)
    {
        return new YamlNode(Kind.MAP, path, tag, null, Collections.unmodifiableMap(new LinkedHashMap<>(entries)),
            List.of());
    }

    /** A scalar node at {@code path}; {@code text} null for an empty value. */
    public static YamlNode scalar(final String path, final String tag, final String text)
    {
        return new YamlNode(Kind.SCALAR, path, tag, text, Map.of(), List.of());
    }

    /** A list node at {@code path}. */
    public static YamlNode list(final String path, final String tag, final List<YamlNode> items)
    {
        return new YamlNode(Kind.LIST, path, tag, null, Map.of(), List.copyOf(items));
    }

    /**
     * Parses YAML text: one document, block or flow style, with or without a type tag at the top.
     *
     * @throws ConfigException naming where the text stops being YAML this reader understands (anchors and aliases
     *                         are refused: a configuration spells every value out).
     */
    public static YamlNode parse(final String yaml)
    {
        return parse(yaml, "");
    }

    /** Parses YAML text whose root stands at {@code rootPath} (for a fragment, e.g. {@code replication}). */
    public static YamlNode parse(final String yaml, final String rootPath)
    {
        if (yaml == null || yaml.isBlank())
        {
            throw new ConfigException(name(rootPath) + ": empty, expected YAML");
        }
        final Parser parser = new Parser(new YamlTokeniser(Bytes.from(yaml)));
        final YamlNode root;
        try
        {
            parser.advance();
            if (parser.token == YamlToken.DIRECTIVES_END)
            {
                parser.advance();
            }
            root = parser.value(rootPath);
            while (parser.token == YamlToken.DOCUMENT_END || parser.token == YamlToken.COMMENT)
            {
                parser.advance();
            }
        }
        catch (final ConfigException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            throw new ConfigException(name(rootPath) + ": not valid YAML (" + ex.getMessage() + ")", ex);
        }
        if (parser.token != YamlToken.STREAM_END && parser.token != YamlToken.NONE)
        {
            throw new ConfigException(name(rootPath) + ": unexpected " + parser.token + " after the first document; " +
                "one document is read");
        }
        return root;
    }

    /**
     * A tree from what an application's own YAML reader produced: {@code Map}s with text keys, {@code List}s, and
     * scalars (text, numbers, booleans; null for an empty value). A map's pluggable parts use the plain form
     * {@code { type: WaitForever }}, since common readers do not keep {@code !Tag}s.
     *
     * @param value the root, normally a {@code Map<String, ?>}.
     * @param path  where the root stands, e.g. {@code ""} for a whole node config.
     * @throws ConfigException naming the key of a value that is none of these.
     */
    public static YamlNode of(final Object value, final String path)
    {
        if (value instanceof YamlNode)
        {
            return (YamlNode)value;
        }
        if (value instanceof Map)
        {
            final Map<String, YamlNode> entries = new LinkedHashMap<>();
            for (final Map.Entry<?, ?> entry : ((Map<?, ?>)value).entrySet())
            {
                if (!(entry.getKey() instanceof CharSequence))
                {
                    throw new ConfigException(child(path, String.valueOf(entry.getKey())) + ": a key must be text, " +
                        "not " + (entry.getKey() == null ? "null" : entry.getKey().getClass().getSimpleName()));
                }
                final String key = entry.getKey().toString();
                entries.put(key, of(entry.getValue(), child(path, key)));
            }
            return map(path, null, entries);
        }
        if (value instanceof List)
        {
            final List<YamlNode> items = new ArrayList<>();
            final List<?> list = (List<?>)value;
            for (int i = 0; i < list.size(); i++)
            {
                items.add(of(list.get(i), path + "[" + i + "]"));
            }
            return list(path, null, items);
        }
        if (value == null || value instanceof CharSequence || value instanceof Number || value instanceof Boolean ||
            value instanceof Enum)
        {
            return scalar(path, null, value == null ? null : value.toString());
        }
        throw new ConfigException(name(path) + ": a " + value.getClass().getSimpleName() + " is not a configuration " +
            "value; expected a map, a list, text, a number or a boolean");
    }

    /** {@code parent.key}, or {@code key} at the root. */
    public static String child(final String parent, final String key)
    {
        return parent == null || parent.isEmpty() ? key : parent + "." + key;
    }

    /** The path for an error: {@code (root)} at the root. */
    static String name(final String path)
    {
        return path == null || path.isEmpty() ? "(root)" : path;
    }

    public Kind kind()
    {
        return kind;
    }

    public boolean isMap()
    {
        return kind == Kind.MAP;
    }

    public boolean isList()
    {
        return kind == Kind.LIST;
    }

    public boolean isScalar()
    {
        return kind == Kind.SCALAR;
    }

    /** The key path of this value, e.g. {@code fix.sessions[0].senderCompId}; empty at the root. */
    public String path()
    {
        return path;
    }

    /** The path for an error message: {@code (root)} at the root. */
    public String where()
    {
        return name(path);
    }

    /** The type tag written before the value, without the {@code !}, or null. */
    public String tag()
    {
        return tag;
    }

    /** A scalar's text as written (trimmed), or null for an empty value or a map or list. */
    public String text()
    {
        return text;
    }

    /** A map's keys in the order written; empty for a list or scalar. */
    public Set<String> keys()
    {
        return entries.keySet();
    }

    /** A map's value for {@code key}, or null. */
    public YamlNode get(final String key)
    {
        return entries.get(key);
    }

    /** A map's entries in the order written. */
    public Map<String, YamlNode> entries()
    {
        return entries;
    }

    /** A list's items. */
    public List<YamlNode> items()
    {
        return items;
    }

    /** This map without {@code key} (for the plain form {@code { type: Name, ... }}); the same path and tag. */
    public YamlNode without(final String key)
    {
        final Map<String, YamlNode> rest = new LinkedHashMap<>(entries);
        rest.remove(key);
        return map(path, tag, rest);
    }

    /** This node with another tag. */
    public YamlNode withTag(final String newTag)
    {
        return new YamlNode(kind, path, newTag, text, entries, items);
    }

    /** Requires a map, failing with the path and what it is instead. */
    public YamlNode requireMap(final String expected)
    {
        if (!isMap())
        {
            throw new ConfigException(where() + ": " + describe() + " is not a map; expected " + expected);
        }
        return this;
    }

    /** What the node is, for an error: {@code 'text'}, {@code a list}, {@code a map}, with its tag. */
    public String describe()
    {
        final String tagged = tag == null ? "" : "!" + tag + " ";
        switch (kind)
        {
            case MAP:
                return tagged + "a map";
            case LIST:
                return tagged + "a list";
            default:
                return tagged + (text == null ? "an empty value" : "'" + text + "'");
        }
    }

    /** Flow-style YAML of this node (tags kept), e.g. to hand a user's own type to Chronicle Wire. */
    public String toYaml()
    {
        final StringBuilder out = new StringBuilder();
        write(out);
        return out.toString();
    }

    private void write(final StringBuilder out)
    {
        if (tag != null)
        {
            out.append('!').append(tag).append(' ');
        }
        switch (kind)
        {
            case MAP:
                out.append("{ ");
                boolean first = true;
                for (final Map.Entry<String, YamlNode> entry : entries.entrySet())
                {
                    out.append(first ? "" : ", ").append(quote(entry.getKey())).append(": ");
                    entry.getValue().write(out);
                    first = false;
                }
                out.append(first ? "}" : " }");
                break;
            case LIST:
                out.append("[ ");
                for (int i = 0; i < items.size(); i++)
                {
                    out.append(i == 0 ? "" : ", ");
                    items.get(i).write(out);
                }
                out.append(items.isEmpty() ? "]" : " ]");
                break;
            default:
                out.append(text == null ? "" : quote(text));
                break;
        }
    }

    private static String quote(final String text)
    {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public String toString()
    {
        return toYaml();
    }

    /** Builds the tree from Chronicle Wire's YAML tokens. Not thread safe; one parse. */
    private static final class Parser
    {
        private final YamlTokeniser tokens;
        private YamlToken token;

        Parser(final YamlTokeniser tokens)
        {
            this.tokens = tokens;
        }

        void advance()
        {
            do
            {
                token = tokens.next(Integer.MIN_VALUE);
            }
            while (token == YamlToken.COMMENT);
        }

        YamlNode value(final String path)
        {
            String tag = null;
            if (token == YamlToken.TAG)
            {
                tag = tokens.text();
                advance();
            }
            switch (token)
            {
                case MAPPING_START:
                    return mapping(path, tag);
                case SEQUENCE_START:
                    return sequence(path, tag);
                case TEXT:
                case LITERAL:
                {
                    final String text = tokens.text();
                    final boolean quoted = tokens.blockQuote() != 0;
                    advance();
                    return scalar(path, tag, !quoted && text.isEmpty() ? null : text);
                }
                case ANCHOR:
                case ALIAS:
                    throw new ConfigException(name(path) + ": YAML anchors and aliases are not read; write the value " +
                        "out");
                default:
                    // nothing written: "key:" followed by the next key or the end of its map
                    return scalar(path, tag, null);
            }
        }

        private YamlNode mapping(final String path, final String tag)
        {
            final Map<String, YamlNode> entries = new LinkedHashMap<>();
            advance();
            while (token != YamlToken.MAPPING_END)
            {
                if (token != YamlToken.MAPPING_KEY)
                {
                    throw new ConfigException(name(path) + ": expected a key, found " + describeToken());
                }
                advance();
                if (token != YamlToken.TEXT)
                {
                    throw new ConfigException(name(path) + ": a key must be text, found " + describeToken());
                }
                final String key = tokens.text();
                advance();
                final String keyPath = child(path, key);
                if (entries.containsKey(key))
                {
                    throw new ConfigException(keyPath + ": given twice");
                }
                entries.put(key, value(keyPath));
            }
            advance();
            return map(path, tag, entries);
        }

        private YamlNode sequence(final String path, final String tag)
        {
            final List<YamlNode> items = new ArrayList<>();
            advance();
            while (token != YamlToken.SEQUENCE_END)
            {
                if (token == YamlToken.SEQUENCE_ENTRY)
                {
                    advance();
                    continue;
                }
                if (token == YamlToken.STREAM_END || token == YamlToken.NONE || token == YamlToken.DOCUMENT_END)
                {
                    throw new ConfigException(name(path) + ": the list is not closed");
                }
                items.add(value(path + "[" + items.size() + "]"));
            }
            advance();
            return list(path, tag, items);
        }

        private String describeToken()
        {
            return token == YamlToken.TEXT ? "'" + tokens.text() + "'" : token.name();
        }
    }
}
