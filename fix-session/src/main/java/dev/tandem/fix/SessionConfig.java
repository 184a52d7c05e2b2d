package dev.tandem.fix;

import dev.tandem.fix.dictionary.DataDictionary;
import dev.tandem.fix.dictionary.Validation;
import dev.tandem.journal.config.ConfigTable;
import dev.tandem.journal.config.YamlNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One FIX session as this side sees it: BeginString, our SenderCompID, the counterparty's TargetCompID, the
 * heartbeat interval we ask for (an initiator; an acceptor takes the interval the counterparty's Logon asks for),
 * and whether sequence numbers restart at 1 on every Logon.
 * <p>
 * Fluent setters; {@link #conclude()} validates. Not thread safe; treat as immutable once given to a context.
 */
public final class SessionConfig
{
    /** FIX 4.2. */
    public static final String FIX42 = "FIX.4.2";
    /** FIX 4.4. */
    public static final String FIX44 = "FIX.4.4";
    /** FIXT.1.1 transport (with FIX 5.0 SP2 application messages by default). */
    public static final String FIXT11 = "FIXT.1.1";

    /** 30 s: the common industry default for HeartBtInt. */
    public static final int DEFAULT_HEARTBEAT_INTERVAL_SEC = 30;
    /** DefaultApplVerID 9 = FIX 5.0 SP2, sent in a FIXT.1.1 Logon. */
    public static final String DEFAULT_APPL_VER_ID = "9";

    /**
     * The YAML keys of a session, one per fluent setter with the setter's name ({@code heartbeatSec} is kept as
     * another name of {@code heartbeatIntervalSec}, for existing files). {@code dataDictionary} names a dictionary:
     * a classpath resource or file ({@code FIX44.xml}), or for FIXT.1.1 the transport and application dictionaries
     * ({@code [ FIXT11.xml, FIX50SP2.xml ]}, more application ones after it to switch to by ApplVerID:
     * {@code [ FIXT11.xml, FIX50SP2.xml, FIX50.xml ]}); {@code validation} is a map of {@link Validation}'s switches.
     */
    public static final ConfigTable<SessionConfig> CONFIG = new ConfigTable<SessionConfig>("session")
        .text("beginString", SessionConfig::beginString)
        .text("senderCompId", SessionConfig::senderCompId)
        .text("targetCompId", SessionConfig::targetCompId)
        .intValue("heartbeatIntervalSec", SessionConfig::heartbeatIntervalSec)
        .alias("heartbeatSec", "heartbeatIntervalSec")
        .bool("resetOnLogon", SessionConfig::resetOnLogon)
        .bool("nextExpectedMsgSeqNum", SessionConfig::nextExpectedMsgSeqNum)
        .text("defaultApplVerId", SessionConfig::defaultApplVerId)
        .custom("dataDictionary", (session, value) -> session.dataDictionary(dictionary(value)))
        .section("validation", Validation.CONFIG, SessionConfig::validation);

    private String beginString = FIX44;
    private DataDictionary dataDictionary;
    private Validation validation = new Validation();
    private String senderCompId;
    private String targetCompId;
    private int heartbeatIntervalSec = DEFAULT_HEARTBEAT_INTERVAL_SEC;
    private boolean resetOnLogon;
    private String defaultApplVerId = DEFAULT_APPL_VER_ID;
    private Boolean nextExpectedMsgSeqNum;

    public SessionConfig beginString(final String beginString)
    {
        this.beginString = beginString;
        return this;
    }

    public String beginString()
    {
        return beginString;
    }

    /** Our own CompID: the SenderCompID (49) of what we send. */
    public SessionConfig senderCompId(final String senderCompId)
    {
        this.senderCompId = senderCompId;
        return this;
    }

    public String senderCompId()
    {
        return senderCompId;
    }

    /** The counterparty's CompID: the TargetCompID (56) of what we send. */
    public SessionConfig targetCompId(final String targetCompId)
    {
        this.targetCompId = targetCompId;
        return this;
    }

    public String targetCompId()
    {
        return targetCompId;
    }

    /** HeartBtInt (108) an initiator sends in its Logon; 0 disables heartbeats. */
    public SessionConfig heartbeatIntervalSec(final int heartbeatIntervalSec)
    {
        this.heartbeatIntervalSec = heartbeatIntervalSec;
        return this;
    }

    public int heartbeatIntervalSec()
    {
        return heartbeatIntervalSec;
    }

    /** Reset both sequence numbers to 1 on every Logon (an initiator then sends ResetSeqNumFlag 141=Y). */
    public SessionConfig resetOnLogon(final boolean resetOnLogon)
    {
        this.resetOnLogon = resetOnLogon;
        return this;
    }

    public boolean resetOnLogon()
    {
        return resetOnLogon;
    }

    /**
     * Whether our Logon carries NextExpectedMsgSeqNum (789) = the next inbound MsgSeqNum we expect. Default: on for
     * FIX.4.4 and FIXT.1.1, off for FIX.4.2 (the tag is not in 4.2). An acceptor that receives 789 beyond its own next
     * sender MsgSeqNum moves up to it (messages lost in a failover) whatever this says, and echoes 789 in its reply.
     */
    public SessionConfig nextExpectedMsgSeqNum(final boolean nextExpectedMsgSeqNum)
    {
        this.nextExpectedMsgSeqNum = nextExpectedMsgSeqNum;
        return this;
    }

    /** See {@link #nextExpectedMsgSeqNum(boolean)}; the explicit value or the default for the BeginString. */
    public boolean nextExpectedMsgSeqNum()
    {
        return nextExpectedMsgSeqNum != null ? nextExpectedMsgSeqNum : !FIX42.equals(beginString);
    }

    /** DefaultApplVerID (1137) sent in a FIXT.1.1 Logon. */
    public SessionConfig defaultApplVerId(final String defaultApplVerId)
    {
        this.defaultApplVerId = defaultApplVerId;
        return this;
    }

    public String defaultApplVerId()
    {
        return defaultApplVerId;
    }

    /**
     * The data dictionary inbound messages are validated against. Not set (the default), {@link #conclude()} takes
     * the standard one of the BeginString from the classpath ({@link DataDictionary#standard}: {@code FIX42.xml},
     * {@code FIX44.xml}, or {@code FIXT11.xml} with the application dictionary of {@link #defaultApplVerId()}, as
     * QuickFIX/J's {@code quickfixj-messages-*} artifacts carry them) unless validation is off
     * ({@code validation(new Validation().enabled(false))}). Set it for a user's own file with custom fields and
     * messages: {@code DataDictionary.fromFile(path)}, or {@code DataDictionary.fixt("FIXT11.xml", path)} for
     * FIXT.1.1. Its BeginString must be the session's. For FIXT.1.1, {@link #conclude()} makes the application
     * dictionary of {@link #defaultApplVerId()} the one for messages without ApplVerID (1128) and fails when there is
     * none; the standard dictionary switches among every FIX50*.xml on the classpath.
     */
    public SessionConfig dataDictionary(final DataDictionary dataDictionary)
    {
        this.dataDictionary = dataDictionary;
        return this;
    }

    /** @return the dictionary set, or after {@link #conclude()} the default one; null when validation is off. */
    public DataDictionary dataDictionary()
    {
        return dataDictionary;
    }

    /** The validation switches used with {@link #dataDictionary(DataDictionary)}; every check on by default. */
    public SessionConfig validation(final Validation validation)
    {
        this.validation = validation;
        return this;
    }

    public Validation validation()
    {
        return validation;
    }

    private static DataDictionary dictionary(final YamlNode value)
    {
        if (value.isList())
        {
            final List<YamlNode> names = value.items();
            if (names.size() < 2)
            {
                throw new IllegalArgumentException("expected [ transport, application, more applications... ], " +
                    "e.g. [ FIXT11.xml, FIX50SP2.xml ] or [ FIXT11.xml, FIX50SP2.xml, FIX50.xml ]");
            }
            final String[] more = new String[names.size() - 2];
            for (int i = 0; i < more.length; i++)
            {
                more[i] = ConfigTable.textValue(names.get(i + 2));
            }
            return DataDictionary.fixt(
                ConfigTable.textValue(names.get(0)), ConfigTable.textValue(names.get(1)), more);
        }
        final String name = ConfigTable.textValue(value);
        if (name == null)
        {
            return null;
        }
        final Path file = Path.of(name);
        return Files.isRegularFile(file) ? DataDictionary.fromFile(file) : DataDictionary.fromClasspath(name);
    }

    /** The stable session id, see {@link SessionIds}. */
    public long sessionId()
    {
        return SessionIds.sessionId(beginString, senderCompId, targetCompId);
    }

    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming the key, the bad value and what would be valid.
     */
    public SessionConfig conclude()
    {
        if (!FIX42.equals(beginString) && !FIX44.equals(beginString) && !FIXT11.equals(beginString))
        {
            throw new IllegalArgumentException(
                "beginString=" + beginString + ": must be one of " + FIX42 + ", " + FIX44 + ", " + FIXT11);
        }
        requireCompId("senderCompId", senderCompId);
        requireCompId("targetCompId", targetCompId);
        if (heartbeatIntervalSec < 0 || heartbeatIntervalSec > 3600)
        {
            throw new IllegalArgumentException(
                "heartbeatIntervalSec=" + heartbeatIntervalSec + ": must be within 0..3600");
        }
        if (FIXT11.equals(beginString) && (defaultApplVerId == null || defaultApplVerId.isEmpty()))
        {
            throw new IllegalArgumentException("defaultApplVerId=" + defaultApplVerId + ": required for FIXT.1.1");
        }
        if (validation == null)
        {
            throw new IllegalArgumentException("validation=null: must be set (new Validation() for every check)");
        }
        if (dataDictionary == null && validation.enabled())
        {
            try
            {
                dataDictionary = DataDictionary.standard(beginString, defaultApplVerId);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("dataDictionary: validation is on and no dictionary is set for " +
                    this + ", and the default one cannot be loaded: " + ex.getMessage(), ex);
            }
        }
        if (dataDictionary != null && !beginString.equals(dataDictionary.beginString()))
        {
            throw new IllegalArgumentException("dataDictionary=" + dataDictionary + ": is for " +
                dataDictionary.beginString() + ", the session's beginString is " + beginString);
        }
        if (dataDictionary != null && FIXT11.equals(beginString))
        {
            // messages without ApplVerID (1128) are read with the application dictionary of our DefaultApplVerID
            dataDictionary = dataDictionary.withDefaultApplVerId(defaultApplVerId);
        }
        return this;
    }

    private static void requireCompId(final String key, final String value)
    {
        if (value == null || value.isEmpty() || value.length() > 64)
        {
            throw new IllegalArgumentException(key + "=" + value + ": must be 1..64 printable ASCII characters");
        }
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c <= ' ' || c > '~' || c == '=')
            {
                throw new IllegalArgumentException(key + "=" + value + ": must be printable ASCII without spaces or " +
                    "'='");
            }
        }
    }

    @Override
    public String toString()
    {
        return beginString + ":" + senderCompId + "->" + targetCompId;
    }
}
