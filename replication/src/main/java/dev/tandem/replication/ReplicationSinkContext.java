package dev.tandem.replication;

import dev.tandem.journal.config.ConfigTable;
import net.openhft.chronicle.wire.Marshallable;
import net.openhft.chronicle.wire.WireOut;
import org.agrona.concurrent.NanoClock;

import java.net.InetSocketAddress;

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
 * leaseMs: 250
 * leaseMarginMs: 50
 * tls: { keyStore: /etc/tandem/node-2.p12, ... }  # optional: TLS with mutual certificate auth, see TlsContext
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
    /**
     * Default lease granted to the primary: two and a half 100 ms heartbeats, so one late heartbeat (a loaded host)
     * does not expire it, while lease + margin stays within the 300 ms a quick TryHeartbeat waits anyway.
     */
    public static final long DEFAULT_LEASE_MS = 250;
    /**
     * Default margin on top of the lease before this secondary may activate: covers the primary's gap between a
     * lease check and the bytes reaching its socket, and the two monotonic clocks' rate difference (ppm, i.e.
     * microseconds per lease), with room to spare.
     */
    public static final long DEFAULT_LEASE_MARGIN_MS = 50;

    /** Longest lease or margin: a minute; longer would only delay every failover. */
    static final long MAX_LEASE_MS = 60_000;

    /**
     * The YAML keys of a sink, one per fluent setter with the setter's name; {@link #secret(byte[])},
     * {@link #nanoClock(NanoClock)} and {@link #probe(boolean)} are for code only.
     */
    public static final ConfigTable<ReplicationSinkContext> CONFIG =
        new ConfigTable<ReplicationSinkContext>("replication sink")
        .text("source", ReplicationSinkContext::source)
        .text("clusterName", ReplicationSinkContext::clusterName)
        .intValue("nodeId", ReplicationSinkContext::nodeId)
        .longValue("epoch", ReplicationSinkContext::epoch)
        .text("secretFile", ReplicationSinkContext::secretFile)
        .text("secretEnv", ReplicationSinkContext::secretEnv)
        .longValue("heartbeatIntervalMs", ReplicationSinkContext::heartbeatIntervalMs)
        .longValue("heartbeatTimeoutMs", ReplicationSinkContext::heartbeatTimeoutMs)
        .longValue("handshakeTimeoutMs", ReplicationSinkContext::handshakeTimeoutMs)
        .longValue("reconnectBackoffMinMs", ReplicationSinkContext::reconnectBackoffMinMs)
        .longValue("reconnectBackoffMaxMs", ReplicationSinkContext::reconnectBackoffMaxMs)
        .intValue("maxFrameLengthBytes", ReplicationSinkContext::maxFrameLengthBytes)
        .longValue("leaseMs", ReplicationSinkContext::leaseMs)
        .longValue("leaseMarginMs", ReplicationSinkContext::leaseMarginMs)
        .section("tls", TlsContext.CONFIG, ReplicationSinkContext::tls)
        .textList("alternateSources", ReplicationSinkContext::alternateSources);

    /** Most alternate sources: a primary and its standbys; more is a configuration mistake. */
    static final int MAX_ALTERNATE_SOURCES = 8;

    private String source;
    private long reconnectBackoffMinMs = DEFAULT_RECONNECT_BACKOFF_MIN_MS;
    private long reconnectBackoffMaxMs = DEFAULT_RECONNECT_BACKOFF_MAX_MS;
    private int maxFrameLengthBytes = DEFAULT_MAX_FRAME_LENGTH_BYTES;
    private long leaseMs = DEFAULT_LEASE_MS;
    private long leaseMarginMs = DEFAULT_LEASE_MARGIN_MS;
    private transient boolean probe;
    private java.util.List<String> alternateSources = new java.util.ArrayList<>();
    private transient InetSocketAddress[] sourceAddresses = new InetSocketAddress[0];
    private transient String[] sourceNames = new String[0];

    private transient InetSocketAddress sourceAddress;
    private transient boolean concluded;
    private final transient TlsContext tls = new TlsContext();
    private final transient LinkConfig link = new LinkConfig(2);

    /**
     * Reads a context from YAML (a map of the keys above) through {@link #CONFIG}; call {@link #conclude()}
     * afterwards.
     *
     * @throws dev.tandem.journal.config.ConfigException naming an unknown key or a value of the wrong kind.
     */
    public static ReplicationSinkContext fromYaml(final String yaml)
    {
        return CONFIG.fromYaml(yaml, new ReplicationSinkContext());
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
        link.clusterName = clusterName;
        return this;
    }

    public String clusterName()
    {
        return link.clusterName;
    }

    public ReplicationSinkContext nodeId(final int nodeId)
    {
        link.nodeId = nodeId;
        return this;
    }

    public int nodeId()
    {
        return link.nodeId;
    }

    public ReplicationSinkContext epoch(final long epoch)
    {
        link.epoch = epoch;
        return this;
    }

    /** The epoch the sink starts with; it refuses a source whose epoch is lower ({@link CloseReason#STALE_EPOCH}). */
    public long epoch()
    {
        return link.epoch;
    }

    public ReplicationSinkContext secretFile(final String secretFile)
    {
        link.secretFile = secretFile;
        return this;
    }

    public String secretFile()
    {
        return link.secretFile;
    }

    public ReplicationSinkContext secretEnv(final String secretEnv)
    {
        link.secretEnv = secretEnv;
        return this;
    }

    public String secretEnv()
    {
        return link.secretEnv;
    }

    /** The shared secret given in code (at least 16 bytes), instead of secretFile or secretEnv; copied. */
    public ReplicationSinkContext secret(final byte[] secret)
    {
        link.secret(secret);
        return this;
    }

    public ReplicationSinkContext heartbeatIntervalMs(final long heartbeatIntervalMs)
    {
        link.heartbeatIntervalMs = heartbeatIntervalMs;
        return this;
    }

    public long heartbeatIntervalMs()
    {
        return link.heartbeatIntervalMs;
    }

    public ReplicationSinkContext heartbeatTimeoutMs(final long heartbeatTimeoutMs)
    {
        link.heartbeatTimeoutMs = heartbeatTimeoutMs;
        return this;
    }

    public long heartbeatTimeoutMs()
    {
        return link.heartbeatTimeoutMs;
    }

    public ReplicationSinkContext handshakeTimeoutMs(final long handshakeTimeoutMs)
    {
        link.handshakeTimeoutMs = handshakeTimeoutMs;
        return this;
    }

    /** How long connecting plus the handshake may take before the sink gives up and backs off. */
    public long handshakeTimeoutMs()
    {
        return link.handshakeTimeoutMs;
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
        link.nanoClock = nanoClock;
        return this;
    }

    public NanoClock nanoClock()
    {
        return link.nanoClock;
    }

    public ReplicationSinkContext leaseMs(final long leaseMs)
    {
        this.leaseMs = leaseMs;
        return this;
    }

    /**
     * The lease this sink grants the source in each handshake: the source may release unacknowledged messages until
     * its last timestamp this sink echoed + this; in return this node promises not to activate before its last
     * contact with the source + this + {@link #leaseMarginMs()} ({@link ReplicationSink#earliestActivationNs()}).
     */
    public long leaseMs()
    {
        return leaseMs;
    }

    public ReplicationSinkContext leaseMarginMs(final long leaseMarginMs)
    {
        this.leaseMarginMs = leaseMarginMs;
        return this;
    }

    /** Added to the lease before this node may activate; see {@link #leaseMs()}. */
    public long leaseMarginMs()
    {
        return leaseMarginMs;
    }

    /**
     * Makes this sink a fencing probe: it only announces its epoch and learns the source's, grants no lease, and is
     * never streamed to (the source closes it with {@link CloseReason#PROBED}). Not configurable in YAML.
     */
    public ReplicationSinkContext probe(final boolean probe)
    {
        this.probe = probe;
        return this;
    }

    public boolean probe()
    {
        return probe;
    }

    /**
     * TLS on the link ({@code tls} section): the key and trust stores and protocols; without any store set (the
     * default) the link is plain TCP. Configure it in place: {@code context.tls().keyStore(...)}.
     */
    public TlsContext tls()
    {
        return tls;
    }

    /**
     * Other {@code host:port}s that may serve as this sink's source after a failover (e.g. the standby's
     * {@code listenWhenHot}). With any, the sink dials {@code source} first; a lost connection is re-dialled at once
     * at the same address, and after each failed dial or handshake the next address in turn is tried; it attaches to whichever answers as a source at an epoch not
     * below its own, and adopts that epoch, so a former primary at a lower epoch is refused from then on. Empty
     * (the default): only {@code source}, and the sink's epoch moves only when its owner raises it.
     */
    public ReplicationSinkContext alternateSources(final java.util.List<String> alternateSources)
    {
        this.alternateSources = new java.util.ArrayList<>(alternateSources);
        return this;
    }

    public java.util.List<String> alternateSources()
    {
        return java.util.Collections.unmodifiableList(alternateSources);
    }

    /** {@code source} then the alternates, resolved at {@link #conclude()}. */
    InetSocketAddress[] sourceAddresses()
    {
        return sourceAddresses.clone();
    }

    /** The texts of {@link #sourceAddresses()}, for logs. */
    String[] sourceNames()
    {
        return sourceNames.clone();
    }

    /**
     * Fills in defaults, reads the secret and validates every value.
     *
     * @throws IllegalArgumentException naming the key, the bad value and what would be valid.
     */
    public ReplicationSinkContext conclude()
    {
        sourceAddress = Config.address("source", source, false);
        if (alternateSources.size() > MAX_ALTERNATE_SOURCES)
        {
            throw new IllegalArgumentException("alternateSources: " + alternateSources + " lists " +
                alternateSources.size() + " addresses; at most " + MAX_ALTERNATE_SOURCES);
        }
        sourceAddresses = new InetSocketAddress[1 + alternateSources.size()];
        sourceNames = new String[sourceAddresses.length];
        sourceAddresses[0] = sourceAddress;
        sourceNames[0] = source;
        for (int i = 0; i < alternateSources.size(); i++)
        {
            sourceAddresses[i + 1] = Config.address("alternateSources[" + i + "]", alternateSources.get(i), false);
            sourceNames[i + 1] = alternateSources.get(i);
        }
        link.concludeIdentity();
        link.concludeTimers();
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
        if (leaseMs < 2 * link.heartbeatIntervalMs || leaseMs > MAX_LEASE_MS)
        {
            throw new IllegalArgumentException("leaseMs: " + leaseMs + " is out of range; use " +
                2 * link.heartbeatIntervalMs + " (two heartbeat intervals, so one late heartbeat does not expire it) to " +
                MAX_LEASE_MS);
        }
        if (leaseMarginMs < 0 || leaseMarginMs > MAX_LEASE_MS)
        {
            throw new IllegalArgumentException("leaseMarginMs: " + leaseMarginMs + " is out of range; use 0 to " +
                MAX_LEASE_MS);
        }
        tls.conclude("tls");
        link.concludeClockAndSecret();
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
        return link.resolvedSecret();
    }

    /** The settings shared with the other end: cluster, secret, heartbeats, handshake timeout. */
    LinkConfig link()
    {
        return link;
    }

    @Override
    public void writeMarshallable(final WireOut wire)
    {
        wire.write("source").text(source);
        link.writeIdentity(wire);
        link.writeTimers(wire);
        wire.write("reconnectBackoffMinMs").int64(reconnectBackoffMinMs);
        wire.write("reconnectBackoffMaxMs").int64(reconnectBackoffMaxMs);
        wire.write("maxFrameLengthBytes").int32(maxFrameLengthBytes);
        wire.write("leaseMs").int64(leaseMs);
        wire.write("leaseMarginMs").int64(leaseMarginMs);
        tls.write(wire);
        if (!alternateSources.isEmpty())
        {
            wire.write("alternateSources").sequence(alternateSources, (list, out) ->
            {
                for (final String address : list)
                {
                    out.text(address);
                }
            });
        }
    }

    @Override
    public String toString()
    {
        return "ReplicationSinkContext{source=" + source + ", " + link.identityText() + ", " + link.timersText() +
            ", reconnectBackoffMinMs=" + reconnectBackoffMinMs + ", reconnectBackoffMaxMs=" + reconnectBackoffMaxMs +
            ", maxFrameLengthBytes=" + maxFrameLengthBytes + ", leaseMs=" + leaseMs + ", leaseMarginMs=" +
            leaseMarginMs + ", tls=" + tls + (alternateSources.isEmpty() ? "" : ", alternateSources=" + alternateSources) +
            (probe ? ", probe" : "") + "}";
    }
}
