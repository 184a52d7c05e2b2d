package dev.tandem.replication;

import dev.tandem.journal.config.ConfigTable;
import net.openhft.chronicle.core.pool.ClassAliasPool;
import net.openhft.chronicle.wire.Marshallable;
import net.openhft.chronicle.wire.WireOut;
import org.agrona.concurrent.NanoClock;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
 * handshakeTimeoutMs: 1000
 * maxBatchBytes: 65536
 * maxPendingConnections: 16
 * maxPendingPerAddress: 2
 * allowedPeers: [ 10.0.0.2 ]                    # optional: only these hosts may even handshake
 * maxRefusalLogsPerMinute: 20
 * maxUnackedEntries: 8192                         # the loss window, in journal entries
 * whenLeaseExpired: HOLD                          # or RELEASE_UNPROTECTED
 * tls: { keyStore: /etc/tandem/node-1.p12, ... }  # optional: TLS with mutual certificate auth, see TlsContext
 * drSinkNodeIds: [ 3 ]                            # optional: sinks streamed to beside the standby
 * acks: 1                                         # sinks that must hold a position before it is released, or all
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
    /**
     * Default handshake timeout: a sink needs one and a half round trips, a few ms even across a WAN, so a stranger
     * holding a half-open connection is dropped after one second.
     */
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MS = 1000;
    /** Default largest data frame: 64 KiB batches keep a catch-up fast without hogging socket buffers. */
    public static final int DEFAULT_MAX_BATCH_BYTES = 64 * 1024;
    /**
     * Default number of connections allowed to handshake at once. When full, the oldest unauthenticated connection is
     * evicted to make room, so strangers cannot crowd out the sink or the fencing probe; 16 slots mean a flood must
     * open 16 connections within one handshake round trip to push a real sink out.
     */
    public static final int DEFAULT_MAX_PENDING_CONNECTIONS = 16;
    /**
     * Default number of handshaking connections from one remote host: the real sink and the peer's fencing probe need
     * one each. A new connection beyond it evicts the oldest from the same host, so a sink's own stale attempts never
     * lock it out.
     */
    public static final int DEFAULT_MAX_PENDING_PER_ADDRESS = 2;
    /** Default refusal WARN lines per minute: enough to diagnose a misconfigured sink, bounded under a flood. */
    public static final int DEFAULT_MAX_REFUSAL_LOGS_PER_MINUTE = 20;
    /** Most handshaking slots allowed: each one holds a few KiB of buffers. */
    static final int MAX_PENDING_CONNECTIONS_LIMIT = 1024;
    /** Most disaster-recovery sinks: each holds a link's buffers (a few hundred KiB) allocated at construction. */
    static final int MAX_DR_SINKS = 8;
    /** Largest node id in {@code drSinkNodeIds}. */
    static final int MAX_DR_SINKS_NODE_ID = Integer.MAX_VALUE;
    /**
     * Default loss window: 8192 entries is about 0.4 s of a 20,000 message/s session, several hundred acknowledgement
     * round trips even on a loaded host, so a healthy secondary never makes the gate wait; yet a failover can lose at
     * most 8192 outbound entries, few enough for the new primary to skip that many sequence numbers per session.
     */
    public static final long DEFAULT_MAX_UNACKED_ENTRIES = 8192;
    /**
     * Upper limit of {@code maxUnackedEntries}: 1,000,000, the most sequence numbers a newly activated acceptor will
     * skip per session ({@code FixContext.DEFAULT_MAX_OUTBOUND_SKIP_ON_LOGON}); a wider window is no bound a
     * counterparty would accept.
     */
    public static final long MAX_MAX_UNACKED_ENTRIES = 1_000_000;
    /** The value of {@code acks} that counts the standby and every disaster-recovery sink. */
    public static final String ACKS_ALL = "all";
    /**
     * Default {@code acks}: the standby's acknowledgement alone, as with one sink, so a disaster-recovery copy (often
     * far away, or gone) adds no latency and never holds back a release unless asked to.
     */
    public static final String DEFAULT_ACKS = "1";

    /**
     * The YAML keys of a source, one per fluent setter with the setter's name; {@link #secret(byte[])} and
     * {@link #nanoClock(NanoClock)} are for code only.
     */
    public static final ConfigTable<ReplicationSourceContext> CONFIG =
        new ConfigTable<ReplicationSourceContext>("replication source")
        .text("listen", ReplicationSourceContext::listen)
        .text("clusterName", ReplicationSourceContext::clusterName)
        .intValue("nodeId", ReplicationSourceContext::nodeId)
        .longValue("epoch", ReplicationSourceContext::epoch)
        .text("secretFile", ReplicationSourceContext::secretFile)
        .text("secretEnv", ReplicationSourceContext::secretEnv)
        .object("ackStrategy", AckStrategies.TYPES, ReplicationSourceContext::ackStrategy)
        .longValue("heartbeatIntervalMs", ReplicationSourceContext::heartbeatIntervalMs)
        .longValue("heartbeatTimeoutMs", ReplicationSourceContext::heartbeatTimeoutMs)
        .longValue("handshakeTimeoutMs", ReplicationSourceContext::handshakeTimeoutMs)
        .intValue("maxBatchBytes", ReplicationSourceContext::maxBatchBytes)
        .intValue("maxPendingConnections", ReplicationSourceContext::maxPendingConnections)
        .intValue("maxPendingPerAddress", ReplicationSourceContext::maxPendingPerAddress)
        .textList("allowedPeers", ReplicationSourceContext::allowedPeers)
        .intValue("maxRefusalLogsPerMinute", ReplicationSourceContext::maxRefusalLogsPerMinute)
        .longValue("maxUnackedEntries", ReplicationSourceContext::maxUnackedEntries)
        .enumValue("whenLeaseExpired", WhenLeaseExpired.class, ReplicationSourceContext::whenLeaseExpired)
        .section("tls", TlsContext.CONFIG, ReplicationSourceContext::tls)
        .textList("drSinkNodeIds", ReplicationSourceContext::drSinkNodeIds)
        .text("acks", ReplicationSourceContext::acks);

    private transient java.nio.channels.ServerSocketChannel serverChannel;
    private String listen = DEFAULT_LISTEN;
    private AckStrategy ackStrategy = defaultAckStrategy();
    private int maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
    private int maxPendingConnections = DEFAULT_MAX_PENDING_CONNECTIONS;
    private int maxPendingPerAddress = DEFAULT_MAX_PENDING_PER_ADDRESS;
    private List<String> allowedPeers = new ArrayList<>();
    private int maxRefusalLogsPerMinute = DEFAULT_MAX_REFUSAL_LOGS_PER_MINUTE;
    private long maxUnackedEntries = DEFAULT_MAX_UNACKED_ENTRIES;
    private WhenLeaseExpired whenLeaseExpired = WhenLeaseExpired.HOLD;
    private List<String> drSinkNodeIds = new ArrayList<>();
    private String acks = DEFAULT_ACKS;

    private transient InetSocketAddress listenAddress;
    private transient Set<InetAddress> allowedPeerAddresses = Set.of();
    private transient int[] drSinkNodeIdValues = new int[0];
    private transient int acksRequired = 1;
    private transient boolean concluded;
    private final transient TlsContext tls = new TlsContext();
    private final transient LinkConfig link = new LinkConfig(1);

    static
    {
        // the YAML tags of the built-in ack strategies: reading this class's YAML, or a node's, needs them
        ClassAliasPool.CLASS_ALIASES.addAlias(NeverTimesOut.class, "NeverTimesOut");
        ClassAliasPool.CLASS_ALIASES.addAlias(NeverTimesOut.class, "NEVER_TIMES_OUT");
        ClassAliasPool.CLASS_ALIASES.addAlias(WaitForever.class, "WaitForever");
        ClassAliasPool.CLASS_ALIASES.addAlias(WaitForever.class, "WAIT_FOREVER_FOR_REPLICA_ACK");
        ClassAliasPool.CLASS_ALIASES.addAlias(BoundedWait.class, "BoundedWait");
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

    /**
     * Reads a context from YAML (a map of the keys above) through {@link #CONFIG}; call {@link #conclude()}
     * afterwards.
     *
     * @throws dev.tandem.journal.config.ConfigException naming an unknown key or a value of the wrong kind.
     */
    public static ReplicationSourceContext fromYaml(final String yaml)
    {
        return CONFIG.fromYaml(yaml, new ReplicationSourceContext());
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
        link.clusterName = clusterName;
        return this;
    }

    /** Both ends must name the same cluster: 1 to 64 printable ASCII characters. */
    public String clusterName()
    {
        return link.clusterName;
    }

    public ReplicationSourceContext nodeId(final int nodeId)
    {
        link.nodeId = nodeId;
        return this;
    }

    public int nodeId()
    {
        return link.nodeId;
    }

    public ReplicationSourceContext epoch(final long epoch)
    {
        link.epoch = epoch;
        return this;
    }

    /** The epoch the source starts with; {@link ReplicationSource#epoch(long)} raises it later. */
    public long epoch()
    {
        return link.epoch;
    }

    public ReplicationSourceContext secretFile(final String secretFile)
    {
        link.secretFile = secretFile;
        return this;
    }

    public String secretFile()
    {
        return link.secretFile;
    }

    public ReplicationSourceContext secretEnv(final String secretEnv)
    {
        link.secretEnv = secretEnv;
        return this;
    }

    public String secretEnv()
    {
        return link.secretEnv;
    }

    /** The shared secret given in code (at least 16 bytes), instead of secretFile or secretEnv; copied. */
    public ReplicationSourceContext secret(final byte[] secret)
    {
        link.secret(secret);
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
        link.heartbeatIntervalMs = heartbeatIntervalMs;
        return this;
    }

    public long heartbeatIntervalMs()
    {
        return link.heartbeatIntervalMs;
    }

    public ReplicationSourceContext heartbeatTimeoutMs(final long heartbeatTimeoutMs)
    {
        link.heartbeatTimeoutMs = heartbeatTimeoutMs;
        return this;
    }

    public long heartbeatTimeoutMs()
    {
        return link.heartbeatTimeoutMs;
    }

    public ReplicationSourceContext handshakeTimeoutMs(final long handshakeTimeoutMs)
    {
        link.handshakeTimeoutMs = handshakeTimeoutMs;
        return this;
    }

    public long handshakeTimeoutMs()
    {
        return link.handshakeTimeoutMs;
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

    /** Connections allowed to handshake at once (1 to 1024); when full the oldest unauthenticated one is evicted. */
    public int maxPendingConnections()
    {
        return maxPendingConnections;
    }

    public ReplicationSourceContext maxPendingPerAddress(final int maxPendingPerAddress)
    {
        this.maxPendingPerAddress = maxPendingPerAddress;
        return this;
    }

    /**
     * Connections from one remote host allowed to handshake at once (1 to maxPendingConnections); a new one beyond it
     * evicts the oldest from that host.
     */
    public int maxPendingPerAddress()
    {
        return maxPendingPerAddress;
    }

    /**
     * Hosts (IP literals or names, resolved at {@link #conclude()}) allowed to connect at all; others are closed at
     * accept, before reading a byte. Empty (the default) allows any host: the secret still guards the stream.
     */
    public ReplicationSourceContext allowedPeers(final List<String> allowedPeers)
    {
        this.allowedPeers = new ArrayList<>(allowedPeers);
        return this;
    }

    public List<String> allowedPeers()
    {
        return Collections.unmodifiableList(allowedPeers);
    }

    /**
     * Node ids of disaster-recovery sinks: each is streamed to on a link of its own, beside the one standby sink,
     * and never counts for the lease or the loss window; its acks count for the release gate only when
     * {@link #acks(String) acks} asks for more than the standby's (by default they only move its own counters). A
     * sink whose node id is listed here never supersedes the standby, nor the standby it; a new connection from a
     * listed node supersedes that node's link only. Empty (the default): one sink at a time, whatever its node id.
     * Parsed at {@link #conclude()}: each a node id from 0 to {@value #MAX_DR_SINKS_NODE_ID}, no repeats, at most
     * {@value #MAX_DR_SINKS} of them.
     */
    public ReplicationSourceContext drSinkNodeIds(final List<String> drSinkNodeIds)
    {
        this.drSinkNodeIds = new ArrayList<>(drSinkNodeIds);
        return this;
    }

    public List<String> drSinkNodeIds()
    {
        return Collections.unmodifiableList(drSinkNodeIds);
    }

    /** The disaster-recovery sinks' node ids, parsed at {@link #conclude()}; empty for none. */
    int[] drSinkNodeIdValues()
    {
        return drSinkNodeIdValues.clone();
    }

    /**
     * How many sinks must acknowledge a position before the release gate counts it as acknowledged: a whole number
     * from 1 to 1 + the number of {@link #drSinkNodeIds(List) drSinkNodeIds}, or {@value #ACKS_ALL} for all of them.
     * The standby is always one of them (only it may activate); the default, {@value #DEFAULT_ACKS}, counts the
     * standby alone. With more, a position counts as acknowledged once the standby and {@code acks - 1} DR sinks hold
     * it: the ack strategy (its waits and its timeouts) decides from that position, while the lease, the loss window
     * and the loss bound still concern the standby alone. Parsed at {@link #conclude()}.
     */
    public ReplicationSourceContext acks(final String acks)
    {
        this.acks = acks;
        return this;
    }

    public String acks()
    {
        return acks;
    }

    /** How many sinks {@code acks} asks for, resolved at {@link #conclude()}: {@value #ACKS_ALL} = 1 + DR sinks. */
    int acksRequired()
    {
        return acksRequired;
    }

    public ReplicationSourceContext maxRefusalLogsPerMinute(final int maxRefusalLogsPerMinute)
    {
        this.maxRefusalLogsPerMinute = maxRefusalLogsPerMinute;
        return this;
    }

    /** WARN lines per minute for refused connections (1 to 6000); the rest are counted and summarised. */
    public int maxRefusalLogsPerMinute()
    {
        return maxRefusalLogsPerMinute;
    }

    public ReplicationSourceContext maxUnackedEntries(final long maxUnackedEntries)
    {
        this.maxUnackedEntries = maxUnackedEntries;
        return this;
    }

    /**
     * How far, in journal entries, a position released without its acknowledgement may run ahead of the acknowledged
     * one; at the limit the gate waits. The most a failover can lose; announced to the secondary (0 if the ack
     * strategy never releases unacknowledged).
     */
    public long maxUnackedEntries()
    {
        return maxUnackedEntries;
    }

    public ReplicationSourceContext whenLeaseExpired(final WhenLeaseExpired whenLeaseExpired)
    {
        this.whenLeaseExpired = whenLeaseExpired;
        return this;
    }

    /** What an unacknowledged message does once the secondary's lease has expired, at start; default HOLD. */
    public WhenLeaseExpired whenLeaseExpired()
    {
        return whenLeaseExpired;
    }

    /** The loss bound this source announces: {@link #maxUnackedEntries()}, or 0 if the strategy cannot lose. */
    public long lossBoundEntries()
    {
        return ackStrategy != null && ackStrategy.mayReleaseUnacknowledged() ? maxUnackedEntries : 0;
    }

    /** The clock for heartbeats, timeouts and the lease; tests may pass their own. Not configurable in YAML. */
    public ReplicationSourceContext nanoClock(final NanoClock nanoClock)
    {
        link.nanoClock = nanoClock;
        return this;
    }

    public NanoClock nanoClock()
    {
        return link.nanoClock;
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
     * Fills in defaults, reads the secret and validates every value.
     *
     * @throws IllegalArgumentException naming the key, the bad value and what would be valid.
     */
    public ReplicationSourceContext conclude()
    {
        listenAddress = Config.address("listen", listen, true);
        link.concludeIdentity();
        if (ackStrategy == null)
        {
            throw new IllegalArgumentException("ackStrategy: missing; e.g. !WaitForever {}");
        }
        ackStrategy.validate();
        link.concludeTimers();
        if (maxBatchBytes < 4096 || maxBatchBytes > 64 * 1024 * 1024)
        {
            throw new IllegalArgumentException("maxBatchBytes: " + maxBatchBytes + " is out of range; use 4096 to " +
                64 * 1024 * 1024);
        }
        if (maxPendingConnections < 1 || maxPendingConnections > MAX_PENDING_CONNECTIONS_LIMIT)
        {
            throw new IllegalArgumentException("maxPendingConnections: " + maxPendingConnections +
                " is out of range; use 1 to " + MAX_PENDING_CONNECTIONS_LIMIT);
        }
        if (maxPendingPerAddress < 1 || maxPendingPerAddress > maxPendingConnections)
        {
            throw new IllegalArgumentException("maxPendingPerAddress: " + maxPendingPerAddress +
                " is out of range; use 1 to maxPendingConnections (" + maxPendingConnections + ")");
        }
        if (maxRefusalLogsPerMinute < 1 || maxRefusalLogsPerMinute > 6000)
        {
            throw new IllegalArgumentException("maxRefusalLogsPerMinute: " + maxRefusalLogsPerMinute +
                " is out of range; use 1 to 6000");
        }
        final Set<InetAddress> peers = new HashSet<>();
        for (int i = 0; i < allowedPeers.size(); i++)
        {
            peers.addAll(Config.hostAddresses("allowedPeers[" + i + "]", allowedPeers.get(i)));
        }
        allowedPeerAddresses = Set.copyOf(peers);
        if (maxUnackedEntries < 1 || maxUnackedEntries > MAX_MAX_UNACKED_ENTRIES)
        {
            throw new IllegalArgumentException("maxUnackedEntries: " + maxUnackedEntries +
                " is out of range; use 1 to " + MAX_MAX_UNACKED_ENTRIES);
        }
        if (whenLeaseExpired == null)
        {
            throw new IllegalArgumentException("whenLeaseExpired: missing; use HOLD or RELEASE_UNPROTECTED");
        }
        drSinkNodeIdValues = parseDrSinkNodeIds();
        acksRequired = parseAcks(drSinkNodeIdValues.length);
        tls.conclude("tls");
        link.concludeClockAndSecret();
        concluded = true;
        return this;
    }

    private int[] parseDrSinkNodeIds()
    {
        if (drSinkNodeIds.size() > MAX_DR_SINKS)
        {
            throw new IllegalArgumentException("drSinkNodeIds: " + drSinkNodeIds + " lists " + drSinkNodeIds.size() +
                " sinks; at most " + MAX_DR_SINKS);
        }
        final int[] ids = new int[drSinkNodeIds.size()];
        for (int i = 0; i < ids.length; i++)
        {
            final String text = drSinkNodeIds.get(i) == null ? "" : drSinkNodeIds.get(i).trim();
            final int id;
            try
            {
                id = Integer.parseInt(text);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("drSinkNodeIds[" + i + "]: '" + text + "' is not a node id; " +
                    "use a whole number from 0 to " + MAX_DR_SINKS_NODE_ID, ex);
            }
            if (id < 0 || id > MAX_DR_SINKS_NODE_ID)
            {
                throw new IllegalArgumentException("drSinkNodeIds[" + i + "]: " + id + " is out of range; use 0 to " +
                    MAX_DR_SINKS_NODE_ID);
            }
            for (int j = 0; j < i; j++)
            {
                if (ids[j] == id)
                {
                    throw new IllegalArgumentException("drSinkNodeIds[" + i + "]: " + id + " is listed twice");
                }
            }
            if (id == nodeId())
            {
                throw new IllegalArgumentException("drSinkNodeIds[" + i + "]: " + id + " is this source's own " +
                    "nodeId");
            }
            ids[i] = id;
        }
        return ids;
    }

    private int parseAcks(final int drSinks)
    {
        final int sinks = 1 + drSinks;
        final String valid = sinks == 1 ?
            "use 1 (the standby alone: drSinkNodeIds is empty) or " + ACKS_ALL :
            "use 1 to " + sinks + " (the standby and the " + drSinks + " sink" + (drSinks == 1 ? "" : "s") +
            " in drSinkNodeIds) or " + ACKS_ALL;
        final String text = acks == null ? "" : acks.trim();
        if (text.isEmpty())
        {
            throw new IllegalArgumentException("acks: missing; " + valid);
        }
        if (text.equalsIgnoreCase(ACKS_ALL))
        {
            return sinks;
        }
        final long count;
        try
        {
            count = Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("acks: '" + text + "' is not a number of sinks; " + valid, ex);
        }
        if (count < 1 || count > sinks)
        {
            throw new IllegalArgumentException("acks: " + count + " is out of range; " + valid);
        }
        return (int)count;
    }

    boolean isConcluded()
    {
        return concluded;
    }

    /**
     * A listening socket already bound to {@code listen} ({@link ReplicationSource#bind}), which the source takes over
     * and closes instead of binding one itself; null (the default) to bind. Not configuration: set in code only.
     */
    public ReplicationSourceContext serverChannel(final java.nio.channels.ServerSocketChannel serverChannel)
    {
        this.serverChannel = serverChannel;
        return this;
    }

    public java.nio.channels.ServerSocketChannel serverChannel()
    {
        return serverChannel;
    }

    InetSocketAddress listenAddress()
    {
        return listenAddress;
    }

    /** The allowed peers resolved at conclude; empty means any host. */
    Set<InetAddress> allowedPeerAddresses()
    {
        return allowedPeerAddresses;
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
        wire.write("listen").text(listen);
        link.writeIdentity(wire);
        wire.write("ackStrategy").object(ackStrategy);
        link.writeTimers(wire);
        wire.write("maxBatchBytes").int32(maxBatchBytes);
        wire.write("maxPendingConnections").int32(maxPendingConnections);
        wire.write("maxPendingPerAddress").int32(maxPendingPerAddress);
        wire.write("allowedPeers").sequence(allowedPeers, (list, out) ->
        {
            for (final String peer : list)
            {
                out.text(peer);
            }
        });
        wire.write("maxRefusalLogsPerMinute").int32(maxRefusalLogsPerMinute);
        wire.write("maxUnackedEntries").int64(maxUnackedEntries);
        wire.write("whenLeaseExpired").text(whenLeaseExpired.name());
        tls.write(wire);
        if (!drSinkNodeIds.isEmpty())
        {
            wire.write("drSinkNodeIds").sequence(drSinkNodeIds, (list, out) ->
            {
                for (final String id : list)
                {
                    out.text(id);
                }
            });
        }
        if (!DEFAULT_ACKS.equals(acks))
        {
            wire.write("acks").text(acks);
        }
    }

    @Override
    public String toString()
    {
        return "ReplicationSourceContext{listen=" + listen + ", " + link.identityText() + ", ackStrategy=" +
            ackStrategy + ", " + link.timersText() + ", maxBatchBytes=" + maxBatchBytes + ", maxPendingConnections=" +
            maxPendingConnections + ", maxPendingPerAddress=" + maxPendingPerAddress + ", allowedPeers=" + allowedPeers +
            ", maxRefusalLogsPerMinute=" + maxRefusalLogsPerMinute + ", maxUnackedEntries=" + maxUnackedEntries +
            ", whenLeaseExpired=" + whenLeaseExpired + ", tls=" + tls +
            (drSinkNodeIds.isEmpty() ? "" : ", drSinkNodeIds=" + drSinkNodeIds) +
            (DEFAULT_ACKS.equals(acks) ? "" : ", acks=" + acks) + "}";
    }
}
