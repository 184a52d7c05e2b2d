package dev.tandem.node;

import dev.tandem.journal.config.ConfigTable;
import dev.tandem.journal.config.HostPort;
import dev.tandem.journal.config.YamlNode;
import dev.tandem.replication.AckStrategies;
import dev.tandem.replication.AckStrategy;
import dev.tandem.replication.ReplicationSinkContext;
import dev.tandem.replication.ReplicationSourceContext;
import dev.tandem.replication.WhenLeaseExpired;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * YAML section {@code replication}: a PRIMARY {@code listen}s for its secondary, a SECONDARY {@code connect}s to its
 * primary. Both need the same {@code clusterName} and shared secret ({@code secretFile} or {@code secretEnv}, never
 * written in the YAML itself); the primary's {@code ackStrategy} decides when a message may reach the counterparty.
 * <p>
 * Every key of the replication module's {@link ReplicationSourceContext#CONFIG} and
 * {@link ReplicationSinkContext#CONFIG} is a key here with the same name, applied to the context it belongs to (keys
 * both have, such as {@code clusterName} or {@code heartbeatIntervalMs}, to both), except what the node sets itself:
 * {@code nodeId} (the node's own), {@code epoch} (its epoch file) and the sink's {@code source} (written
 * {@code connect}). The node's own keys: {@code connect}, {@code listenWhenHot}, {@code ackStrategyWhenHot},
 * {@code onDivergence}, {@code lagWarnEntries}, {@code lagWarnMs}. The contexts are made afresh from the section for
 * each start and each activation.
 * <p>
 * Threading: read at start-up, immutable afterwards.
 */
public final class ReplicationConfig
{
    /** The cluster name both ends must agree on, when none is given. */
    public static final String DEFAULT_CLUSTER_NAME = "tandem";
    /** Ten beats a second: cheap, and lets a sub-second TryHeartbeat delay see several missed beats. */
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 100;
    /**
     * A replica 10,000 entries behind (10 s of a busy session) is no longer a hot standby: a failover now would
     * lose or resend that much, so the node says degraded and WARNs.
     */
    public static final long DEFAULT_LAG_WARN_ENTRIES = 10_000;
    /** An entry unacknowledged for 5 s: the replica (or its link) is stalled, not merely busy. */
    public static final long DEFAULT_LAG_WARN_MS = 5_000;

    /** Context keys the node sets itself. */
    static final Set<String> NODE_SET = Set.of("nodeId", "epoch", "source");

    /** The node's own keys of the section. */
    static final ConfigTable<ReplicationConfig> NODE_KEYS = new ConfigTable<ReplicationConfig>("replication")
        .text("connect", ReplicationConfig::connect)
        .text("listenWhenHot", ReplicationConfig::listenWhenHot)
        .object("ackStrategyWhenHot", AckStrategies.TYPES, ReplicationConfig::ackStrategyWhenHot)
        .enumValue("onDivergence", DivergencePolicy.class, ReplicationConfig::onDivergence)
        .longValue("lagWarnEntries", 1, Long.MAX_VALUE / 2, ReplicationConfig::lagWarnEntries)
        .longValue("lagWarnMs", 1, 86_400_000, ReplicationConfig::lagWarnMs);

    private YamlNode settings = YamlNode.map("replication", null, Map.of());
    private String connect;
    private String listenWhenHot;
    private AckStrategy ackStrategyWhenHot;
    private DivergencePolicy onDivergence = DivergencePolicy.SET_ASIDE;
    private long lagWarnEntries = DEFAULT_LAG_WARN_ENTRIES;
    private long lagWarnMs = DEFAULT_LAG_WARN_MS;

    /** Every key of the section: the source's, then the sink's own, then the node's. */
    public static List<String> keys()
    {
        final List<String> keys = new ArrayList<>();
        for (final String key : ReplicationSourceContext.CONFIG.keys())
        {
            if (!NODE_SET.contains(key))
            {
                keys.add(key);
            }
        }
        for (final String key : ReplicationSinkContext.CONFIG.keys())
        {
            if (!NODE_SET.contains(key) && !keys.contains(key))
            {
                keys.add(key);
            }
        }
        keys.addAll(NODE_KEYS.keys());
        return keys;
    }

    /** Reads the section, failing on an unknown key or a value of the wrong kind. */
    static ReplicationConfig read(final YamlNode section)
    {
        final List<String> keys = keys();
        section.requireMap("a map of replication keys: " + String.join(", ", keys));
        for (final Map.Entry<String, YamlNode> entry : section.entries().entrySet())
        {
            if (!keys.contains(entry.getKey()))
            {
                throw new ConfigException(entry.getValue().where() + ": unknown key '" + entry.getKey() +
                    "'; valid keys of replication: " + String.join(", ", keys));
            }
        }
        final ReplicationConfig config = new ReplicationConfig();
        config.settings = section;
        NODE_KEYS.apply(section, config, notIn(NODE_KEYS));
        config.source(); // the kinds of the values now, not at the first start
        config.sink();
        return config;
    }

    private static Set<String> notIn(final ConfigTable<?> table)
    {
        final Set<String> others = new HashSet<>(keys());
        others.removeAll(table.keys());
        return others;
    }

    /** The source context with the section's settings; the node's own values are set by the callers. */
    private ReplicationSourceContext source()
    {
        final ReplicationSourceContext context = new ReplicationSourceContext()
            .clusterName(DEFAULT_CLUSTER_NAME)
            .heartbeatIntervalMs(DEFAULT_HEARTBEAT_INTERVAL_MS);
        ReplicationSourceContext.CONFIG.apply(settings, context, notIn(ReplicationSourceContext.CONFIG));
        if (settings.get("heartbeatTimeoutMs") == null)
        {
            context.heartbeatTimeoutMs(heartbeatTimeoutMs(context.heartbeatIntervalMs()));
        }
        return context;
    }

    private ReplicationSinkContext sink()
    {
        final ReplicationSinkContext context = new ReplicationSinkContext()
            .clusterName(DEFAULT_CLUSTER_NAME)
            .heartbeatIntervalMs(DEFAULT_HEARTBEAT_INTERVAL_MS);
        ReplicationSinkContext.CONFIG.apply(settings, context, notIn(ReplicationSinkContext.CONFIG));
        if (settings.get("heartbeatTimeoutMs") == null)
        {
            context.heartbeatTimeoutMs(heartbeatTimeoutMs(context.heartbeatIntervalMs()));
        }
        return context.source(connect);
    }

    /** Ten missed heartbeats, and never under the replication module's default. */
    private static long heartbeatTimeoutMs(final long heartbeatIntervalMs)
    {
        return Math.max(heartbeatIntervalMs * 10, ReplicationSourceContext.DEFAULT_HEARTBEAT_TIMEOUT_MS);
    }

    private String text(final String key)
    {
        final YamlNode value = settings.get(key);
        return value == null ? null : ConfigTable.textValue(value);
    }

    /** PRIMARY: where the secondary connects, or null when not given. */
    public String listen()
    {
        return text("listen");
    }

    /**
     * SECONDARY: the primary's replication address (required). PRIMARY (optional): the secondary's
     * {@code listenWhenHot}, where this node follows the new primary after a planned switchover; without it a
     * switchover is refused.
     */
    public String connect()
    {
        return connect;
    }

    public ReplicationConfig connect(final String connect)
    {
        this.connect = connect;
        return this;
    }

    public String clusterName()
    {
        return source().clusterName();
    }

    public String secretFile()
    {
        return text("secretFile");
    }

    public String secretEnv()
    {
        return text("secretEnv");
    }

    /** The ack strategy as configured, or null for the replication module's default. */
    public AckStrategy ackStrategy()
    {
        return settings.get("ackStrategy") == null ? null : source().ackStrategy();
    }

    public long heartbeatIntervalMs()
    {
        return source().heartbeatIntervalMs();
    }

    /**
     * SECONDARY only: where this node, once Hot, serves replication to the next secondary (typically the old primary
     * rejoining); null (the default) means a Hot secondary does not replicate onward.
     */
    public String listenWhenHot()
    {
        return listenWhenHot;
    }

    public ReplicationConfig listenWhenHot(final String listenWhenHot)
    {
        this.listenWhenHot = listenWhenHot;
        return this;
    }

    /** SECONDARY only: the ack strategy of the source started on activation, or null for a primary's default. */
    public AckStrategy ackStrategyWhenHot()
    {
        return ackStrategyWhenHot;
    }

    public ReplicationConfig ackStrategyWhenHot(final AckStrategy ackStrategyWhenHot)
    {
        this.ackStrategyWhenHot = ackStrategyWhenHot;
        return this;
    }

    /** SECONDARY only: what to do when the primary refuses this journal as diverged; default SET_ASIDE. */
    public DivergencePolicy onDivergence()
    {
        return onDivergence;
    }

    public ReplicationConfig onDivergence(final DivergencePolicy onDivergence)
    {
        this.onDivergence = onDivergence;
        return this;
    }

    /** Replica lag in entries beyond which the node WARNs and /health says DEGRADED (where it replicates). */
    public long lagWarnEntries()
    {
        return lagWarnEntries;
    }

    public ReplicationConfig lagWarnEntries(final long lagWarnEntries)
    {
        this.lagWarnEntries = lagWarnEntries;
        return this;
    }

    /** Age in ms of the oldest unacknowledged entry beyond which the node WARNs and /health says DEGRADED. */
    public long lagWarnMs()
    {
        return lagWarnMs;
    }

    public ReplicationConfig lagWarnMs(final long lagWarnMs)
    {
        this.lagWarnMs = lagWarnMs;
        return this;
    }

    /** Hosts allowed to connect to the replication source; empty for any (see the replication module). */
    public List<String> allowedPeers()
    {
        return source().allowedPeers();
    }

    /** SECONDARY: the lease granted to the primary, in ms (see the replication README); default 250. */
    public long leaseMs()
    {
        return sink().leaseMs();
    }

    /** SECONDARY: added to the lease before this node may activate, in ms; default 50. */
    public long leaseMarginMs()
    {
        return sink().leaseMarginMs();
    }

    /** PRIMARY (and a Hot secondary's source): the loss window in journal entries; default 8192. */
    public long maxUnackedEntries()
    {
        return source().maxUnackedEntries();
    }

    /** PRIMARY (and a Hot secondary's source): HOLD (default) or RELEASE_UNPROTECTED once the lease expired. */
    public WhenLeaseExpired whenLeaseExpired()
    {
        return source().whenLeaseExpired();
    }

    void validate(final Role role)
    {
        final String listen = listen();
        final String clusterName = clusterName();
        final String secretFile = secretFile();
        final String secretEnv = secretEnv();
        if (role == Role.PRIMARY)
        {
            address("replication.listen", listen, true);
            if (connect != null)
            {
                // optional on a PRIMARY: where it follows the new primary after a planned switchover
                address("replication.connect", connect, false);
            }
            secondaryOnly("replication.listenWhenHot", listenWhenHot);
            secondaryOnly("replication.ackStrategyWhenHot", ackStrategyWhenHot);
            if (onDivergence != DivergencePolicy.SET_ASIDE)
            {
                secondaryOnly("replication.onDivergence", onDivergence);
            }
        }
        else
        {
            address("replication.connect", connect, false);
            if (listen != null)
            {
                throw new ConfigException("replication.listen: '" + listen + "' is for a PRIMARY; " +
                    "a SECONDARY connects (replication.connect)");
            }
            if (listenWhenHot != null)
            {
                address("replication.listenWhenHot", listenWhenHot, true);
            }
            else if (ackStrategyWhenHot != null)
            {
                throw new ConfigException("replication.ackStrategyWhenHot: set, but replication.listenWhenHot is " +
                    "missing: without it a Hot secondary does not replicate onward");
            }
            if (onDivergence == null)
            {
                throw new ConfigException("replication.onDivergence: missing; expected SET_ASIDE or STOP");
            }
        }
        if (clusterName == null || clusterName.isBlank())
        {
            throw new ConfigException("replication.clusterName: missing");
        }
        if (secretFile == null && secretEnv == null)
        {
            throw new ConfigException(
                "replication: missing secret; set secretFile: <path> or secretEnv: <ENVIRONMENT_VARIABLE>");
        }
        if (secretFile != null && secretEnv != null)
        {
            throw new ConfigException("replication: both secretFile and secretEnv are set; choose one");
        }
        if (secretFile != null && !Files.isReadable(Path.of(secretFile)))
        {
            throw new ConfigException("replication.secretFile: '" + secretFile + "' does not exist or is not readable");
        }
        if (secretEnv != null && (System.getenv(secretEnv) == null || System.getenv(secretEnv).isEmpty()))
        {
            throw new ConfigException("replication.secretEnv: environment variable '" + secretEnv + "' is not set");
        }
        try
        {
            if (role == Role.PRIMARY)
            {
                sourceContext(1, 0).conclude();
            }
            else
            {
                sinkContext(2, 0).conclude();
                if (listenWhenHot != null)
                {
                    hotSourceContext(2, 0).conclude();
                }
            }
        }
        catch (final ConfigException ex)
        {
            throw ex;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException("replication." + ex.getMessage(), ex);
        }
    }

    /** The replication source's context for a PRIMARY, not yet concluded. */
    public ReplicationSourceContext sourceContext(final int nodeId, final long epoch)
    {
        return source().nodeId(nodeId).epoch(epoch);
    }

    /**
     * The replication source's context for a SECONDARY turned Hot ({@code listenWhenHot}, {@code ackStrategyWhenHot}
     * or the replication module's default strategy), not yet concluded.
     */
    public ReplicationSourceContext hotSourceContext(final int nodeId, final long epoch)
    {
        return source()
            .listen(listenWhenHot)
            .ackStrategy(ackStrategyWhenHot != null ? ackStrategyWhenHot : ReplicationSourceContext.defaultAckStrategy())
            .nodeId(nodeId)
            .epoch(epoch);
    }

    /** The replication sink's context for a SECONDARY, not yet concluded. */
    public ReplicationSinkContext sinkContext(final int nodeId, final long epoch)
    {
        return sink().nodeId(nodeId).epoch(epoch);
    }

    private static void secondaryOnly(final String key, final Object value)
    {
        if (value != null)
        {
            throw new ConfigException(key + ": '" + value + "' is for a SECONDARY (what it does once Hot or when " +
                "its journal diverged); a PRIMARY has replication.listen and replication.ackStrategy");
        }
    }

    private static void address(final String key, final String value, final boolean allowZeroPort)
    {
        HostPort.parse(key, value, allowZeroPort);
    }

    @Override
    public String toString()
    {
        return "ReplicationConfig{" + settings + "}";
    }
}
