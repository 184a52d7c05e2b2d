package dev.tandem.fix.dictionary;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;


/**
 * A FIX data dictionary compiled into tables that {@link MessageValidator} reads without allocating: the type and
 * enumeration of every field by tag, the header and trailer fields, and for every MsgType the fields it may carry,
 * those it must carry, and its repeating groups.
 * <p>
 * Read from the QuickFIX XML format: the files {@code FIX40.xml} ... {@code FIX44.xml}, {@code FIXT11.xml} and
 * {@code FIX50SP2.xml} that QuickFIX/J's {@code quickfixj-messages-*} artifacts carry ({@link #fromClasspath}), or a
 * user's own file with custom fields and messages ({@link #fromFile}). FIXT.1.1 sessions combine the transport
 * dictionary (header, trailer, session messages) with an application one ({@link #fixt}).
 * <p>
 * Built once at start-up (allocates); immutable afterwards and safe to share between threads and sessions.
 */
public final class DataDictionary
{
    /** Field types the validator checks the format of; every other type is free text. */
    static final byte TYPE_UNDEFINED = 0;
    static final byte TYPE_STRING = 1;
    static final byte TYPE_INT = 2;
    static final byte TYPE_FLOAT = 3;
    static final byte TYPE_CHAR = 4;
    static final byte TYPE_BOOLEAN = 5;
    static final byte TYPE_UTC_TIMESTAMP = 6;
    static final byte TYPE_MULTIPLE_VALUE = 7;

    /**
     * {@link #valueChecks} values: what a value of the tag is checked for. An enumeration decides over the type; a
     * free-text field without one has nothing to check.
     */
    static final byte CHECK_NONE = 0;
    static final byte CHECK_ENUM = 1;
    static final byte CHECK_ENUM_EACH = 2;
    static final byte CHECK_INT = 3;
    static final byte CHECK_FLOAT = 4;
    static final byte CHECK_CHAR = 5;
    static final byte CHECK_BOOLEAN = 6;
    static final byte CHECK_UTC_TIMESTAMP = 7;

    /** {@link #sections} values. */
    static final byte SECTION_HEADER_TAG = 1;
    static final byte SECTION_TRAILER_TAG = 2;

    /** Largest tag a dictionary may define: the tables are indexed by tag. */
    public static final int MAX_TAG = 100_000;

    final String beginString;
    final byte[] fieldTypes;
    final byte[][][] enumValues;
    /**
     * By tag, the enumeration as sorted keys (the bytes packed as {@link #msgTypeKey(String)} packs them) when every
     * value is 1 to 8 bytes, for a binary search; null for a tag without enumeration or with a longer value
     * ({@link #enumValues} is then scanned).
     */
    final long[][] enumKeys;
    /**
     * By tag, the one-byte values of its enumeration as 256 bits (bit {@code b} of word {@code b >> 6}): a one-byte
     * value, the common case, is checked with one read; null for a tag without enumeration.
     */
    final long[][] enumBytes;
    /** By tag, the check of its value ({@link #CHECK_NONE} ...), from its type and enumeration: one read per field. */
    final byte[] valueChecks;
    /** By tag, {@link #SECTION_HEADER_TAG}, {@link #SECTION_TRAILER_TAG} or 0 (body, or not defined). */
    final byte[] sections;
    final int[] headerRequired;
    final long[] msgTypeKeys;
    final MessageDef[] messages;
    /** The messages of one-character MsgTypes (most of them, all the session ones) by that character's byte. */
    final MessageDef[] oneByteMessages;
    /**
     * FIXT.1.1 only: the combined dictionary (transport and application) of each ApplVerID (1128) value this one can
     * switch to, by value ({@code applications[9]} for FIX 5.0 SP2); null elsewhere. Compiled at start-up, shared by
     * every dictionary of the set, never changed.
     */
    final DataDictionary[] applications;
    /** FIXT.1.1: the ApplVerID of the application dictionary used when a message carries none; -1 elsewhere. */
    final int defaultApplVerId;

    /** ApplVerID values this dictionary can hold an application dictionary for: 0 to 15 (FIXT11.xml defines 0-9). */
    static final int APPL_VER_IDS = 16;

    /** One MsgType's compiled definition. */
    static final class MessageDef
    {
        final String msgType;
        final boolean admin;
        /** Every tag the MsgType's body may carry, groups included. */
        final long[] allowed;
        /** The body's required fields outside groups (a required group's NumInGroup included). */
        final int[] required;
        /** The top-level repeating groups. */
        final GroupDef[] groups;
        /** The NumInGroup tags of {@link #groups}, as bits by tag: most body fields are no group, found in one read. */
        final long[] groupCountTags;

        MessageDef(final String msgType, final boolean admin, final long[] allowed, final int[] required,
            final GroupDef[] groups, final int words)
        {
            this.msgType = msgType;
            this.admin = admin;
            this.allowed = allowed;
            this.required = required;
            this.groups = groups;
            this.groupCountTags = new long[words];
            for (final GroupDef group : groups)
            {
                groupCountTags[group.countTag >> 6] |= 1L << (group.countTag & 63);
            }
        }

        GroupDef group(final int countTag)
        {
            return isSet(groupCountTags, countTag) ? GroupDef.find(groups, countTag) : null;
        }
    }

    /**
     * One repeating group's compiled definition: its NumInGroup tag, the tag every entry starts with, the tags an
     * entry may carry directly (its own fields and the NumInGroup tags of its nested groups, sorted), the ones every
     * entry must carry, and its nested groups.
     */
    static final class GroupDef
    {
        final int countTag;
        final int delimiter;
        final int[] members;
        final int[] required;
        final GroupDef[] groups;

        GroupDef(final int countTag, final int delimiter, final int[] members, final int[] required,
            final GroupDef[] groups)
        {
            this.countTag = countTag;
            this.delimiter = delimiter;
            this.members = members;
            this.required = required;
            this.groups = groups;
        }

        boolean isMember(final int tag)
        {
            return Arrays.binarySearch(members, tag) >= 0;
        }

        GroupDef group(final int countTag)
        {
            return find(groups, countTag);
        }

        static GroupDef find(final GroupDef[] groups, final int countTag)
        {
            for (final GroupDef group : groups)
            {
                if (group.countTag == countTag)
                {
                    return group;
                }
            }
            return null;
        }
    }

    DataDictionary(final DictionaryBuilder builder)
    {
        this.beginString = builder.beginString;
        this.fieldTypes = new byte[builder.maxTag + 1];
        this.enumValues = new byte[builder.maxTag + 1][][];
        for (final Map.Entry<Integer, Byte> e : builder.types.entrySet())
        {
            fieldTypes[e.getKey()] = e.getValue();
        }
        for (final Map.Entry<Integer, List<String>> e : builder.enums.entrySet())
        {
            final byte[][] values = new byte[e.getValue().size()][];
            for (int i = 0; i < values.length; i++)
            {
                values[i] = e.getValue().get(i).getBytes(StandardCharsets.US_ASCII);
            }
            enumValues[e.getKey()] = values;
        }
        this.enumKeys = new long[builder.maxTag + 1][];
        this.enumBytes = new long[builder.maxTag + 1][];
        for (int tag = 0; tag < enumValues.length; tag++)
        {
            if (enumValues[tag] != null)
            {
                enumKeys[tag] = enumKeys(enumValues[tag]);
                enumBytes[tag] = new long[4];
                for (final byte[] value : enumValues[tag])
                {
                    if (value.length == 1)
                    {
                        enumBytes[tag][(value[0] & 0xFF) >> 6] |= 1L << (value[0] & 63);
                    }
                }
            }
        }
        this.valueChecks = new byte[builder.maxTag + 1];
        for (int tag = 0; tag < valueChecks.length; tag++)
        {
            valueChecks[tag] = valueCheck(fieldTypes[tag], enumValues[tag] != null);
        }
        final int words = (builder.maxTag >> 6) + 1;
        this.sections = new byte[builder.maxTag + 1];
        for (final int tag : builder.trailerTags)
        {
            sections[tag] = SECTION_TRAILER_TAG;
        }
        for (final int tag : builder.headerTags)
        {
            // a tag in both (no standard dictionary has one) counts as header, as the validator checked it first
            sections[tag] = SECTION_HEADER_TAG;
        }
        this.headerRequired = ints(builder.headerRequired);
        final TreeMap<Long, MessageDef> sorted = new TreeMap<>();
        for (final DictionaryBuilder.Msg msg : builder.messages)
        {
            sorted.put(msgTypeKey(msg.msgType), new MessageDef(msg.msgType, msg.admin, bits(msg.allowed, words),
                ints(msg.required), groups(msg.groups), words));
        }
        this.msgTypeKeys = sorted.keySet().stream().mapToLong(Long::longValue).toArray();
        this.messages = sorted.values().toArray(new MessageDef[0]);
        this.oneByteMessages = new MessageDef[256];
        for (int i = 0; i < msgTypeKeys.length; i++)
        {
            if (msgTypeKeys[i] > 0 && msgTypeKeys[i] < 256)
            {
                oneByteMessages[(int)msgTypeKeys[i]] = messages[i];
            }
        }
        this.applications = null;
        this.defaultApplVerId = -1;
    }

    /** A FIXT.1.1 dictionary of a set: the tables of {@code tables}, switching by ApplVerID among the others. */
    private DataDictionary(final DataDictionary tables, final DataDictionary[] applications, final int defaultApplVerId)
    {
        this.beginString = tables.beginString;
        this.fieldTypes = tables.fieldTypes;
        this.enumValues = tables.enumValues;
        this.enumKeys = tables.enumKeys;
        this.enumBytes = tables.enumBytes;
        this.valueChecks = tables.valueChecks;
        this.sections = tables.sections;
        this.headerRequired = tables.headerRequired;
        this.msgTypeKeys = tables.msgTypeKeys;
        this.messages = tables.messages;
        this.oneByteMessages = tables.oneByteMessages;
        this.applications = applications;
        this.defaultApplVerId = defaultApplVerId;
    }

    /**
     * FIXT.1.1: the same set of application dictionaries, with the one of {@code applVerId} used for messages that
     * carry no ApplVerID (1128). A FIXT dictionary built from one application file whose version its name does not
     * tell (a user's own file) becomes the application dictionary of {@code applVerId}.
     *
     * @param applVerId the session's DefaultApplVerID (1137), e.g. {@code "9"}.
     * @return this dictionary when it already defaults to {@code applVerId}, else one sharing its tables.
     * @throws IllegalArgumentException when this is not a FIXT.1.1 dictionary, or has no application dictionary for
     *                                  {@code applVerId}, naming the ones it has.
     */
    public DataDictionary withDefaultApplVerId(final String applVerId)
    {
        final int id = parseApplVerId(applVerId);
        if (!"FIXT.1.1".equals(beginString))
        {
            throw new IllegalArgumentException("defaultApplVerId=" + applVerId + ": " + this + " is not a FIXT.1.1 " +
                "dictionary");
        }
        if (applications == null)
        {
            final DataDictionary[] set = new DataDictionary[APPL_VER_IDS];
            set[id] = this;
            return new DataDictionary(this, set, id);
        }
        if (applications[id] == null)
        {
            throw new IllegalArgumentException("defaultApplVerId=" + applVerId + ": the data dictionary has no " +
                "application dictionary for it (it has ApplVerID " + applVerIds() + ")");
        }
        return id == defaultApplVerId ? this : new DataDictionary(applications[id], applications, id);
    }

    /** @return the ApplVerID values this FIXT.1.1 dictionary has an application dictionary for, e.g. [7, 8, 9]. */
    public List<Integer> applVerIds()
    {
        final List<Integer> ids = new ArrayList<>();
        for (int id = 0; applications != null && id < applications.length; id++)
        {
            if (applications[id] != null)
            {
                ids.add(id);
            }
        }
        return ids;
    }

    private static int parseApplVerId(final String applVerId)
    {
        try
        {
            final int id = Integer.parseInt(String.valueOf(applVerId));
            if (id >= 0 && id < APPL_VER_IDS)
            {
                return id;
            }
        }
        catch (final NumberFormatException ex)
        {
            // reported below
        }
        throw new IllegalArgumentException("ApplVerID=" + applVerId + ": must be an ApplVerID (1128) value 0.." +
            (APPL_VER_IDS - 1) + ", e.g. 7 FIX 5.0, 8 FIX 5.0 SP1, 9 FIX 5.0 SP2");
    }

    /**
     * @return the ApplVerID a standard application dictionary's name stands for ({@code FIX50.xml} 7,
     *         {@code FIX50SP1.xml} 8, {@code FIX50SP2.xml} 9, in any directory), or -1.
     */
    static int standardApplVerId(final String application)
    {
        final int directory = Math.max(application.lastIndexOf('/'), application.lastIndexOf('\\'));
        final String file = application.substring(directory + 1);
        switch (file)
        {
            case "FIX50.xml":
                return 7;
            case "FIX50SP1.xml":
                return 8;
            case "FIX50SP2.xml":
                return 9;
            default:
                return -1;
        }
    }

    /** @return the BeginString the dictionary is for, e.g. {@code FIX.4.4} or {@code FIXT.1.1}. */
    public String beginString()
    {
        return beginString;
    }

    /** @return true when {@code msgType} is defined. */
    public boolean isMsgType(final String msgType)
    {
        return Arrays.binarySearch(msgTypeKeys, msgTypeKey(msgType)) >= 0;
    }

    /** @return true when {@code tag} is defined as a field. */
    public boolean isField(final int tag)
    {
        return tag > 0 && tag < fieldTypes.length && fieldTypes[tag] != TYPE_UNDEFINED;
    }

    /** @return the number of message types defined. */
    public int messageCount()
    {
        return messages.length;
    }

    MessageDef message(final long key)
    {
        if (key > 0 && key < 256)
        {
            return oneByteMessages[(int)key];
        }
        final int index = Arrays.binarySearch(msgTypeKeys, key);
        return index < 0 ? null : messages[index];
    }

    static boolean isSet(final long[] bits, final int tag)
    {
        final int word = tag >> 6;
        return tag >= 0 && word < bits.length && (bits[word] & (1L << (tag & 63))) != 0;
    }

    private static byte valueCheck(final byte type, final boolean enumerated)
    {
        if (enumerated)
        {
            return type == TYPE_MULTIPLE_VALUE ? CHECK_ENUM_EACH : CHECK_ENUM;
        }
        switch (type)
        {
            case TYPE_INT:
                return CHECK_INT;
            case TYPE_FLOAT:
                return CHECK_FLOAT;
            case TYPE_CHAR:
                return CHECK_CHAR;
            case TYPE_BOOLEAN:
                return CHECK_BOOLEAN;
            case TYPE_UTC_TIMESTAMP:
                return CHECK_UTC_TIMESTAMP;
            default:
                return CHECK_NONE;
        }
    }

    /**
     * @return the values as sorted keys (packed as {@link #msgTypeKey(String)} packs them), or null when one is empty or longer than 8 bytes (or, not
     *         in any standard dictionary, holds a NUL byte: keys then no longer tell values apart).
     */
    private static long[] enumKeys(final byte[][] values)
    {
        final long[] keys = new long[values.length];
        for (int i = 0; i < values.length; i++)
        {
            final byte[] value = values[i];
            if (value.length == 0 || value.length > 8)
            {
                return null;
            }
            long key = 0;
            for (final byte b : value)
            {
                if (b == 0)
                {
                    return null;
                }
                key = (key << 8) | (b & 0xFF);
            }
            keys[i] = key;
        }
        Arrays.sort(keys);
        return keys;
    }

    /** MsgType bytes (1 to 8 ASCII characters) as a key; 0 for an empty or longer value. */
    static long msgTypeKey(final String msgType)
    {
        if (msgType.isEmpty() || msgType.length() > 8)
        {
            return 0;
        }
        long key = 0;
        for (int i = 0; i < msgType.length(); i++)
        {
            key = (key << 8) | (msgType.charAt(i) & 0xFF);
        }
        return key;
    }

    private static GroupDef[] groups(final Map<Integer, DictionaryBuilder.Group> groups)
    {
        final GroupDef[] defs = new GroupDef[groups.size()];
        int g = 0;
        for (final Map.Entry<Integer, DictionaryBuilder.Group> group : groups.entrySet())
        {
            final DictionaryBuilder.Group built = group.getValue();
            final int[] members = ints(built.members);
            Arrays.sort(members);
            defs[g++] = new GroupDef(
                group.getKey(), built.delimiter, members, ints(built.required), groups(built.groups));
        }
        return defs;
    }

    private static int[] ints(final java.util.Collection<Integer> tags)
    {
        return tags.stream().mapToInt(Integer::intValue).distinct().toArray();
    }

    private static long[] bits(final Set<Integer> tags, final int words)
    {
        final long[] bits = new long[words];
        for (final int tag : tags)
        {
            bits[tag >> 6] |= 1L << (tag & 63);
        }
        return bits;
    }

    /** Standard dictionaries already compiled, by resource names: each is read once per class loader. */
    private static final java.util.concurrent.ConcurrentHashMap<String, DataDictionary> STANDARD =
        new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The classpath resource of the standard dictionary for a BeginString, as QuickFIX/J's
     * {@code quickfixj-messages-*} artifacts name them: {@code FIX.4.0} to {@code FIX.4.4} give {@code FIX40.xml} to
     * {@code FIX44.xml}; {@code FIXT.1.1} gives the application dictionary of its DefaultApplVerID (1137):
     * {@code 7} FIX 5.0 ({@code FIX50.xml}), {@code 8} FIX 5.0 SP1 ({@code FIX50SP1.xml}), {@code 9} FIX 5.0 SP2
     * ({@code FIX50SP2.xml}), combined with {@code FIXT11.xml}.
     *
     * @param beginString      the session's BeginString.
     * @param defaultApplVerId DefaultApplVerID for FIXT.1.1, ignored otherwise.
     * @return the resource name of the (application) dictionary.
     * @throws IllegalArgumentException for a BeginString or DefaultApplVerID without a standard dictionary.
     */
    public static String standardResource(final String beginString, final String defaultApplVerId)
    {
        switch (beginString)
        {
            case "FIX.4.0":
                return "FIX40.xml";
            case "FIX.4.1":
                return "FIX41.xml";
            case "FIX.4.2":
                return "FIX42.xml";
            case "FIX.4.3":
                return "FIX43.xml";
            case "FIX.4.4":
                return "FIX44.xml";
            case "FIXT.1.1":
                switch (String.valueOf(defaultApplVerId))
                {
                    case "7":
                        return "FIX50.xml";
                    case "8":
                        return "FIX50SP1.xml";
                    case "9":
                        return "FIX50SP2.xml";
                    default:
                        throw new IllegalArgumentException("defaultApplVerId=" + defaultApplVerId + ": no standard " +
                            "dictionary (7 FIX 5.0, 8 FIX 5.0 SP1, 9 FIX 5.0 SP2); give the application dictionary " +
                            "yourself");
                }
            default:
                throw new IllegalArgumentException("beginString=" + beginString + ": no standard data dictionary " +
                    "(FIX.4.0 to FIX.4.4, FIXT.1.1)");
        }
    }

    /** Transport dictionary of FIXT.1.1 sessions, as QuickFIX/J's artifacts name it. */
    public static final String FIXT11_RESOURCE = "FIXT11.xml";

    /**
     * The standard dictionary of a BeginString ({@link #standardResource}), read from the classpath once and shared:
     * the XML files of QuickFIX/J's {@code quickfixj-messages-*} artifacts (any version; {@code -fix44} carries
     * {@code FIX44.xml}, {@code -fixt11} and {@code -fix50sp2} the FIXT.1.1 pair, {@code -all} every one). Tandem does
     * not bring them: the application puts the artifact on its classpath, or gives its own file.
     *
     * @param beginString      the session's BeginString.
     * @param defaultApplVerId DefaultApplVerID for FIXT.1.1, ignored otherwise.
     * @return the compiled dictionary (the same instance for the same resources).
     * @throws IllegalArgumentException when the resource is not on the classpath, saying which artifact carries it.
     */
    public static DataDictionary standard(final String beginString, final String defaultApplVerId)
    {
        final String resource = standardResource(beginString, defaultApplVerId);
        if ("FIXT.1.1".equals(beginString))
        {
            if (DataDictionary.class.getClassLoader().getResource(resource) == null)
            {
                open(resource); // the default one must be there: the error names the artifact that carries it
            }
            final DataDictionary set = STANDARD.computeIfAbsent(FIXT11_RESOURCE + "+FIX50*", key -> standardFixt());
            return STANDARD.computeIfAbsent(FIXT11_RESOURCE + "+" + resource,
                key -> set.withDefaultApplVerId(defaultApplVerId));
        }
        return STANDARD.computeIfAbsent(resource, DataDictionary::fromClasspath);
    }

    /** The FIXT.1.1 set of every standard application dictionary on the classpath (FIX50*.xml), compiled once. */
    private static DataDictionary standardFixt()
    {
        final Map<String, String> applications = new java.util.LinkedHashMap<>();
        for (final String applVerId : new String[] {"7", "8", "9"})
        {
            final String resource = standardResource("FIXT.1.1", applVerId);
            if (DataDictionary.class.getClassLoader().getResource(resource) != null)
            {
                applications.put(applVerId, resource);
            }
        }
        final String defaultApplVerId = applications.containsKey("9") ? "9" : applications.keySet().iterator().next();
        return fixt(FIXT11_RESOURCE, defaultApplVerId, applications);
    }

    /**
     * A dictionary by name: a classpath resource when one exists, else a file path.
     *
     * @param resourceOrFile e.g. {@code FIX44.xml} or {@code config/MyFIX44.xml}.
     * @return the compiled dictionary.
     * @throws IllegalArgumentException when neither exists or it is not a dictionary, naming it.
     */
    public static DataDictionary load(final String resourceOrFile)
    {
        return new DictionaryBuilder().add(resourceOrFile, openResourceOrFile(resourceOrFile)).build();
    }

    /**
     * Loads a dictionary from the classpath, e.g. {@code FIX44.xml} from QuickFIX/J's {@code quickfixj-messages-fix44}
     * (or {@code -all}) artifact.
     *
     * @param resource the resource name.
     * @return the compiled dictionary.
     * @throws IllegalArgumentException when the resource is missing or not a dictionary, naming it.
     */
    public static DataDictionary fromClasspath(final String resource)
    {
        return new DictionaryBuilder().add(resource, open(resource)).build();
    }

    /**
     * Loads a user's own dictionary file (the QuickFIX XML format, custom fields and messages included).
     *
     * @param file the file.
     * @return the compiled dictionary.
     * @throws IllegalArgumentException when the file cannot be read or is not a dictionary, naming it.
     */
    public static DataDictionary fromFile(final Path file)
    {
        try (InputStream in = Files.newInputStream(file))
        {
            return new DictionaryBuilder().add(file.toString(), in).build();
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot read data dictionary " + file.toAbsolutePath() + ": " + ex, ex);
        }
    }

    /**
     * A FIXT.1.1 dictionary: header, trailer and session messages from {@code transport} (e.g. {@code FIXT11.xml}),
     * application messages from {@code application} (e.g. {@code FIX50SP2.xml}) and, to switch to by the ApplVerID
     * (1128) of a message, from {@code more} application dictionaries; each a classpath resource or, when no such
     * resource exists, a file path. The ApplVerID of each is the one its standard name stands for
     * ({@code FIX50.xml} 7, {@code FIX50SP1.xml} 8, {@code FIX50SP2.xml} 9; QuickFIX/J's files do not say it
     * inside). A single application file with another name (a user's own) serves the session's DefaultApplVerID;
     * several need {@link #fixt(String, String, Map)}. All are read and compiled now.
     *
     * @param transport   the transport dictionary.
     * @param application the application dictionary used for messages without ApplVerID.
     * @param more        further application dictionaries, by their standard names.
     * @return the combined dictionary, for BeginString FIXT.1.1.
     * @throws IllegalArgumentException for a file that cannot be read, or several applications whose version is
     *                                  unknown or the same.
     */
    public static DataDictionary fixt(final String transport, final String application, final String... more)
    {
        if (more.length == 0 && standardApplVerId(application) < 0)
        {
            return combine(transport, application);
        }
        final Map<String, String> applications = new java.util.LinkedHashMap<>();
        final List<String> all = new ArrayList<>();
        all.add(application);
        all.addAll(Arrays.asList(more));
        for (final String name : all)
        {
            final int id = standardApplVerId(name);
            if (id < 0)
            {
                throw new IllegalArgumentException("data dictionary " + name + ": its ApplVerID is not known from " +
                    "its name (FIX50.xml, FIX50SP1.xml, FIX50SP2.xml); use fixt(transport, defaultApplVerId, " +
                    "Map of ApplVerID to dictionary)");
            }
            if (applications.put(String.valueOf(id), name) != null)
            {
                throw new IllegalArgumentException("data dictionary " + name + ": two application dictionaries " +
                    "for ApplVerID " + id);
            }
        }
        return fixt(transport, String.valueOf(standardApplVerId(application)), applications);
    }

    /**
     * A FIXT.1.1 dictionary with an application dictionary per ApplVerID (1128): a message carrying ApplVerID is
     * validated against that version's, one without against {@code defaultApplVerId}'s; an ApplVerID with none is
     * answered with Reject 373=5. Each dictionary is a classpath resource or a file, read and compiled now.
     *
     * @param transport        the transport dictionary, e.g. {@code FIXT11.xml}.
     * @param defaultApplVerId the ApplVerID for messages without one, a key of {@code applications}.
     * @param applications     ApplVerID value (e.g. {@code "9"}) to application dictionary (e.g. {@code FIX50SP2.xml}).
     * @return the combined dictionary of {@code defaultApplVerId}, able to switch to the others.
     * @throws IllegalArgumentException for a bad ApplVerID, a default without a dictionary, or a file that cannot be
     *                                  read.
     */
    public static DataDictionary fixt(final String transport, final String defaultApplVerId,
        final Map<String, String> applications)
    {
        final DataDictionary[] set = new DataDictionary[APPL_VER_IDS];
        for (final Map.Entry<String, String> application : applications.entrySet())
        {
            set[parseApplVerId(application.getKey())] = combine(transport, application.getValue());
        }
        final int id = parseApplVerId(defaultApplVerId);
        if (set[id] == null)
        {
            throw new IllegalArgumentException("defaultApplVerId=" + defaultApplVerId + ": not among the " +
                "application dictionaries given " + applications.keySet());
        }
        return new DataDictionary(set[id], set, id);
    }

    private static DataDictionary combine(final String transport, final String application)
    {
        final DictionaryBuilder builder = new DictionaryBuilder();
        builder.add(transport, openResourceOrFile(transport));
        builder.add(application, openResourceOrFile(application));
        builder.beginString = "FIXT.1.1";
        return builder.build();
    }

    private static InputStream openResourceOrFile(final String name)
    {
        final InputStream in = DataDictionary.class.getClassLoader().getResourceAsStream(name);
        if (in != null)
        {
            return in;
        }
        try
        {
            return Files.newInputStream(Path.of(name));
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("data dictionary not found on the classpath nor as a file: " + name +
                " (QuickFIX/J's quickfixj-messages-* artifacts carry FIX40.xml ... FIX44.xml, FIXT11.xml, FIX50*.xml)",
                ex);
        }
    }

    private static InputStream open(final String resource)
    {
        final InputStream in = DataDictionary.class.getClassLoader().getResourceAsStream(resource);
        if (in == null)
        {
            throw new IllegalArgumentException("data dictionary not on the classpath: " + resource +
                " (add the QuickFIX/J artifact that carries it, e.g. org.quickfixj:quickfixj-messages-fix44 for " +
                "FIX44.xml, -fixt11 and -fix50sp2 for FIXT11.xml and FIX50SP2.xml, or -all; give your own file; or " +
                "turn validation off)");
        }
        return in;
    }

    @Override
    public String toString()
    {
        return "DataDictionary{" + beginString + ", " + messages.length + " message types" +
            (applications == null ? "" : ", ApplVerID " + applVerIds() + " default " + defaultApplVerId) + "}";
    }

}
