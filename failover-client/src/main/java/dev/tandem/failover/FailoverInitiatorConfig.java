package dev.tandem.failover;

import dev.tandem.journal.Persistence;
import net.openhft.chronicle.core.pool.ClassAliasPool;
import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import dev.tandem.journal.config.ConfigException;
import dev.tandem.journal.config.ConfigTable;
import dev.tandem.journal.config.YamlNode;

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
 * Read by Tandem's one configuration reader ({@link #CONFIG}); strict: unknown keys and bad values fail with the
 * key path named ({@code TANDEM CONFIG ERROR session.heartbeatSec: ...}).
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

    /** The session keys, named as this class's setters. */
    private static final ConfigTable<FailoverInitiatorConfig> SESSION = new ConfigTable<FailoverInitiatorConfig>(
        "session")
        .text("beginString", FailoverInitiatorConfig::beginString)
        .text("senderCompId", FailoverInitiatorConfig::senderCompId)
        .text("targetCompId", FailoverInitiatorConfig::targetCompId)
        .intValue("heartbeatSec", 1, 3600, FailoverInitiatorConfig::heartbeatSec)
        .bool("resetOnLogon", FailoverInitiatorConfig::resetOnLogon)
        .bool("nextExpectedMsgSeqNum", FailoverInitiatorConfig::nextExpectedMsgSeqNum);

    /** The journal keys: the initiator's journal directory and persistence mode. */
    private static final ConfigTable<FailoverInitiatorConfig> JOURNAL = new ConfigTable<FailoverInitiatorConfig>(
        "journal")
        .text("dir", FailoverInitiatorConfig::journalDir)
        .enumValue("persistence", Persistence.class, FailoverInitiatorConfig::persistence);

    /** The initiator's YAML keys, read by Tandem's one configuration reader. */
    public static final ConfigTable<FailoverInitiatorConfig> CONFIG = new ConfigTable<FailoverInitiatorConfig>(
        "the initiator")
        .textList("connect", FailoverInitiatorConfig::connect)
        .custom("connectionStrategy", (config, value) -> config.connectionStrategy(ConnectionStrategies.read(value)))
        .custom("session", (config, value) -> SESSION.apply(value, config))
        .custom("journal", (config, value) -> JOURNAL.apply(value, config));

    /** Reads and validates a YAML file. */
    public static FailoverInitiatorConfig load(final Path file)
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new ConfigException("--config: cannot read '" + file + "': " + ex.getMessage(), ex);
        }
        return fromYaml(text);
    }

    /** Reads and validates YAML text, with or without the {@code !FailoverInitiatorConfig} tag. */
    public static FailoverInitiatorConfig fromYaml(final String yaml)
    {
        final YamlNode root = YamlNode.parse(yaml);
        if (root.tag() != null && !"FailoverInitiatorConfig".equals(root.tag()))
        {
            throw new ConfigException(root.where() + ": !" + root.tag() + " is not an initiator configuration; " +
                "expected !FailoverInitiatorConfig { ... } or no tag");
        }
        final FailoverInitiatorConfig config = CONFIG.apply(root.withTag(null), new FailoverInitiatorConfig());
        try
        {
            return config.validate();
        }
        catch (final ConfigException ex)
        {
            throw ex;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(ex.getMessage(), ex);
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
