package dev.tandem.fix.dictionary;

import dev.tandem.journal.config.ConfigTable;

/**
 * The validation switches of one session, each named after the check it turns on or off (the QuickFIX/J setting with
 * the same effect in brackets). Every check is on by default except {@link #allowUnknownFields(boolean)}: a message that
 * fails one is answered with a session Reject and not given to the application.
 * <ul>
 *     <li>{@code enabled} ({@code ValidateIncomingMessage}): validate inbound messages at all;</li>
 *     <li>{@code checkFieldOrder} ({@code ValidateFieldsOutOfOrder}): header fields first, trailer fields last
 *     (373=14);</li>
 *     <li>{@code checkUserDefinedFields} ({@code ValidateUserDefinedFields}): tags 5000-9999 must be defined and
 *     belong to the MsgType like any other; off, they pass unchecked;</li>
 *     <li>{@code allowUnknownFields} ({@code AllowUnknownMsgFields}): tags the dictionary does not define pass
 *     unchecked instead of 373=0;</li>
 *     <li>{@code checkGroupFieldOrder} ({@code ValidateUnorderedGroupFields}): a group entry starts with its first
 *     field (373=15);</li>
 *     <li>{@code checkFieldValues} ({@code ValidateFieldsHaveValues} and value checks): no empty value (373=4), values
 *     inside the enumeration (373=5) and of the field's data format (373=6);</li>
 *     <li>{@code supportedMsgTypes}: when set, the application MsgTypes the application handles; a valid application
 *     MsgType outside them is answered with a BusinessMessageReject 380=3 (Unsupported Message Type) instead of
 *     reaching the application. Not set (the default), every valid MsgType is supported.</li>
 * </ul>
 * Fluent; not thread safe while being configured, immutable in use once handed to a session.
 */
public final class Validation
{
    /** The YAML keys of a session's {@code validation} map, one per switch with the setter's name. */
    public static final ConfigTable<Validation> CONFIG = new ConfigTable<Validation>("validation")
        .bool("enabled", Validation::enabled)
        .bool("checkFieldOrder", Validation::checkFieldOrder)
        .bool("checkUserDefinedFields", Validation::checkUserDefinedFields)
        .bool("allowUnknownFields", Validation::allowUnknownFields)
        .bool("checkGroupFieldOrder", Validation::checkGroupFieldOrder)
        .bool("checkFieldValues", Validation::checkFieldValues)
        .textList("supportedMsgTypes", (validation, types) ->
            validation.supportedMsgTypes(types.toArray(new String[0])));

    boolean enabled = true;
    boolean checkFieldOrder = true;
    boolean checkUserDefinedFields = true;
    boolean allowUnknownFields = false;
    boolean checkGroupFieldOrder = true;
    boolean checkFieldValues = true;
    long[] supportedMsgTypeKeys;

    /** @param enabled validate inbound messages at all (default on). @return this */
    public Validation enabled(final boolean enabled)
    {
        this.enabled = enabled;
        return this;
    }

    /** @return whether inbound messages are validated at all. */
    public boolean enabled()
    {
        return enabled;
    }

    /** @param check header first, trailer last (default on). @return this */
    public Validation checkFieldOrder(final boolean check)
    {
        this.checkFieldOrder = check;
        return this;
    }

    /** @param check treat tags 5000-9999 like any other (default on). @return this */
    public Validation checkUserDefinedFields(final boolean check)
    {
        this.checkUserDefinedFields = check;
        return this;
    }

    /** @param allow let tags the dictionary does not define pass (default off). @return this */
    public Validation allowUnknownFields(final boolean allow)
    {
        this.allowUnknownFields = allow;
        return this;
    }

    /** @param check a group entry starts with its first field (default on). @return this */
    public Validation checkGroupFieldOrder(final boolean check)
    {
        this.checkGroupFieldOrder = check;
        return this;
    }

    /** @param check no empty values, enumerations and data formats (default on). @return this */
    public Validation checkFieldValues(final boolean check)
    {
        this.checkFieldValues = check;
        return this;
    }

    /**
     * @param msgTypes the application MsgTypes the application handles, e.g. {@code "D", "F", "G"}; session-level
     *                 messages are always handled.
     * @return this
     */
    public Validation supportedMsgTypes(final String... msgTypes)
    {
        final long[] keys = new long[msgTypes.length];
        for (int i = 0; i < msgTypes.length; i++)
        {
            keys[i] = DataDictionary.msgTypeKey(msgTypes[i]);
            if (keys[i] == 0)
            {
                throw new IllegalArgumentException("supportedMsgTypes=" + msgTypes[i] + ": must be 1 to 8 characters");
            }
        }
        java.util.Arrays.sort(keys);
        this.supportedMsgTypeKeys = keys;
        return this;
    }

    @Override
    public String toString()
    {
        return "Validation{enabled=" + enabled + ", checkFieldOrder=" + checkFieldOrder + ", checkUserDefinedFields=" +
            checkUserDefinedFields + ", allowUnknownFields=" + allowUnknownFields + ", checkGroupFieldOrder=" +
            checkGroupFieldOrder + ", checkFieldValues=" + checkFieldValues + "}";
    }
}
