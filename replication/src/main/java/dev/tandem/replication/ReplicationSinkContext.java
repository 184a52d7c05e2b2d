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
 * Configuration of a {@link ReplicationSink} (the secondary's end), in code with fluent setters or in YAML:
 * <pre>
 * source: "127.0.0.1:9701"
 * clusterName: fix-a
 * nodeId: 2
 * epoch: 0
 * secretEnv: TANDEM_REPLICATION_SECRET           # or secretFile: /etc/tandem/replication.secret
 * heartbeatIntervalMs: 100
 * heartbeatTimeoutMs: 1000
 * handshakeTimeoutMs: 2000
 * reconnectBackoffMinMs: 10
 * reconnectBackoffMaxMs: 1000
 * maxFrameLengthBytes: 262144
 * </pre>
 * {@link #conclude()} fills in defaults, reads the secret and validates, failing with the key, the value and what
 * would be valid; unknown keys fail too. The secret is never written back out or printed.
 * <p>
 * Not thread safe: configure on one thread, then hand to the sink.
 */
public final class ReplicationSinkContext implements Marshallable
{
    /** Default first reconnect delay: quick enough that a cut connection costs almost nothing. */
    public static final long DEFAULT_RECONNECT_BACKOFF_MIN_MS = 10;
    /** Default longest reconnect delay: a dead primary is retried every second, which costs nothing measurable. */
    public static final long DEFAULT_RECONNECT_BACKOFF_MAX_MS = 1000;
    /** Default largest frame accepted: room for a 64 KiB batch plus a maximum-length journal entry, four times over. */
    public static final int DEFAULT_MAX_FRAME_LENGTH_BYTES = 256 * 1024;

    private String source;
    private String clusterName;
    private int nodeId = 2;
    private long epoch;
    private String secretFile;
    private String secretEnv;
    private long heartbeatIntervalMs = ReplicationSourceContext.DEFAULT_HEARTBEAT_INTERVAL_MS;
    private long heartbeatTimeoutMs = ReplicationSourceContext.DEFAULT_HEARTBEAT_TIMEOUT_MS;
    private long handshakeTimeoutMs = ReplicationSourceContext.DEFAULT_HANDSHAKE_TIMEOUT_MS;
    private long reconnectBackoffMinMs = DEFAULT_RECONNECT_BACKOFF_MIN_MS;
    private long reconnectBackoffMaxMs = DEFAULT_RECONNECT_BACKOFF_MAX_MS;
    private int maxFrameLengthBytes = DEFAULT_MAX_FRAME_LENGTH_BYTES;

    private transient byte[] secret;
    private transient byte[] resolvedSecret;
    private transient InetSocketAddress sourceAddress;
    private transient NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private transient boolean concluded;

    /** Reads a context from YAML (a map of the keys above); call {@link #conclude()} afterwards. */
    public static ReplicationSinkContext fromYaml(final String yaml)
    {
        final ReplicationSinkContext context = new ReplicationSinkContext();
        final Wire wire = WireType.YAML_ONLY.apply(Bytes.from(yaml));
        context.readMarshallable(wire);
        return context;
    }

    public ReplicationSinkContext source(final String source)
    {
        this.source = source;
        return this;
    }

    /** {@code host:port} of the replication source to connect to. */
    public String source()
    {
        return source;
    }

    public ReplicationSinkContext clusterName(final String clusterName)
    {
        this.clusterName = clusterName;
        return this;
    }

    public String clusterName()
    {
        return clusterName;
    }

    public ReplicationSinkContext nodeId(final int nodeId)
    {
        this.nodeId = nodeId;
        return this;
    }

    public int nodeId()
    {
        return nodeId;
    }

    public ReplicationSinkContext epoch(final long epoch)
    {
        this.epoch = epoch;
        return this;
    }

    /** The epoch the sink starts with; it refuses a source whose epoch is lower ({@link CloseReason#STALE_EPOCH}). */
    public long epoch()
    {
        return epoch;
    }

    public ReplicationSinkContext secretFile(final String secretFile)
    {
        this.secretFile = secretFile;
        return this;
    }

    public String secretFile()
    {
        return secretFile;
    }

    public ReplicationSinkContext secretEnv(final String secretEnv)
    {
        this.secretEnv = secretEnv;
        return this;
    }

    public String secretEnv()
    {
        return secretEnv;
    }

    /** The shared secret given in code (at least 16 bytes), instead of secretFile or secretEnv; copied. */
    public ReplicationSinkContext secret(final byte[] secret)
    {
        this.secret = secret == null ? null : secret.clone();
        return this;
    }

    public ReplicationSinkContext heartbeatIntervalMs(final long heartbeatIntervalMs)
    {
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        return this;
    }

    public long heartbeatIntervalMs()
    {
        return heartbeatIntervalMs;
    }

    public ReplicationSinkContext heartbeatTimeoutMs(final long heartbeatTimeoutMs)
    {
        this.heartbeatTimeoutMs = heartbeatTimeoutMs;
        return this;
    }

    public long heartbeatTimeoutMs()
    {
        return heartbeatTimeoutMs;
    }

    public ReplicationSinkContext handshakeTimeoutMs(final long handshakeTimeoutMs)
    {
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        return this;
    }

    /** How long connecting plus the handshake may take before the sink gives up and backs off. */
    public long handshakeTimeoutMs()
    {
        return handshakeTimeoutMs;
    }

    public ReplicationSinkContext reconnectBackoffMinMs(final long reconnectBackoffMinMs)
    {
        this.reconnectBackoffMinMs = reconnectBackoffMinMs;
        return this;
    }

    public long reconnectBackoffMinMs()
    {
        return reconnectBackoffMinMs;
    }

    public ReplicationSinkContext reconnectBackoffMaxMs(final long reconnectBackoffMaxMs)
    {
        this.reconnectBackoffMaxMs = reconnectBackoffMaxMs;
        return this;
    }

    public long reconnectBackoffMaxMs()
    {
        return reconnectBackoffMaxMs;
    }

    public ReplicationSinkContext maxFrameLengthBytes(final int maxFrameLengthBytes)
    {
        this.maxFrameLengthBytes = maxFrameLengthBytes;
        return this;
    }

    /** The largest frame accepted; told to the source, which keeps its batches within it. */
    public int maxFrameLengthBytes()
    {
        return maxFrameLengthBytes;
    }

    /** The clock for heartbeats, timeouts and backoff; tests may pass their own. Not configurable in YAML. */
    public ReplicationSinkContext nanoClock(final NanoClock nanoClock)
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
    public ReplicationSinkContext conclude()
    {
        sourceAddress = Config.address("source", source, false);
        Config.clusterName(clusterName);
        if (epoch < 0)
        {
            throw new IllegalArgumentException("epoch: " + epoch + " must be 0 or more");
        }
        Config.positive("heartbeatIntervalMs", heartbeatIntervalMs);
        if (heartbeatTimeoutMs < 2 * heartbeatIntervalMs)
        {
            throw new IllegalArgumentException("heartbeatTimeoutMs: " + heartbeatTimeoutMs +
                " must be at least twice heartbeatIntervalMs (" + heartbeatIntervalMs + ")");
        }
        Config.positive("handshakeTimeoutMs", handshakeTimeoutMs);
        Config.positive("reconnectBackoffMinMs", reconnectBackoffMinMs);
        if (reconnectBackoffMaxMs < reconnectBackoffMinMs)
        {
            throw new IllegalArgumentException("reconnectBackoffMaxMs: " + reconnectBackoffMaxMs +
                " must be at least reconnectBackoffMinMs (" + reconnectBackoffMinMs + ")");
        }
        if (maxFrameLengthBytes < 8192 || maxFrameLengthBytes > 256 * 1024 * 1024)
        {
            throw new IllegalArgumentException("maxFrameLengthBytes: " + maxFrameLengthBytes +
                " is out of range; use 8192 to " + 256 * 1024 * 1024);
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

    InetSocketAddress sourceAddress()
    {
        return sourceAddress;
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
                case "source":
                    source = Config.textValue(in);
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
                case "heartbeatIntervalMs":
                    heartbeatIntervalMs = Config.longValue(in, "heartbeatIntervalMs");
                    break;
                case "heartbeatTimeoutMs":
                    heartbeatTimeoutMs = Config.longValue(in, "heartbeatTimeoutMs");
                    break;
                case "handshakeTimeoutMs":
                    handshakeTimeoutMs = Config.longValue(in, "handshakeTimeoutMs");
                    break;
                case "reconnectBackoffMinMs":
                    reconnectBackoffMinMs = Config.longValue(in, "reconnectBackoffMinMs");
                    break;
                case "reconnectBackoffMaxMs":
                    reconnectBackoffMaxMs = Config.longValue(in, "reconnectBackoffMaxMs");
                    break;
                case "maxFrameLengthBytes":
                    maxFrameLengthBytes = Config.intValue(in, "maxFrameLengthBytes");
                    break;
                default:
                    throw Config.unknownKey("replication sink", name,
                        "source, clusterName, nodeId, epoch, secretFile, secretEnv, heartbeatIntervalMs, " +
                        "heartbeatTimeoutMs, handshakeTimeoutMs, reconnectBackoffMinMs, reconnectBackoffMaxMs, " +
                        "maxFrameLengthBytes");
            }
        }
    }

    @Override
    public void writeMarshallable(final WireOut wire)
    {
        wire.write("source").text(source);
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
        wire.write("heartbeatIntervalMs").int64(heartbeatIntervalMs);
        wire.write("heartbeatTimeoutMs").int64(heartbeatTimeoutMs);
        wire.write("handshakeTimeoutMs").int64(handshakeTimeoutMs);
        wire.write("reconnectBackoffMinMs").int64(reconnectBackoffMinMs);
        wire.write("reconnectBackoffMaxMs").int64(reconnectBackoffMaxMs);
        wire.write("maxFrameLengthBytes").int32(maxFrameLengthBytes);
    }

    @Override
    public String toString()
    {
        return "ReplicationSinkContext{source=" + source + ", clusterName=" + clusterName + ", nodeId=" + nodeId +
            ", epoch=" + epoch + ", secretFile=" + secretFile + ", secretEnv=" + secretEnv +
            ", heartbeatIntervalMs=" + heartbeatIntervalMs + ", heartbeatTimeoutMs=" + heartbeatTimeoutMs +
            ", handshakeTimeoutMs=" + handshakeTimeoutMs + ", reconnectBackoffMinMs=" + reconnectBackoffMinMs +
            ", reconnectBackoffMaxMs=" + reconnectBackoffMaxMs + ", maxFrameLengthBytes=" + maxFrameLengthBytes + "}";
    }
}
