package dev.tandem.fix.dictionary;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

import dev.tandem.fix.codec.FixDecoder;

/**
 * Checks a decoded inbound message against a {@link DataDictionary} under a session's {@link Validation} switches,
 * without allocating: the MsgType, every tag (defined, allowed for the MsgType, with a value, not repeated, in its
 * section), every value (enumeration, data format), repeating-group counts and entry order, the required fields of
 * the header, the body and every group entry (nested groups included). For FIXT.1.1 a message's ApplVerID (1128)
 * selects the application dictionary among those the {@link DataDictionary} compiled at start-up.
 * <p>
 * {@link #validate(FixDecoder)} answers {@link #VALID} or the SessionRejectReason (373) of the first problem found;
 * {@link #refTagId()} and {@link #text()} then describe it for the Reject.
 * <p>
 * Not thread safe: one validator per session, used on the session's duty-cycle thread.
 */
public final class MessageValidator
{
    /** The message passed every check. */
    public static final int VALID = -1;

    /** SessionRejectReason values (373) this validator answers with. */
    public static final int INVALID_TAG_NUMBER = 0;
    public static final int REQUIRED_TAG_MISSING = 1;
    public static final int TAG_NOT_DEFINED_FOR_MSG_TYPE = 2;
    public static final int TAG_WITHOUT_VALUE = 4;
    public static final int VALUE_INCORRECT = 5;
    public static final int INCORRECT_DATA_FORMAT = 6;
    public static final int INVALID_MSG_TYPE = 11;
    public static final int TAG_REPEATED = 13;
    public static final int TAG_OUT_OF_ORDER = 14;
    public static final int GROUP_FIELDS_OUT_OF_ORDER = 15;
    public static final int INCORRECT_NUM_IN_GROUP = 16;
    /**
     * Not a SessionRejectReason: a valid application MsgType the application does not support, answered with a
     * BusinessMessageReject with BusinessRejectReason (380) {@link #BUSINESS_REJECT_UNSUPPORTED_MSG_TYPE}.
     */
    public static final int UNSUPPORTED_MSG_TYPE = 1_003;
    /** BusinessRejectReason 3: Unsupported Message Type. */
    public static final int BUSINESS_REJECT_UNSUPPORTED_MSG_TYPE = 3;

    /** User-defined tags: 5000 to 9999 (FIX reserves them for bilateral use). */
    private static final int USER_DEFINED_FIRST = 5000;
    private static final int USER_DEFINED_LAST = 9999;
    private static final int MSG_TYPE = 35;
    private static final int APPL_VER_ID = 1128;
    private static final int SECTION_HEADER = 0;
    private static final int SECTION_BODY = 1;
    private static final int SECTION_TRAILER = 2;
    private static final String[] TEXTS = new String[17];
    private static final boolean LITTLE_ENDIAN = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
    /** In "HH:mm:ss" read as a word (first byte lowest): the bytes of the two ':', what they must be, and ':' ^ '0'. */
    private static final long TIME_COLONS = 0x0000FF0000FF0000L;
    private static final long TIME_COLON_BYTES = 0x00003A00003A0000L;
    private static final long TIME_COLONS_TO_ZEROS = 0x00000A00000A0000L;

    static
    {
        TEXTS[INVALID_TAG_NUMBER] = "Invalid tag number";
        TEXTS[REQUIRED_TAG_MISSING] = "Required tag missing";
        TEXTS[TAG_NOT_DEFINED_FOR_MSG_TYPE] = "Tag not defined for this message type";
        TEXTS[TAG_WITHOUT_VALUE] = "Tag specified without a value";
        TEXTS[VALUE_INCORRECT] = "Value is incorrect (out of range) for this tag";
        TEXTS[INCORRECT_DATA_FORMAT] = "Incorrect data format for value";
        TEXTS[INVALID_MSG_TYPE] = "Invalid MsgType";
        TEXTS[TAG_REPEATED] = "Tag appears more than once";
        TEXTS[TAG_OUT_OF_ORDER] = "Tag specified out of required order";
        TEXTS[GROUP_FIELDS_OUT_OF_ORDER] = "Repeating group fields out of order";
        TEXTS[INCORRECT_NUM_IN_GROUP] = "Incorrect NumInGroup count for repeating group";
    }

    private final DataDictionary dictionary;
    /** The dictionary of the message being validated: the session's, or the one its ApplVerID (1128) selects. */
    private DataDictionary current;
    private final Validation validation;
    private final int[] seenGeneration;
    private int generation;
    /** For each tag, the stamp of the last group entry it was seen in: an entry's required fields are checked by it. */
    private final int[] entrySeen;
    private int lastEntryStamp;
    private int refTagId;
    private int reason = VALID;
    /** The bytes of the message being validated, as {@link FixDecoder} reads them (heap array or off-heap address). */
    private byte[] array;
    private long address;

    /**
     * @param dictionary the compiled dictionary of the session's BeginString.
     * @param validation the switches; read now and kept.
     */
    public MessageValidator(final DataDictionary dictionary, final Validation validation)
    {
        this.dictionary = dictionary;
        this.validation = validation;
        int tags = dictionary.fieldTypes.length;
        for (int id = 0; dictionary.applications != null && id < dictionary.applications.length; id++)
        {
            if (dictionary.applications[id] != null)
            {
                tags = Math.max(tags, dictionary.applications[id].fieldTypes.length);
            }
        }
        this.seenGeneration = new int[tags];
        this.entrySeen = new int[tags];
    }

    /** @return the dictionary checked against. */
    public DataDictionary dictionary()
    {
        return dictionary;
    }

    /** @return RefTagID (371) of the last failed check, 0 when none applies. */
    public int refTagId()
    {
        return refTagId;
    }

    /** @return the last result of {@link #validate(FixDecoder)}. */
    public int reason()
    {
        return reason;
    }

    /** @return the Text (58) for the last failed check. */
    public String text()
    {
        if (reason == UNSUPPORTED_MSG_TYPE)
        {
            return "Unsupported Message Type";
        }
        return reason == VALID ? "" : TEXTS[reason];
    }

    /**
     * @param decoder a message the decoder has wrapped successfully.
     * @return {@link #VALID} or the SessionRejectReason of the first problem.
     */
    public int validate(final FixDecoder decoder)
    {
        refTagId = 0;
        reason = VALID;
        if (!validation.enabled)
        {
            return VALID;
        }
        final long msgTypeKey = msgTypeKey(decoder);
        final DataDictionary dictionary = selectDictionary(decoder);
        if (dictionary == null)
        {
            return fail(VALUE_INCORRECT, APPL_VER_ID);
        }
        current = dictionary;
        final DataDictionary.MessageDef def = dictionary.message(msgTypeKey);
        if (def == null)
        {
            return fail(INVALID_MSG_TYPE, MSG_TYPE);
        }
        if (++generation == Integer.MAX_VALUE)
        {
            java.util.Arrays.fill(seenGeneration, 0);
            generation = 1;
        }
        if (lastEntryStamp > Integer.MAX_VALUE / 2)
        {
            // a message has far fewer entries than the half left: no stamp wraps within one validation
            java.util.Arrays.fill(entrySeen, 0);
            lastEntryStamp = 0;
        }
        final DirectBuffer buffer = decoder.buffer();
        array = buffer.byteArray();
        address = buffer.addressOffset();
        final byte[] types = dictionary.fieldTypes;
        final byte[] sections = dictionary.sections;
        final byte[] valueChecks = dictionary.valueChecks;
        final int[] seenGeneration = this.seenGeneration;
        final int generation = this.generation;
        final boolean checkFieldValues = validation.checkFieldValues;
        final boolean checkFieldOrder = validation.checkFieldOrder;
        final boolean checkUserDefinedFields = validation.checkUserDefinedFields;
        final int count = decoder.fieldCount();
        int section = SECTION_HEADER;
        for (int i = 0; i < count; i++)
        {
            final int tag = decoder.tag(i);
            if (checkFieldValues && decoder.valueLength(i) == 0)
            {
                return fail(TAG_WITHOUT_VALUE, tag);
            }
            if (tag <= 0 || tag >= types.length || types[tag] == DataDictionary.TYPE_UNDEFINED)
            {
                final boolean userDefined = tag >= USER_DEFINED_FIRST && tag <= USER_DEFINED_LAST;
                if ((userDefined && !checkUserDefinedFields) || validation.allowUnknownFields)
                {
                    continue;
                }
                return fail(INVALID_TAG_NUMBER, tag);
            }
            final byte tagSection = sections[tag];
            if (tagSection == DataDictionary.SECTION_HEADER_TAG)
            {
                if (section != SECTION_HEADER && checkFieldOrder)
                {
                    return fail(TAG_OUT_OF_ORDER, tag);
                }
            }
            else if (tagSection == DataDictionary.SECTION_TRAILER_TAG)
            {
                section = SECTION_TRAILER;
            }
            else
            {
                if (section == SECTION_TRAILER && checkFieldOrder)
                {
                    return fail(TAG_OUT_OF_ORDER, tag);
                }
                section = SECTION_BODY;
                if (!DataDictionary.isSet(def.allowed, tag))
                {
                    if (tag >= USER_DEFINED_FIRST && tag <= USER_DEFINED_LAST && !checkUserDefinedFields)
                    {
                        continue;
                    }
                    return fail(TAG_NOT_DEFINED_FOR_MSG_TYPE, tag);
                }
            }
            if (checkFieldValues && valueChecks[tag] != DataDictionary.CHECK_NONE)
            {
                final int valueProblem = checkValue(decoder, i, tag);
                if (valueProblem != VALID)
                {
                    return fail(valueProblem, tag);
                }
            }
            if (seenGeneration[tag] == generation)
            {
                return fail(TAG_REPEATED, tag);
            }
            seenGeneration[tag] = generation;
            if (section == SECTION_BODY)
            {
                final DataDictionary.GroupDef group = def.group(tag);
                if (group != null)
                {
                    final int last = scanGroup(decoder, i, group);
                    if (last < 0)
                    {
                        return reason;
                    }
                    i = last;
                }
            }
        }
        for (final int tag : dictionary.headerRequired)
        {
            if (seenGeneration[tag] != generation)
            {
                return fail(REQUIRED_TAG_MISSING, tag);
            }
        }
        for (final int tag : def.required)
        {
            if (seenGeneration[tag] != generation)
            {
                return fail(REQUIRED_TAG_MISSING, tag);
            }
        }
        final long[] supported = validation.supportedMsgTypeKeys;
        if (supported != null && !def.admin && !decoder.isAdmin() &&
            java.util.Arrays.binarySearch(supported, msgTypeKey) < 0)
        {
            return fail(UNSUPPORTED_MSG_TYPE, 0);
        }
        return VALID;
    }

    /**
     * Checks the entries of a repeating group whose NumInGroup is at {@code countIndex}: each entry starts with the
     * group's first field, carries its required fields, has no field twice, has every value right, and its nested
     * groups are checked the same way (recursion as deep as the dictionary nests groups, a handful of levels). The
     * entries end at the first tag that is not a member; their number must be the NumInGroup value.
     *
     * @return the index of the group's last field, or -1 after {@link #fail(int, int)}.
     */
    private int scanGroup(final FixDecoder decoder, final int countIndex, final DataDictionary.GroupDef group)
    {
        final int countTag = group.countTag;
        final int expected = unsignedValue(decoder, countIndex);
        final int delimiter = group.delimiter;
        final int count = decoder.fieldCount();
        int entries = 0;
        int entryStamp = 0;
        int j = countIndex + 1;
        while (j < count)
        {
            final int tag = decoder.tag(j);
            if (!group.isMember(tag))
            {
                break;
            }
            if (tag == delimiter)
            {
                if (entries > 0 && !entryHasRequired(group, entryStamp))
                {
                    return -1;
                }
                entries++;
                entryStamp = nextEntryStamp();
            }
            else if (entries == 0)
            {
                if (validation.checkGroupFieldOrder)
                {
                    fail(GROUP_FIELDS_OUT_OF_ORDER, tag);
                    return -1;
                }
                // an entry without its first field, let through by the switch: its fields still count as seen
                entryStamp = entryStamp == 0 ? nextEntryStamp() : entryStamp;
            }
            if (validation.checkFieldValues)
            {
                if (decoder.valueLength(j) == 0)
                {
                    fail(TAG_WITHOUT_VALUE, tag);
                    return -1;
                }
                final int valueProblem = checkValue(decoder, j, tag);
                if (valueProblem != VALID)
                {
                    fail(valueProblem, tag);
                    return -1;
                }
            }
            if (entrySeen[tag] == entryStamp)
            {
                // a member other than the first twice in one entry (the first starts the next entry)
                fail(TAG_REPEATED, tag);
                return -1;
            }
            entrySeen[tag] = entryStamp;
            final DataDictionary.GroupDef nested = group.group(tag);
            if (nested != null)
            {
                final int last = scanGroup(decoder, j, nested);
                if (last < 0)
                {
                    return -1;
                }
                j = last;
            }
            j++;
        }
        if (entries > 0 && !entryHasRequired(group, entryStamp))
        {
            return -1;
        }
        if (entries != expected)
        {
            fail(INCORRECT_NUM_IN_GROUP, countTag);
            return -1;
        }
        return j - 1;
    }

    /**
     * FIXT.1.1: a message's ApplVerID (1128) selects the application dictionary it is validated against (all
     * compiled at start-up); without one, or for another BeginString, the session's dictionary.
     *
     * @return the dictionary, or null when the ApplVerID names a version this session has no dictionary for.
     */
    private DataDictionary selectDictionary(final FixDecoder decoder)
    {
        final DataDictionary[] applications = dictionary.applications;
        if (applications == null)
        {
            return dictionary;
        }
        final int index = decoder.fieldIndex(APPL_VER_ID);
        if (index < 0 || decoder.valueLength(index) == 0)
        {
            // an empty ApplVerID is "Tag specified without a value", found by the field checks
            return dictionary;
        }
        final int applVerId = unsignedValue(decoder, index);
        return applVerId >= 0 && applVerId < applications.length ? applications[applVerId] : null;
    }

    /** @return the unsigned integer at {@code index} (a nested group's NumInGroup repeats: read by index), or -1. */
    private static int unsignedValue(final FixDecoder decoder, final int index)
    {
        final DirectBuffer buffer = decoder.buffer();
        final int offset = decoder.valueOffset(index);
        final int length = decoder.valueLength(index);
        if (length == 0 || length > 9)
        {
            return -1;
        }
        int value = 0;
        for (int k = 0; k < length; k++)
        {
            final byte b = buffer.getByte(offset + k);
            if (b < '0' || b > '9')
            {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    /** @return true when the entry stamped {@code entryStamp} has every required field of the group; else fails. */
    private boolean entryHasRequired(final DataDictionary.GroupDef group, final int entryStamp)
    {
        for (final int required : group.required)
        {
            if (entrySeen[required] != entryStamp)
            {
                fail(REQUIRED_TAG_MISSING, required);
                return false;
            }
        }
        return true;
    }

    private int nextEntryStamp()
    {
        return ++lastEntryStamp;
    }

    private int checkValue(final FixDecoder decoder, final int index, final int tag)
    {
        final int offset = decoder.valueOffset(index);
        final int length = decoder.valueLength(index);
        final DataDictionary current = this.current;
        switch (current.valueChecks[tag])
        {
            case DataDictionary.CHECK_NONE:
                return VALID;
            case DataDictionary.CHECK_ENUM:
                if (length == 1)
                {
                    final int b = byteAt(offset) & 0xFF;
                    return (current.enumBytes[tag][b >> 6] & (1L << (b & 63))) != 0 ? VALID : VALUE_INCORRECT;
                }
                return isEnumValue(current.enumKeys[tag], current.enumValues[tag], offset, length) ?
                    VALID : VALUE_INCORRECT;
            case DataDictionary.CHECK_ENUM_EACH:
            {
                final long[] keys = current.enumKeys[tag];
                final byte[][] values = current.enumValues[tag];
                int start = offset;
                final int end = offset + length;
                for (int p = offset; p <= end; p++)
                {
                    if (p == end || byteAt(p) == ' ')
                    {
                        if (!isEnumValue(keys, values, start, p - start))
                        {
                            return VALUE_INCORRECT;
                        }
                        start = p + 1;
                    }
                }
                return VALID;
            }
            case DataDictionary.CHECK_INT:
                return isInteger(offset, length) ? VALID : INCORRECT_DATA_FORMAT;
            case DataDictionary.CHECK_FLOAT:
                return isDecimal(offset, length) ? VALID : INCORRECT_DATA_FORMAT;
            case DataDictionary.CHECK_CHAR:
                return length == 1 ? VALID : INCORRECT_DATA_FORMAT;
            case DataDictionary.CHECK_BOOLEAN:
                return length == 1 && (byteAt(offset) == 'Y' || byteAt(offset) == 'N') ?
                    VALID : INCORRECT_DATA_FORMAT;
            case DataDictionary.CHECK_UTC_TIMESTAMP:
                return isTimestamp(offset, length) ? VALID : INCORRECT_DATA_FORMAT;
            default:
                return VALID;
        }
    }

    /**
     * @param keys   the enumeration as sorted keys, or null to scan {@code values}.
     * @param values the enumeration.
     */
    private boolean isEnumValue(final long[] keys, final byte[][] values, final int offset, final int length)
    {
        if (keys != null)
        {
            if (length == 0 || length > 8)
            {
                return false;
            }
            long key = 0;
            for (int k = 0; k < length; k++)
            {
                final byte b = byteAt(offset + k);
                if (b == 0)
                {
                    // no key holds a NUL byte, and one would make two values' keys alike
                    return false;
                }
                key = (key << 8) | (b & 0xFF);
            }
            return java.util.Arrays.binarySearch(keys, key) >= 0;
        }
        for (final byte[] value : values)
        {
            if (value.length == length)
            {
                int k = 0;
                while (k < length && byteAt(offset + k) == value[k])
                {
                    k++;
                }
                if (k == length)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean isInteger(final int offset, final int length)
    {
        int p = offset;
        final int end = offset + length;
        if (p < end && byteAt(p) == '-')
        {
            p++;
        }
        if (p == end)
        {
            return false;
        }
        for (; p < end; p++)
        {
            if (!isDigit(byteAt(p)))
            {
                return false;
            }
        }
        return true;
    }

    private boolean isDecimal(final int offset, final int length)
    {
        int p = offset;
        final int end = offset + length;
        if (p < end && byteAt(p) == '-')
        {
            p++;
        }
        int digits = 0;
        boolean point = false;
        for (; p < end; p++)
        {
            final byte b = byteAt(p);
            if (b == '.' && !point)
            {
                point = true;
            }
            else if (isDigit(b))
            {
                digits++;
            }
            else
            {
                return false;
            }
        }
        return digits > 0;
    }

    /** yyyyMMdd-HH:mm:ss with an optional fraction of 1 to 9 digits. */
    private boolean isTimestamp(final int offset, final int length)
    {
        if (length < 17 || length == 18 || length > 27)
        {
            return false;
        }
        // bytes 0-7 the date; 9-16 "HH:mm:ss", read as words (17 bytes are there) with ':' put back to '0' to check
        // the digits at once
        final long date = wordAt(offset);
        final long time = wordAt(offset + 9);
        if (byteAt(offset + 8) != '-' || (time & TIME_COLONS) != TIME_COLON_BYTES ||
            nonDigitBytes(date) != 0 || nonDigitBytes(time ^ TIME_COLONS_TO_ZEROS) != 0)
        {
            return false;
        }
        if (length > 17)
        {
            if (byteAt(offset + 17) != '.')
            {
                return false;
            }
            for (int k = 18; k < length; k++)
            {
                if (!isDigit(byteAt(offset + k)))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /** @return the high bit of each byte of {@code x} that is not an ASCII digit. */
    private static long nonDigitBytes(final long x)
    {
        // a byte above '9' overflows into its high bit, one below '0' borrows into it; a digit does neither, so no
        // byte disturbs its neighbour unless it is flagged itself
        return ((x + 0x4646464646464646L) | (x - 0x3030303030303030L)) & 0x8080808080808080L;
    }

    /** 8 bytes of the message from {@code index}, the first in the low byte whatever the platform's order. */
    private long wordAt(final int index)
    {
        final long word = UnsafeApi.getLong(array, address + index);
        return LITTLE_ENDIAN ? word : Long.reverseBytes(word);
    }

    private static boolean isDigit(final byte b)
    {
        return b >= '0' && b <= '9';
    }

    /** A byte of the message being validated: inside a value the decoder indexed, so within the buffer. */
    private byte byteAt(final int index)
    {
        return UnsafeApi.getByte(array, address + index);
    }

    private static long msgTypeKey(final FixDecoder decoder)
    {
        final int length = decoder.msgTypeLength();
        if (length <= 0 || length > 8)
        {
            return 0;
        }
        final DirectBuffer buffer = decoder.buffer();
        final int offset = decoder.msgTypeOffset();
        long key = 0;
        for (int k = 0; k < length; k++)
        {
            key = (key << 8) | (buffer.getByte(offset + k) & 0xFF);
        }
        return key;
    }

    private int fail(final int reason, final int tag)
    {
        this.reason = reason;
        this.refTagId = tag;
        return reason;
    }
}
