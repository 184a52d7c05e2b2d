package dev.tandem.node;

import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import net.openhft.chronicle.wire.WireIn;

import java.util.List;

/**
 * One FIX session the node accepts, as seen from the node:
 * {@code { beginString: FIX.4.4, senderCompId: ISLD, targetCompId: TW, heartbeatSec: 30, resetOnLogon: false }}.
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

    /** A name for logs and metrics: {@code ISLD->TW}. */
    public String id()
    {
        return senderCompId + "->" + targetCompId;
    }

    @Override
    public void readMarshallable(final WireIn wire)
    {
        StrictYaml.readKeys(wire, "fix.sessions[]",
            List.of("beginString", "senderCompId", "targetCompId", "heartbeatSec", "resetOnLogon"), (key, in) ->
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
                    default:
                        resetOnLogon = StrictYaml.booleanValue(path, in);
                        break;
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
