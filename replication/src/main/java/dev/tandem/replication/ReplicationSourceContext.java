package dev.tandem.replication;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.Marshallable;
import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;
import net.openhft.chronicle.wire.WireType;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Configuration of a {@link ReplicationSource} (the primary's end), in code with fluent setters or in YAML:
 * <pre>
 * listen: "127.0.0.1:9701"
 * clusterName: fix-a
 * nodeId: 1
 * epoch: 0
 * secretFile: /etc/tandem/replication.secret     # or secretEnv: TANDEM_REPLICATION_SECRET
 * ackStrategy: !BoundedWait { timeoutMs: 5, onTimeout: SEND_ANYWAY, whileSecondaryAway: RELEASE_IMMEDIATELY }
 * heartbeatIntervalMs: 100
 * heartbeatTimeoutMs: 1000
 * handshakeTimeoutMs: 2000
 * maxBatchBytes: 65536
 * maxPendingConnections: 4
 * </pre>
 * {@link #conclude()} fills in defaults, reads the secret and validates, failing with the key, the value and what
 * would be valid; unknown keys fail too. The secret is never written back out or printed.
 * <p>
 * Not thread safe: configure on one thread, then hand to the source.
 */
public final class ReplicationSourceContext implements Marshallable
{
    /** Default listen address: loopback, so nothing is exposed unless asked for. */
    public static final String DEFAULT_LISTEN = "127.0.0.1:9701";
    /** Default heartbeat interval: 10 per second is cheap and lets a 1 s timeout see 10 missed beats. */
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 100;
    /** Default heartbeat timeout: long enough to ride out a GC pause, short enough for a sub-second failover. */
    public static final long DEFAULT_HEARTBEAT_TIMEOUT_MS = 1000;
    /** Default handshake timeout: a stranger holding a half-open connection is dropped after this. */
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MS = 2000;
    /** Default largest data frame: 64 KiB batches keep a catch-up fast without hogging socket buffers. */
    public static final int DEFAULT_MAX_BATCH_BYTES = 64 * 1024;
    /** Default number of connections allowed to handshake at once: strangers cannot crowd out the sink. */
    public static final int DEFAULT_MAX_PENDING_CONNECTIONS = 4;

    private String listen = DEFAULT_LISTEN;
    private String clusterName;
    private int nodeId = 1;
    private long epoch;
    private String secretFile;
    private String secretEnv;
    private AckStrategy ackStrategy = defaultAckStrategy();
    private long heartbeatIntervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS;
    private long heartbeatTimeoutMs = DEFAULT_HEARTBEAT_TIMEOUT_MS;
    private long handshakeTimeoutMs = DEFAULT_HANDSHAKE_TIMEOUT_MS;
    private int maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
    private int maxPendingConnections = DEFAULT_MAX_PENDING_CONNECTIONS;

    private transient byte[] secret;
    private transient byte[] resolvedSecret;
    private transient InetSocketAddress listenAddress;
    private transient NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private transient boolean concluded;

    static
    {
        Config.registerAliases();
    }

    /**
     * The default strategy waits a little for each ack while the secondary keeps up, and stops waiting while it is
     * away: protection in the normal case, no trading stall when the secondary is down.
     */
    public static AckStrategy defaultAckStrategy()
    {
        return new BoundedWait()
            .timeoutMs(BoundedWait.DEFAULT_TIMEOUT_MS)
            .onTimeout(BoundedWait.OnTimeout.SEND_ANYWAY)
            .whileSecondaryAway(BoundedWait.WhileSecondaryAway.RELEASE_IMMEDIATELY);
    }

    /** Reads a context from YAML (a map of the keys above); call {@link #conclude()} afterwards. */
    public static ReplicationSourceContext fromYaml(final String yaml)
    {
        final ReplicationSourceContext context = new ReplicationSourceContext();
        final Wire wire = WireType.YAML_ONLY.apply(Bytes.from(yaml));
        context.readMarshallable(wire);
        return context;
    }

    public ReplicationSourceContext listen(final String listen)
    {
        this.listen = listen;
        return this;
    }

    /** {@code host:port} to listen on; port 0 picks a free port (see {@link ReplicationSource#port()}). */
    public String listen()
    {
        return listen;
    }

    public ReplicationSourceContext clusterName(final String clusterName)
    {
        this.clusterName = clusterName;
        return this;
    }

    /** Both ends must name the same cluster: 1 to 64 printable ASCII characters. */
    public String clusterName()
    {
        return clusterName;
    }

    public ReplicationSourceContext nodeId(final int nodeId)
    {
        this.nodeId = nodeId;
        return this;
    }

    public int nodeId()
    {
        return nodeId;
    }

    public ReplicationSourceContext epoch(final long epoch)
    {
        this.epoch = epoch;
        return this;
    }

    /** The epoch the source starts with; {@link ReplicationSource#epoch(long)} raises it later. */
    public long epoch()
    {
        return epoch;
    }

    public ReplicationSourceContext secretFile(final String secretFile)
    {
        this.secretFile = secretFile;
        return this;
    }

    public String secretFile()
    {
        return secretFile;
    }

    public ReplicationSourceContext secretEnv(final String secretEnv)
    {
        this.secretEnv = secretEnv;
        return this;
    }

    public String secretEnv()
    {
        return secretEnv;
    }

    /** The shared secret given in code (at least 16 bytes), instead of secretFile or secretEnv; copied. */
    public ReplicationSourceContext secret(final byte[] secret)
    {
        this.secret = secret == null ? null : secret.clone();
        return this;
    }

    public ReplicationSourceContext ackStrategy(final AckStrategy ackStrategy)
    {
        this.ackStrategy = ackStrategy;
        return this;
    }

    public AckStrategy ackStrategy()
    {
        return ackStrategy;
    }

    public ReplicationSourceContext heartbeatIntervalMs(final long heartbeatIntervalMs)
    {
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        return this;
    }

    public long heartbeatIntervalMs()
    {
        return heartbeatIntervalMs;
    }

    public ReplicationSourceContext heartbeatTimeoutMs(final long heartbeatTimeoutMs)
    {
        this.heartbeatTimeoutMs = heartbeatTimeoutMs;
        return this;
    }

    public long heartbeatTimeoutMs()
    {
        return heartbeatTimeoutMs;
    }

    public ReplicationSourceContext handshakeTimeoutMs(final long handshakeTimeoutMs)
    {
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        return this;
    }

    public long handshakeTimeoutMs()
    {
        return handshakeTimeoutMs;
    }

    public ReplicationSourceContext maxBatchBytes(final int maxBatchBytes)
    {
        this.maxBatchBytes = maxBatchBytes;
        return this;
    }

    /** The largest data frame sent, header included; also bounded by what the sink says it accepts. */
    public int maxBatchBytes()
    {
        return maxBatchBytes;
    }

    public ReplicationSourceContext maxPendingConnections(final int maxPendingConnections)
    {
        this.maxPendingConnections = maxPendingConnections;
        return this;
    }

    public int maxPendingConnections()
    {
        return maxPendingConnections;
    }

    /** The clock for heartbeats and timeouts; tests may pass their own. Not configurable in YAML. */
    public ReplicationSourceContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * Fills in defaults, reads the secret and validates every value.
     *
     * @throws IllegalArgumentException naming the key, the bad value and what would be valid.
     */
    public ReplicationSourceContext conclude()
    {
        listenAddress = Config.address("listen", listen, true);
        Config.clusterName(clusterName);
        if (epoch < 0)
        {
            throw new IllegalArgumentException("epoch: " + epoch + " must be 0 or more");
        }
        if (ackStrategy == null)
        {
            throw new IllegalArgumentException("ackStrategy: missing; e.g. !WaitForever {}");
        }
        ackStrategy.validate();
        Config.positive("heartbeatIntervalMs", heartbeatIntervalMs);
        if (heartbeatTimeoutMs < 2 * heartbeatIntervalMs)
        {
            throw new IllegalArgumentException("heartbeatTimeoutMs: " + heartbeatTimeoutMs +
                " must be at least twice heartbeatIntervalMs (" + heartbeatIntervalMs + ")");
        }
        Config.positive("handshakeTimeoutMs", handshakeTimeoutMs);
        if (maxBatchBytes < 4096 || maxBatchBytes > 64 * 1024 * 1024)
        {
            throw new IllegalArgumentException("maxBatchBytes: " + maxBatchBytes + " is out of range; use 4096 to " +
                64 * 1024 * 1024);
        }
        if (maxPendingConnections < 1 || maxPendingConnections > 64)
        {
            throw new IllegalArgumentException("maxPendingConnections: " + maxPendingConnections +
                " is out of range; use 1 to 64");
        }
        if (nanoClock == null)
        {
            throw new IllegalArgumentException("nanoClock: missing");
        }
        resolvedSecret = Config.secret(secret, secretFile, secretEnv);
        concluded = true;
        return this;
    }

    boolean isConcluded()
    {
        return concluded;
    }

    InetSocketAddress listenAddress()
    {
        return listenAddress;
    }

    byte[] resolvedSecret()
    {
        return resolvedSecret;
    }

    byte[] clusterNameBytes()
    {
        return clusterName.getBytes(StandardCharsets.US_ASCII);
    }

    long heartbeatIntervalNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(heartbeatIntervalMs);
    }

    long heartbeatTimeoutNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(heartbeatTimeoutMs);
    }

    long handshakeTimeoutNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(handshakeTimeoutMs);
    }

    @Override
    public void readMarshallable(final WireIn wire)
    {
        final StringBuilder key = new StringBuilder();
        while (wire.hasMore())
        {
            final ValueIn in = wire.read(key);
            final String name = key.toString();
            switch (name)
            {
                case "listen":
                    listen = Config.textValue(in);
                    break;
                case "clusterName":
                    clusterName = Config.textValue(in);
                    break;
                case "nodeId":
                    nodeId = Config.intValue(in, "nodeId");
                    break;
                case "epoch":
                    epoch = Config.longValue(in, "epoch");
                    break;
                case "secretFile":
                    secretFile = Config.textValue(in);
                    break;
                case "secretEnv":
                    secretEnv = Config.textValue(in);
                    break;
                case "ackStrategy":
                    ackStrategy = Config.ackStrategy(in);
                    break;
                case "heartbeatIntervalMs":
                    heartbeatIntervalMs = Config.longValue(in, "heartbeatIntervalMs");
                    break;
                case "heartbeatTimeoutMs":
                    heartbeatTimeoutMs = Config.longValue(in, "heartbeatTimeoutMs");
                    break;
                case "handshakeTimeoutMs":
                    handshakeTimeoutMs = Config.longValue(in, "handshakeTimeoutMs");
                    break;
                case "maxBatchBytes":
                    maxBatchBytes = Config.intValue(in, "maxBatchBytes");
                    break;
                case "maxPendingConnections":
                    maxPendingConnections = Config.intValue(in, "maxPendingConnections");
                    break;
                default:
                    throw Config.unknownKey("replication source", name,
                        "listen, clusterName, nodeId, epoch, secretFile, secretEnv, ackStrategy, " +
                        "heartbeatIntervalMs, heartbeatTimeoutMs, handshakeTimeoutMs, maxBatchBytes, " +
                        "maxPendingConnections");
            }
        }
    }

    @Override
    public void writeMarshallable(final WireOut wire)
    {
        wire.write("listen").text(listen);
        wire.write("clusterName").text(clusterName);
        wire.write("nodeId").int32(nodeId);
        wire.write("epoch").int64(epoch);
        if (secretFile != null)
        {
            wire.write("secretFile").text(secretFile);
        }
        if (secretEnv != null)
        {
            wire.write("secretEnv").text(secretEnv);
        }
        wire.write("ackStrategy").object(ackStrategy);
        wire.write("heartbeatIntervalMs").int64(heartbeatIntervalMs);
        wire.write("heartbeatTimeoutMs").int64(heartbeatTimeoutMs);
        wire.write("handshakeTimeoutMs").int64(handshakeTimeoutMs);
        wire.write("maxBatchBytes").int32(maxBatchBytes);
        wire.write("maxPendingConnections").int32(maxPendingConnections);
    }

    @Override
    public String toString()
    {
        return "ReplicationSourceContext{listen=" + listen + ", clusterName=" + clusterName + ", nodeId=" + nodeId +
            ", epoch=" + epoch + ", secretFile=" + secretFile + ", secretEnv=" + secretEnv + ", ackStrategy=" +
            ackStrategy + ", heartbeatIntervalMs=" + heartbeatIntervalMs + ", heartbeatTimeoutMs=" +
            heartbeatTimeoutMs + ", handshakeTimeoutMs=" + handshakeTimeoutMs + ", maxBatchBytes=" + maxBatchBytes +
            ", maxPendingConnections=" + maxPendingConnections + "}";
    }
}
