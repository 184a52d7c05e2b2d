package dev.tandem.fix.dictionary;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Reads QuickFIX XML data dictionaries (fields with types and enumerations, header, trailer, components, groups,
 * messages) into sets, one document after another (a FIXT.1.1 transport, then an application one), then compiles them
 * into a {@link DataDictionary}. Start-up only; not thread safe.
 */
final class DictionaryBuilder
{
    String beginString;
    int maxTag;
    final Map<String, Integer> tagsByName = new HashMap<>();
    final Map<Integer, Byte> types = new HashMap<>();
    final Map<Integer, List<String>> enums = new HashMap<>();
    final Set<Integer> headerTags = new LinkedHashSet<>();
    final Set<Integer> trailerTags = new LinkedHashSet<>();
    final List<Integer> headerRequired = new ArrayList<>();
    final List<Msg> messages = new ArrayList<>();

    /** A message body or a group entry: the fields it carries directly, the required ones, its groups. */
    static class Group
    {
        int delimiter;
        final Set<Integer> members = new LinkedHashSet<>();
        final List<Integer> required = new ArrayList<>();
        final Map<Integer, Group> groups = new java.util.LinkedHashMap<>();
    }

    static final class Msg extends Group
    {
        String msgType;
        boolean admin;
        /** Every tag anywhere in the message, groups included. */
        final Set<Integer> allowed = new LinkedHashSet<>();
    }

    DictionaryBuilder add(final String name, final InputStream in)
    {
        final Document document;
        try (InputStream input = in)
        {
            final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            document = factory.newDocumentBuilder().parse(input);
        }
        catch (final Exception ex)
        {
            throw new IllegalArgumentException("cannot parse data dictionary " + name + ": " + ex.getMessage(), ex);
        }
        final Element root = document.getDocumentElement();
        if (!"fix".equals(root.getTagName()))
        {
            throw new IllegalArgumentException("not a data dictionary (root element is not <fix>): " + name);
        }
        final String type = root.getAttribute("type");
        final String major = root.getAttribute("major");
        final String minor = root.getAttribute("minor");
        if (beginString == null && !"FIXT".equals(type) && !major.isEmpty())
        {
            beginString = "FIX." + major + "." + minor;
        }
        else if ("FIXT".equals(type))
        {
            beginString = "FIXT." + major + "." + minor;
        }
        final Element fields = child(root, "fields");
        if (fields != null)
        {
            for (final Element field : children(fields, "field"))
            {
                final int tag = Integer.parseInt(field.getAttribute("number"));
                if (tag <= 0 || tag > DataDictionary.MAX_TAG)
                {
                    throw new IllegalArgumentException(name + ": field " + field.getAttribute("name") +
                        " number=" + tag + " outside 1.." + DataDictionary.MAX_TAG);
                }
                maxTag = Math.max(maxTag, tag);
                tagsByName.put(field.getAttribute("name"), tag);
                types.put(tag, type(field.getAttribute("type")));
                final List<Element> values = children(field, "value");
                if (!values.isEmpty())
                {
                    final List<String> allowed = new ArrayList<>();
                    values.forEach(v -> allowed.add(v.getAttribute("enum")));
                    enums.put(tag, allowed);
                }
            }
        }
        final Map<String, Element> components = new HashMap<>();
        final Element componentsElement = child(root, "components");
        if (componentsElement != null)
        {
            for (final Element component : children(componentsElement, "component"))
            {
                components.put(component.getAttribute("name"), component);
            }
        }
        final Element header = child(root, "header");
        if (header != null && !children(header, null).isEmpty())
        {
            final Msg msg = new Msg();
            collect(name, header, components, msg, msg, true, 0);
            headerTags.addAll(msg.allowed);
            headerRequired.clear();
            headerRequired.addAll(msg.required);
        }
        final Element trailer = child(root, "trailer");
        if (trailer != null && !children(trailer, null).isEmpty())
        {
            final Msg msg = new Msg();
            collect(name, trailer, components, msg, msg, true, 0);
            trailerTags.addAll(msg.allowed);
        }
        final Element messagesElement = child(root, "messages");
        if (messagesElement != null)
        {
            for (final Element message : children(messagesElement, "message"))
            {
                final Msg msg = new Msg();
                msg.msgType = message.getAttribute("msgtype");
                msg.admin = "admin".equals(message.getAttribute("msgcat"));
                collect(name, message, components, msg, msg, true, 0);
                messages.removeIf(m -> m.msgType.equals(msg.msgType));
                messages.add(msg);
            }
        }
        return this;
    }

    /** Components and groups nest at most this deep: deeper is a component that contains itself. */
    private static final int MAX_NESTING = 64;

    /**
     * Adds what {@code parent} holds to {@code target} (the message body, or one group's entry): fields, groups
     * (each with its own entry definition, recursively) and the contents of components. {@code required} is
     * false inside an optional component: its fields are then optional however they are marked. Inside a group
     * entry it starts true again: the entry's own required fields bind every entry, as QuickFIX/J reads them.
     */
    private void collect(final String name, final Element parent, final Map<String, Element> components,
        final Msg msg, final Group target, final boolean required, final int depth)
    {
        if (depth > MAX_NESTING)
        {
            throw new IllegalArgumentException(name + ": components or groups nested more than " + MAX_NESTING +
                " deep under " + parent.getAttribute("name") + " (a component that contains itself?)");
        }
        for (final Element element : children(parent, null))
        {
            final boolean requiredHere = required && "Y".equals(element.getAttribute("required"));
            switch (element.getTagName())
            {
                case "field":
                case "group":
                {
                    final int tag = tag(name, element.getAttribute("name"));
                    msg.allowed.add(tag);
                    target.members.add(tag);
                    if (target != msg && target.delimiter == 0)
                    {
                        target.delimiter = tag;
                    }
                    if (requiredHere)
                    {
                        target.required.add(tag);
                    }
                    if ("group".equals(element.getTagName()))
                    {
                        final Group nested = new Group();
                        collect(name, element, components, msg, nested, true, depth + 1);
                        target.groups.putIfAbsent(tag, nested);
                    }
                    break;
                }
                case "component":
                {
                    final Element component = components.get(element.getAttribute("name"));
                    if (component == null)
                    {
                        throw new IllegalArgumentException(name + ": unknown component " +
                            element.getAttribute("name"));
                    }
                    // a required component's required fields are required; an optional one's are not
                    collect(name, component, components, msg, target, requiredHere, depth + 1);
                    break;
                }
                default:
                    break;
            }
        }
    }

    private int tag(final String name, final String fieldName)
    {
        final Integer tag = tagsByName.get(fieldName);
        if (tag == null)
        {
            throw new IllegalArgumentException(name + ": field " + fieldName + " is used but not defined");
        }
        return tag;
    }

    DataDictionary build()
    {
        if (messages.isEmpty())
        {
            throw new IllegalArgumentException("data dictionary defines no messages");
        }
        if (headerTags.isEmpty())
        {
            throw new IllegalArgumentException("data dictionary defines no header (for FIX 5.0 use fixt())");
        }
        return new DataDictionary(this);
    }

    private static byte type(final String type)
    {
        switch (type)
        {
            case "INT":
            case "LENGTH":
            case "NUMINGROUP":
            case "SEQNUM":
            case "TAGNUM":
            case "DAYOFMONTH":
                return DataDictionary.TYPE_INT;
            case "FLOAT":
            case "QTY":
            case "PRICE":
            case "PRICEOFFSET":
            case "AMT":
            case "PERCENTAGE":
                return DataDictionary.TYPE_FLOAT;
            case "CHAR":
                return DataDictionary.TYPE_CHAR;
            case "BOOLEAN":
                return DataDictionary.TYPE_BOOLEAN;
            case "UTCTIMESTAMP":
                return DataDictionary.TYPE_UTC_TIMESTAMP;
            case "MULTIPLEVALUESTRING":
            case "MULTIPLESTRINGVALUE":
            case "MULTIPLECHARVALUE":
                return DataDictionary.TYPE_MULTIPLE_VALUE;
            default:
                return DataDictionary.TYPE_STRING;
        }
    }

    private static Element child(final Element parent, final String name)
    {
        final List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(final Element parent, final String name)
    {
        final List<Element> result = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling())
        {
            if (node instanceof Element element && (name == null || name.equals(element.getTagName())))
            {
                result.add(element);
            }
        }
        return result;
    }
}
