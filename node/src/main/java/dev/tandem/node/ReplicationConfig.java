package dev.tandem.node;

import dev.tandem.failover.Addresses;
import dev.tandem.replication.AckStrategy;
import dev.tandem.replication.ReplicationSinkContext;
import dev.tandem.replication.ReplicationSourceContext;
import dev.tandem.replication.WhenLeaseExpired;
import net.openhft.chronicle.core.pool.ClassAliasPool;
import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import net.openhft.chronicle.wire.WireIn;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * YAML section {@code replication}: a PRIMARY {@code listen}s for its secondary, a SECONDARY {@code connect}s to its
 * primary. Both need the same {@code clusterName} and shared secret ({@code secretFile} or {@code secretEnv}, never
 * written in the YAML itself); the primary's {@code ackStrategy} decides when a message may reach the counterparty.
 * <p>
 * Threading: read at start-up, immutable afterwards.
 */
public final class ReplicationConfig extends SelfDescribingMarshallable implements StrictYaml.StrictlyRead
{
    static final String EXAMPLES = "!WaitForever { }, !NeverTimesOut { }, " +
        "!BoundedWait { timeoutMs: 5, onTimeout: SEND_ANYWAY }, WAIT_FOREVER_FOR_REPLICA_ACK, NEVER_TIMES_OUT " +
        "or the class name of a dev.tandem.replication.AckStrategy";

    static
    {
        // the replication module registers its strategies' YAML tags when its contexts load
        ReplicationSourceContext.defaultAckStrategy();
    }

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

    private String listen;
    private String connect;
    private String clusterName = DEFAULT_CLUSTER_NAME;
    private String secretFile;
    private String secretEnv;
    private AckStrategy ackStrategy;
    private long heartbeatIntervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS;
    private String listenWhenHot;
    private AckStrategy ackStrategyWhenHot;
    private DivergencePolicy onDivergence = DivergencePolicy.SET_ASIDE;
    private long lagWarnEntries = DEFAULT_LAG_WARN_ENTRIES;
    private long lagWarnMs = DEFAULT_LAG_WARN_MS;
    private List<String> allowedPeers = new ArrayList<>();
    private int maxPendingConnections = ReplicationSourceContext.DEFAULT_MAX_PENDING_CONNECTIONS;
    private int maxPendingPerAddress = ReplicationSourceContext.DEFAULT_MAX_PENDING_PER_ADDRESS;
    private long leaseMs = ReplicationSinkContext.DEFAULT_LEASE_MS;
    private long leaseMarginMs = ReplicationSinkContext.DEFAULT_LEASE_MARGIN_MS;
    private long maxUnackedEntries = ReplicationSourceContext.DEFAULT_MAX_UNACKED_ENTRIES;
    private WhenLeaseExpired whenLeaseExpired = WhenLeaseExpired.HOLD;

    public String listen()
    {
        return listen;
    }

    public ReplicationConfig listen(final String listen)
    {
        this.listen = listen;
        return this;
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
        return clusterName;
    }

    public ReplicationConfig clusterName(final String clusterName)
    {
        this.clusterName = clusterName;
        return this;
    }

    public String secretFile()
    {
        return secretFile;
    }

    public ReplicationConfig secretFile(final String secretFile)
    {
        this.secretFile = secretFile;
        return this;
    }

    public String secretEnv()
    {
        return secretEnv;
    }

    public ReplicationConfig secretEnv(final String secretEnv)
    {
        this.secretEnv = secretEnv;
        return this;
    }

    /** The ack strategy as configured, or null for the replication module's default. */
    public AckStrategy ackStrategy()
    {
        return ackStrategy;
    }

    public ReplicationConfig ackStrategy(final AckStrategy ackStrategy)
    {
        this.ackStrategy = ackStrategy;
        return this;
    }

    public long heartbeatIntervalMs()
    {
        return heartbeatIntervalMs;
    }

    public ReplicationConfig heartbeatIntervalMs(final long heartbeatIntervalMs)
    {
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        return this;
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
        return allowedPeers;
    }

    public ReplicationConfig allowedPeers(final List<String> allowedPeers)
    {
        this.allowedPeers = new ArrayList<>(allowedPeers);
        return this;
    }

    public int maxPendingConnections()
    {
        return maxPendingConnections;
    }

    public ReplicationConfig maxPendingConnections(final int maxPendingConnections)
    {
        this.maxPendingConnections = maxPendingConnections;
        return this;
    }

    public int maxPendingPerAddress()
    {
        return maxPendingPerAddress;
    }

    public ReplicationConfig maxPendingPerAddress(final int maxPendingPerAddress)
    {
        this.maxPendingPerAddress = maxPendingPerAddress;
        return this;
    }

    /** SECONDARY: the lease granted to the primary, in ms (see the replication README); default 250. */
    public long leaseMs()
    {
        return leaseMs;
    }

    public ReplicationConfig leaseMs(final long leaseMs)
    {
        this.leaseMs = leaseMs;
        return this;
    }

    /** SECONDARY: added to the lease before this node may activate, in ms; default 50. */
    public long leaseMarginMs()
    {
        return leaseMarginMs;
    }

    public ReplicationConfig leaseMarginMs(final long leaseMarginMs)
    {
        this.leaseMarginMs = leaseMarginMs;
        return this;
    }

    /** PRIMARY (and a Hot secondary's source): the loss window in journal entries; default 8192. */
    public long maxUnackedEntries()
    {
        return maxUnackedEntries;
    }

    public ReplicationConfig maxUnackedEntries(final long maxUnackedEntries)
    {
        this.maxUnackedEntries = maxUnackedEntries;
        return this;
    }

    /** PRIMARY (and a Hot secondary's source): HOLD (default) or RELEASE_UNPROTECTED once the lease expired. */
    public WhenLeaseExpired whenLeaseExpired()
    {
        return whenLeaseExpired;
    }

    public ReplicationConfig whenLeaseExpired(final WhenLeaseExpired whenLeaseExpired)
    {
        this.whenLeaseExpired = whenLeaseExpired;
        return this;
    }

    @Override
    public void readMarshallable(final WireIn wire)
    {
        StrictYaml.readKeys(wire, "replication", List.of(
            "listen", "connect", "clusterName", "secretFile", "secretEnv", "ackStrategy", "heartbeatIntervalMs",
            "listenWhenHot", "ackStrategyWhenHot", "onDivergence", "lagWarnEntries", "lagWarnMs", "allowedPeers",
            "maxPendingConnections", "maxPendingPerAddress", "leaseMs", "leaseMarginMs", "maxUnackedEntries",
            "whenLeaseExpired"),
            (key, in) ->
            {
                final String path = "replication." + key;
                switch (key)
                {
                    case "lagWarnEntries":
                        lagWarnEntries = StrictYaml.longValue(path, in, 1, Long.MAX_VALUE / 2);
                        break;
                    case "lagWarnMs":
                        lagWarnMs = StrictYaml.longValue(path, in, 1, 86_400_000);
                        break;
                    case "maxPendingConnections":
                        maxPendingConnections = (int)StrictYaml.longValue(path, in, 1, 1024);
                        break;
                    case "maxPendingPerAddress":
                        maxPendingPerAddress = (int)StrictYaml.longValue(path, in, 1, 1024);
                        break;
                    case "allowedPeers":
                        allowedPeers = new ArrayList<>();
                        in.sequence(allowedPeers, (list, items) ->
                        {
                            while (items.hasNextSequenceItem())
                            {
                                list.add(items.text());
                            }
                        });
                        break;
                    case "listen":
                        listen = StrictYaml.text(path, in);
                        break;
                    case "connect":
                        connect = StrictYaml.text(path, in);
                        break;
                    case "clusterName":
                        clusterName = StrictYaml.text(path, in);
                        break;
                    case "secretFile":
                        secretFile = StrictYaml.text(path, in);
                        break;
                    case "secretEnv":
                        secretEnv = StrictYaml.text(path, in);
                        break;
                    case "heartbeatIntervalMs":
                        heartbeatIntervalMs = StrictYaml.longValue(path, in, 1, 60_000);
                        break;
                    case "listenWhenHot":
                        listenWhenHot = StrictYaml.text(path, in);
                        break;
                    case "ackStrategyWhenHot":
                        ackStrategyWhenHot = readAckStrategy(path, wire, in);
                        break;
                    case "onDivergence":
                        onDivergence = StrictYaml.enumValue(path, in, DivergencePolicy.class);
                        break;
                    case "leaseMs":
                        leaseMs = StrictYaml.longValue(path, in, 1, 60_000);
                        break;
                    case "leaseMarginMs":
                        leaseMarginMs = StrictYaml.longValue(path, in, 0, 60_000);
                        break;
                    case "maxUnackedEntries":
                        maxUnackedEntries = StrictYaml.longValue(path, in, 1,
                            ReplicationSourceContext.MAX_MAX_UNACKED_ENTRIES);
                        break;
                    case "whenLeaseExpired":
                        whenLeaseExpired = StrictYaml.enumValue(path, in, WhenLeaseExpired.class);
                        break;
                    default:
                        ackStrategy = readAckStrategy(path, wire, in);
                        break;
                }
            });
    }

    private static AckStrategy readAckStrategy(
        final String key, final WireIn wire, final net.openhft.chronicle.wire.ValueIn in)
    {
        final Object value = StrictYaml.tagged(key, wire, in, Object.class, EXAMPLES);
        if (value instanceof AckStrategy)
        {
            return (AckStrategy)value;
        }
        if (value instanceof CharSequence)
        {
            // a scalar alias such as WAIT_FOREVER_FOR_REPLICA_ACK
            final String name = value.toString().trim();
            final Object strategy;
            try
            {
                strategy = ClassAliasPool.CLASS_ALIASES.forName(name).getDeclaredConstructor().newInstance();
            }
            catch (final ReflectiveOperationException | RuntimeException ex)
            {
                throw new ConfigException(key + ": unknown strategy '" + name + "'; expected " +
                    EXAMPLES, ex);
            }
            if (strategy instanceof AckStrategy)
            {
                return (AckStrategy)strategy;
            }
        }
        throw new ConfigException(key + ": '" + value + "' is not an ack strategy; expected " +
            EXAMPLES);
    }

    void validate(final Role role)
    {
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

    /** Ten missed heartbeats, and never under the replication module's default. */
    private long heartbeatTimeoutMs()
    {
        return Math.max(heartbeatIntervalMs * 10, ReplicationSourceContext.DEFAULT_HEARTBEAT_TIMEOUT_MS);
    }

    /** The replication source's context for a PRIMARY, not yet concluded. */
    public ReplicationSourceContext sourceContext(final int nodeId, final long epoch)
    {
        return sourceContext(listen, ackStrategy, nodeId, epoch);
    }

    /** The replication source's context for a SECONDARY turned Hot ({@code listenWhenHot}), not yet concluded. */
    public ReplicationSourceContext hotSourceContext(final int nodeId, final long epoch)
    {
        return sourceContext(listenWhenHot, ackStrategyWhenHot, nodeId, epoch);
    }

    private ReplicationSourceContext sourceContext(
        final String listen, final AckStrategy ackStrategy, final int nodeId, final long epoch)
    {
        final ReplicationSourceContext context = new ReplicationSourceContext()
            .listen(listen)
            .clusterName(clusterName)
            .nodeId(nodeId)
            .epoch(epoch)
            .heartbeatIntervalMs(heartbeatIntervalMs)
            .heartbeatTimeoutMs(heartbeatTimeoutMs())
            .allowedPeers(allowedPeers)
            .maxPendingConnections(maxPendingConnections)
            .maxPendingPerAddress(maxPendingPerAddress)
            .maxUnackedEntries(maxUnackedEntries)
            .whenLeaseExpired(whenLeaseExpired);
        if (ackStrategy != null)
        {
            context.ackStrategy(ackStrategy);
        }
        if (secretFile != null)
        {
            context.secretFile(secretFile);
        }
        else
        {
            context.secretEnv(secretEnv);
        }
        return context;
    }

    /** The replication sink's context for a SECONDARY, not yet concluded. */
    public ReplicationSinkContext sinkContext(final int nodeId, final long epoch)
    {
        final ReplicationSinkContext context = new ReplicationSinkContext()
            .source(connect)
            .clusterName(clusterName)
            .nodeId(nodeId)
            .epoch(epoch)
            .heartbeatIntervalMs(heartbeatIntervalMs)
            .heartbeatTimeoutMs(heartbeatTimeoutMs())
            .leaseMs(leaseMs)
            .leaseMarginMs(leaseMarginMs);
        if (secretFile != null)
        {
            context.secretFile(secretFile);
        }
        else
        {
            context.secretEnv(secretEnv);
        }
        return context;
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
        try
        {
            Addresses.parse(key, value, allowZeroPort);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(ex.getMessage(), ex);
        }
    }
}
