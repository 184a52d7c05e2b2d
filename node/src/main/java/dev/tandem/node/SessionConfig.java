package dev.tandem.node;

import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import net.openhft.chronicle.wire.WireIn;

import java.util.List;

import dev.tandem.fix.dictionary.DataDictionary;
import dev.tandem.fix.dictionary.Validation;

/**
 * One FIX session the node accepts, as seen from the node:
 * {@code { beginString: FIX.4.4, senderCompId: ISLD, targetCompId: TW, heartbeatSec: 30, resetOnLogon: false }}.
 * <p>
 * Inbound validation against a data dictionary is on by default with the standard dictionary of the BeginString
 * from the classpath ({@link DataDictionary#standard}); {@code validation: { ... }} sets the switches of
 * {@link Validation} under the same names and a dictionary of one's own:
 * {@code validation: { enabled: true, dataDictionary: config/MyFIX44.xml, transportDataDictionary: FIXT11.xml,
 * checkFieldOrder: true, checkUserDefinedFields: true, allowUnknownFields: false, checkGroupFieldOrder: true,
 * checkFieldValues: true, supportedMsgTypes: "D,F,G" }} (every key optional; a dictionary is a classpath resource
 * or a file; {@code transportDataDictionary} only for FIXT.1.1, default {@code FIXT11.xml}).
 * <p>
 * Threading: read at start-up, immutable afterwards.
 */
public final class SessionConfig extends SelfDescribingMarshallable implements StrictYaml.StrictlyRead
{
    /** Versions the session layer speaks. */
    public static final List<String> BEGIN_STRINGS = List.of("FIX.4.2", "FIX.4.4", "FIXT.1.1");
    /** The usual FIX default. */
    public static final int DEFAULT_HEARTBEAT_SEC = 30;

    private String beginString = "FIX.4.4";
    private String senderCompId;
    private String targetCompId;
    private int heartbeatSec = DEFAULT_HEARTBEAT_SEC;
    private boolean resetOnLogon = false;
    private String dataDictionary;
    private String transportDataDictionary;
    private transient Validation validation = new Validation();
    private transient DataDictionary loadedDictionary;

    public String beginString()
    {
        return beginString;
    }

    public SessionConfig beginString(final String beginString)
    {
        this.beginString = beginString;
        return this;
    }

    public String senderCompId()
    {
        return senderCompId;
    }

    public SessionConfig senderCompId(final String senderCompId)
    {
        this.senderCompId = senderCompId;
        return this;
    }

    public String targetCompId()
    {
        return targetCompId;
    }

    public SessionConfig targetCompId(final String targetCompId)
    {
        this.targetCompId = targetCompId;
        return this;
    }

    public int heartbeatSec()
    {
        return heartbeatSec;
    }

    public SessionConfig heartbeatSec(final int heartbeatSec)
    {
        this.heartbeatSec = heartbeatSec;
        return this;
    }

    public boolean resetOnLogon()
    {
        return resetOnLogon;
    }

    public SessionConfig resetOnLogon(final boolean resetOnLogon)
    {
        this.resetOnLogon = resetOnLogon;
        return this;
    }

    /** @return the validation switches read from {@code validation: {...}} (all defaults when absent). */
    public Validation validation()
    {
        return validation;
    }

    /**
     * @return the dictionary named by {@code validation.dataDictionary}, loaded by {@link #validate(String)}; null
     * for the standard one of the BeginString (or none when validation is off).
     */
    public DataDictionary dataDictionary()
    {
        return loadedDictionary;
    }

    /** A name for logs and metrics: {@code ISLD->TW}. */
    public String id()
    {
        return senderCompId + "->" + targetCompId;
    }

    @Override
    public void readMarshallable(final WireIn wire)
    {
        StrictYaml.readKeys(wire, "fix.sessions[]",
            List.of("beginString", "senderCompId", "targetCompId", "heartbeatSec", "resetOnLogon", "validation"),
            (key, in) ->
            {
                final String path = "fix.sessions[]." + key;
                switch (key)
                {
                    case "beginString":
                        beginString = StrictYaml.text(path, in);
                        break;
                    case "senderCompId":
                        senderCompId = StrictYaml.text(path, in);
                        break;
                    case "targetCompId":
                        targetCompId = StrictYaml.text(path, in);
                        break;
                    case "heartbeatSec":
                        heartbeatSec = (int)StrictYaml.longValue(path, in, 1, 3600);
                        break;
                    case "validation":
                        in.marshallable(this::readValidation);
                        break;
                    default:
                        resetOnLogon = StrictYaml.booleanValue(path, in);
                        break;
                }
            });
    }

    private void readValidation(final WireIn wire)
    {
        final String section = "fix.sessions[].validation";
        StrictYaml.readKeys(wire, section, List.of("enabled", "dataDictionary", "transportDataDictionary",
            "checkFieldOrder", "checkUserDefinedFields", "allowUnknownFields", "checkGroupFieldOrder",
            "checkFieldValues", "supportedMsgTypes"), (key, in) ->
            {
                final String path = section + "." + key;
                switch (key)
                {
                    case "enabled":
                        validation.enabled(StrictYaml.booleanValue(path, in));
                        break;
                    case "dataDictionary":
                        dataDictionary = StrictYaml.text(path, in);
                        break;
                    case "transportDataDictionary":
                        transportDataDictionary = StrictYaml.text(path, in);
                        break;
                    case "checkFieldOrder":
                        validation.checkFieldOrder(StrictYaml.booleanValue(path, in));
                        break;
                    case "checkUserDefinedFields":
                        validation.checkUserDefinedFields(StrictYaml.booleanValue(path, in));
                        break;
                    case "allowUnknownFields":
                        validation.allowUnknownFields(StrictYaml.booleanValue(path, in));
                        break;
                    case "checkGroupFieldOrder":
                        validation.checkGroupFieldOrder(StrictYaml.booleanValue(path, in));
                        break;
                    case "checkFieldValues":
                        validation.checkFieldValues(StrictYaml.booleanValue(path, in));
                        break;
                    default:
                    {
                        final String types = StrictYaml.text(path, in);
                        try
                        {
                            validation.supportedMsgTypes(types == null ? new String[0] : types.split("\\s*,\\s*"));
                        }
                        catch (final IllegalArgumentException ex)
                        {
                            throw new ConfigException(path + ": '" + types + "' " + ex.getMessage(), ex);
                        }
                        break;
                    }
                }
            });
    }

    void validate(final String key)
    {
        if (!BEGIN_STRINGS.contains(beginString))
        {
            throw new ConfigException(key + ".beginString: '" + beginString + "' is not supported, expected one of " +
                BEGIN_STRINGS);
        }
        requireCompId(key + ".senderCompId", senderCompId);
        requireCompId(key + ".targetCompId", targetCompId);
        if (heartbeatSec < 1 || heartbeatSec > 3600)
        {
            throw new ConfigException(key + ".heartbeatSec: " + heartbeatSec + " is out of range, expected 1..3600");
        }
        if (transportDataDictionary != null && !"FIXT.1.1".equals(beginString))
        {
            throw new ConfigException(key + ".validation.transportDataDictionary: '" + transportDataDictionary +
                "' is only for FIXT.1.1 sessions");
        }
        loadedDictionary = null;
        if (dataDictionary != null && validation.enabled())
        {
            try
            {
                loadedDictionary = "FIXT.1.1".equals(beginString) ? DataDictionary.fixt(
                    transportDataDictionary == null ? DataDictionary.FIXT11_RESOURCE : transportDataDictionary,
                    dataDictionary) : DataDictionary.load(dataDictionary);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigException(key + ".validation.dataDictionary: '" + dataDictionary + "' " +
                    ex.getMessage(), ex);
            }
            if (!beginString.equals(loadedDictionary.beginString()))
            {
                throw new ConfigException(key + ".validation.dataDictionary: '" + dataDictionary + "' is for " +
                    loadedDictionary.beginString() + ", the session's beginString is " + beginString);
            }
        }
        else if (validation.enabled())
        {
            try
            {
                DataDictionary.standard(beginString, dev.tandem.fix.SessionConfig.DEFAULT_APPL_VER_ID);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigException(key + ".validation: on (the default) and the standard dictionary of " +
                    beginString + " cannot be loaded: " + ex.getMessage() + "; or set validation: { enabled: false }",
                    ex);
            }
        }
    }

    private static void requireCompId(final String key, final String value)
    {
        if (value == null || value.isBlank())
        {
            throw new ConfigException(key + ": missing");
        }
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c <= ' ' || c == '=' || c == '\u0001' || c > '~')
            {
                throw new ConfigException(key + ": '" + value + "' has a character FIX does not allow in a CompID");
            }
        }
    }
}
