package dev.tandem.failover;

import dev.tandem.journal.Persistence;
import net.openhft.chronicle.core.pool.ClassAliasPool;
import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireType;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A failover initiator's configuration, from YAML (see failover-client/README.md):
 * <pre>
 * !FailoverInitiatorConfig {
 *   connect: [ "10.0.0.1:9880", "10.0.0.2:9880" ],
 *   connectionStrategy: !Failover { attemptsPerAddress: 2, backoffMaxMs: 1000 },
 *   session: { beginString: FIX.4.4, senderCompId: TW, targetCompId: ISLD, heartbeatSec: 30 },
 *   journal: { dir: data/initiator, persistence: BUFFERED }
 * }
 * </pre>
 * Reading is strict: unknown keys and bad values fail with the key named.
 * <p>
 * Threading: built on one thread, immutable once handed to {@link FailoverInitiator#start}.
 */
public final class FailoverInitiatorConfig extends SelfDescribingMarshallable
{
    static
    {
        ClassAliasPool.CLASS_ALIASES.addAlias(FailoverInitiatorConfig.class, "FailoverInitiatorConfig");
    }

    private List<String> connect = new ArrayList<>();
    private ConnectionStrategy connectionStrategy = new FailoverConnectionStrategy();
    private String beginString = "FIX.4.4";
    private String senderCompId;
    private String targetCompId;
    private int heartbeatSec = 30;
    private boolean resetOnLogon;
    private Boolean nextExpectedMsgSeqNum;
    private String journalDir;
    private Persistence persistence = Persistence.BUFFERED;

    /** Reads and validates a YAML file. */
    public static FailoverInitiatorConfig load(final Path file)
    {
        try
        {
            return fromYaml(Files.readString(file, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("--config: cannot read '" + file + "': " + ex.getMessage(), ex);
        }
    }

    /** Reads and validates YAML text, with or without the {@code !FailoverInitiatorConfig} tag. */
    public static FailoverInitiatorConfig fromYaml(final String yaml)
    {
        final String tag = "!FailoverInitiatorConfig";
        final String body = yaml.strip().startsWith(tag) ? yaml.strip().substring(tag.length()) : yaml;
        final FailoverInitiatorConfig config = WireType.YAML_ONLY.fromString(FailoverInitiatorConfig.class, body);
        return config.validate();
    }

    @Override
    public void readMarshallable(final WireIn wire)
    {
        final List<String> known = List.of("connect", "connectionStrategy", "session", "journal");
        final StringBuilder name = new StringBuilder();
        while (wire.hasMore())
        {
            final ValueIn in = wire.read(name);
            final String key = name.toString();
            switch (key)
            {
                case "connect":
                    connect = new ArrayList<>();
                    in.sequence(connect, (list, items) ->
                    {
                        while (items.hasNextSequenceItem())
                        {
                            list.add(items.text());
                        }
                    });
                    break;
                case "connectionStrategy":
                    connectionStrategy = ConnectionStrategies.read(in);
                    break;
                case "session":
                    readSession(in);
                    break;
                case "journal":
                    readJournal(in);
                    break;
                default:
                    throw new IllegalArgumentException("initiator config: unknown key '" + key + "'; known keys are " +
                        known);
            }
        }
    }

    private void readSession(final ValueIn in)
    {
        final List<String> known = List.of(
            "beginString", "senderCompId", "targetCompId", "heartbeatSec", "resetOnLogon",
            "nextExpectedMsgSeqNum");
        in.marshallable(wire -> readKeys(wire, "session", known, (key, value) ->
        {
            switch (key)
            {
                case "beginString":
                    beginString = value.text();
                    break;
                case "senderCompId":
                    senderCompId = value.text();
                    break;
                case "targetCompId":
                    targetCompId = value.text();
                    break;
                case "heartbeatSec":
                    heartbeatSec = (int)number("session.heartbeatSec", value.text());
                    break;
                case "nextExpectedMsgSeqNum":
                    nextExpectedMsgSeqNum = bool("session.nextExpectedMsgSeqNum", value.text());
                    break;
                default:
                    resetOnLogon = bool("session.resetOnLogon", value.text());
                    break;
            }
        }));
    }

    private static boolean bool(final String key, final String text)
    {
        if (!"true".equalsIgnoreCase(text) && !"false".equalsIgnoreCase(text))
        {
            throw new IllegalArgumentException(key + ": '" + text + "' is not a boolean, expected true or false");
        }
        return Boolean.parseBoolean(text.toLowerCase());
    }

    private void readJournal(final ValueIn in)
    {
        in.marshallable(wire -> readKeys(wire, "journal", List.of("dir", "persistence"), (key, value) ->
        {
            if ("dir".equals(key))
            {
                journalDir = value.text();
            }
            else
            {
                final String text = value.text();
                try
                {
                    persistence = Persistence.valueOf(text.trim().toUpperCase());
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new IllegalArgumentException("journal.persistence: '" + text + "' is not valid, expected " +
                        java.util.Arrays.toString(Persistence.values()), ex);
                }
            }
        }));
    }

    private interface KeyReader
    {
        void read(String key, ValueIn in);
    }

    private static void readKeys(final WireIn wire, final String section, final List<String> known,
        final KeyReader reader)
    {
        final StringBuilder name = new StringBuilder();
        while (wire.hasMore())
        {
            final ValueIn in = wire.read(name);
            final String key = name.toString();
            if (!known.contains(key))
            {
                throw new IllegalArgumentException(section + ": unknown key '" + key + "'; known keys are " + known);
            }
            reader.read(key, in);
        }
    }

    private static long number(final String key, final String text)
    {
        try
        {
            return Long.parseLong(text.trim());
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException(key + ": '" + text + "' is not a whole number", ex);
        }
    }

    /**
     * Checks every value, failing with the key and the value.
     *
     * @throws IllegalArgumentException naming the key.
     */
    public FailoverInitiatorConfig validate()
    {
        Addresses.parseAll("connect", connect);
        if (connectionStrategy instanceof FailoverConnectionStrategy)
        {
            ((FailoverConnectionStrategy)connectionStrategy).conclude();
        }
        if (senderCompId == null || senderCompId.isBlank())
        {
            throw new IllegalArgumentException("session.senderCompId: missing");
        }
        if (targetCompId == null || targetCompId.isBlank())
        {
            throw new IllegalArgumentException("session.targetCompId: missing");
        }
        if (heartbeatSec < 1 || heartbeatSec > 3600)
        {
            throw new IllegalArgumentException("session.heartbeatSec: " + heartbeatSec + " is out of range, 1..3600");
        }
        if (journalDir == null || journalDir.isBlank())
        {
            throw new IllegalArgumentException("journal.dir: missing; the initiator journals its session");
        }
        return this;
    }

    public List<InetSocketAddress> addresses()
    {
        return Addresses.parseAll("connect", connect);
    }

    public FailoverInitiatorConfig connect(final List<String> connect)
    {
        this.connect = new ArrayList<>(connect);
        return this;
    }

    public ConnectionStrategy connectionStrategy()
    {
        return connectionStrategy;
    }

    public FailoverInitiatorConfig connectionStrategy(final ConnectionStrategy connectionStrategy)
    {
        this.connectionStrategy = connectionStrategy;
        return this;
    }

    public String beginString()
    {
        return beginString;
    }

    public FailoverInitiatorConfig beginString(final String beginString)
    {
        this.beginString = beginString;
        return this;
    }

    public String senderCompId()
    {
        return senderCompId;
    }

    public FailoverInitiatorConfig senderCompId(final String senderCompId)
    {
        this.senderCompId = senderCompId;
        return this;
    }

    public String targetCompId()
    {
        return targetCompId;
    }

    public FailoverInitiatorConfig targetCompId(final String targetCompId)
    {
        this.targetCompId = targetCompId;
        return this;
    }

    public int heartbeatSec()
    {
        return heartbeatSec;
    }

    public FailoverInitiatorConfig heartbeatSec(final int heartbeatSec)
    {
        this.heartbeatSec = heartbeatSec;
        return this;
    }

    public boolean resetOnLogon()
    {
        return resetOnLogon;
    }

    public FailoverInitiatorConfig resetOnLogon(final boolean resetOnLogon)
    {
        this.resetOnLogon = resetOnLogon;
        return this;
    }

    /**
     * Whether the Logon carries NextExpectedMsgSeqNum (789), so an acceptor that lost outbound messages in a
     * failover moves past them instead of answering "MsgSeqNum too low"; null (the default) means on for FIX.4.4 and
     * FIXT.1.1, off for FIX.4.2.
     */
    public Boolean nextExpectedMsgSeqNum()
    {
        return nextExpectedMsgSeqNum;
    }

    public FailoverInitiatorConfig nextExpectedMsgSeqNum(final boolean nextExpectedMsgSeqNum)
    {
        this.nextExpectedMsgSeqNum = nextExpectedMsgSeqNum;
        return this;
    }

    public String journalDir()
    {
        return journalDir;
    }

    public FailoverInitiatorConfig journalDir(final String journalDir)
    {
        this.journalDir = journalDir;
        return this;
    }

    public Persistence persistence()
    {
        return persistence;
    }

    public FailoverInitiatorConfig persistence(final Persistence persistence)
    {
        this.persistence = persistence;
        return this;
    }
}
