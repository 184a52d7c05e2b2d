package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalException;
import dev.tandem.journal.JournalReader;
import dev.tandem.journal.ReleaseGate;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;

import static dev.tandem.replication.FrameDescriptor.*;

/**
 * The primary's end of replication: listens for a sink, authenticates it, checks that its journal is a prefix of
 * ours, streams every entry it lacks (catch-up) and then the live tail in batched data frames, and publishes the
 * sink's cumulative acknowledgements for the {@link ReleaseGate}s made by {@link #newReleaseGate()}.
 * <p>
 * One authenticated sink is served at a time; a newly authenticated sink takes the place of the current one (which
 * is closed with {@link CloseReason#SUPERSEDED}), so a sink that reconnects after a silent network failure is not
 * locked out. Besides it, each node id listed in {@link ReplicationSourceContext#drSinkNodeIds(java.util.List)}
 * gets a disaster-recovery link of its own ({@link DrLink}), whose acknowledgements the gates count only when
 * {@link ReplicationSourceContext#acks(String) acks} asks for more than the standby's ({@link AckCounter}). Strangers
 * (wrong secret, cluster or version, garbage, oversized frames) are refused with a logged reason while the attached
 * sink keeps being served.
 * <p>
 * Threading: an Agrona {@link Agent}: {@link #doWork()}, {@link #onClose()} and {@link #close()} on the agent's
 * thread only (or any one thread when the agent is not running). The constructor binds the listening socket, so
 * {@link #port()} is known at once. Every counter accessor and {@link #epoch(long)} may be called from any thread;
 * they are volatile reads. Gates from {@link #newReleaseGate()} belong to the one thread that checks them.
 */
public final class ReplicationSource implements Agent, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSource.class);
    /** How often connections are accepted and handshakes advanced: quick for a human, rare for the data path. */
    private static final long ACCEPT_CHECK_INTERVAL_NS = java.util.concurrent.TimeUnit.MICROSECONDS.toNanos(200);
    /** At most one WARN per this while gates hold for an expired lease: loud, but not a line per message. */
    private static final long HOLD_WARN_INTERVAL_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    /** How long a source thread stays awake for an acknowledgement after sent bytes went unacknowledged. */
    static final long ACK_AWAKE_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1);

    private final ReplicationSourceContext context;
    private final Journal journal;
    private final NanoClock clock;
    private final Checksums checksums = new Checksums();
    private final FrameChannel active;
    /** A named class, not a method reference: linking one costs the first activation of a process a millisecond or so. */
    private final FrameChannel.FrameHandler sinkFrameHandler = new FrameChannel.FrameHandler()
    {
        @Override
        public boolean onFrame(final UnsafeBuffer buffer, final int offset, final int length, final int type)
        {
            return onSinkFrame(buffer, offset, length, type);
        }
    };
    private final SourceCounters counters = new SourceCounters();
    private final EntryStreamer streamer;
    private final SinkListener listener;
    /** One link per disaster-recovery sink node id (none by default); read by a gate only through the counter. */
    private final DrLink[] drLinks;
    /** Null with {@code acks: 1} (the gates read the standby's counters); else the count the gates read. */
    private final AckCounter ackCounter;
    /** What the gates read: the standby's counters, or with {@code acks} above 1 the counted position. */
    private final AckProgress gateProgress;

    private String activeRemote;
    private long nowNs;
    private long nextAcceptCheckNs;
    private long lastSentNs;
    private long lastReceivedNs;
    private boolean closed;
    private long attachedAtNs;
    private long attachedLeaseNs;
    private long lastHoldWarnNs;
    private boolean holdWarned;

    private volatile long epoch;
    private volatile long catchUpStartPosition;
    private volatile long sinkEpoch = -1;
    private volatile int sinkNodeId = -1;
    private volatile long highestPeerEpoch = -1;
    private volatile long probes;
    private volatile WhenLeaseExpired whenLeaseExpired;
    private volatile String behindSink;
    private volatile long switchoverRequests;
    private volatile long switchoverRequestTimeoutMs;
    /** Written by the node's thread (PENDING, NONE) and the agent (SENT and after): transitions by compare-and-set. */
    private final java.util.concurrent.atomic.AtomicReference<Handover> handover =
        new java.util.concurrent.atomic.AtomicReference<>(Handover.NONE);
    private volatile long handoverPosition;
    private volatile String handoverAnswer = "";
    /** This agent's handle on its thread's idle strategy: bound by the host, woken by the journal's owner. */
    private final dev.tandem.journal.idle.IdleWaker idleWaker = new dev.tandem.journal.idle.IdleWaker();
    /** Owner only: sent bytes await their acknowledgement since {@link #awaitingAckSinceNs}. */
    private boolean awaitingAck;
    private long awaitingAckSinceNs;
    /** The session agent whose release gate acknowledgements open, woken when frames from the sink arrive. */
    private volatile dev.tandem.journal.idle.IdleWaker ackWaker;

    /**
     * Binds the listening socket. The context is concluded here if it was not already.
     *
     * @throws UncheckedIOException when the address cannot be bound.
     */
    public ReplicationSource(final ReplicationSourceContext context, final Journal journal)
    {
        if (!context.isConcluded())
        {
            context.conclude();
        }
        this.context = context;
        this.journal = journal;
        this.clock = context.nanoClock();
        this.epoch = context.epoch();
        this.counters.initLease(clock.nanoTime());
        whenLeaseExpired(context.whenLeaseExpired());
        final int maxBatch = context.maxBatchBytes();
        this.active = new FrameChannel(MAX_SINK_FRAME_LENGTH * 16, maxBatch * 3 + 4096)
            .maxFrameLength(MAX_SINK_FRAME_LENGTH);
        this.streamer = new EntryStreamer(journal, active, counters);
        final int[] drIds = context.drSinkNodeIdValues();
        this.drLinks = new DrLink[drIds.length];
        for (int i = 0; i < drIds.length; i++)
        {
            drLinks[i] = new DrLink(drIds[i], context, journal, idleWaker);
        }
        final int acksRequired = context.acksRequired();
        this.ackCounter = acksRequired == 1 ? null : new AckCounter(counters, drLinks, acksRequired);
        this.gateProgress = acksRequired == 1 ? counters : counters.countedProgress();
        this.listener = new SinkListener(context, new Authenticator(context.resolvedSecret()),
            context.link().clusterNameBytes(), new SinkListener.AuthenticatedHandler()
            {
                @Override
                public void onAuthenticated(final PendingSink peer)
                {
                    promote(peer);
                }
            });
        journal.wakeOnAppend(idleWaker);
        LOG.info("Replication source node {} (cluster {}, epoch {}) listening on {}:{} with {}, acks {} of {} sinks",
            context.nodeId(), context.clusterName(), epoch, context.listenAddress().getHostString(), listener.port(),
            context.ackStrategy(), acksRequired, 1 + drIds.length);
    }

    /**
     * Binds {@code context}'s {@code listen} address as a source does, for a caller that must hold the port before it
     * does anything irreversible: a node's activation binds first, then raises its epoch, then creates the source on
     * this socket ({@link ReplicationSourceContext#serverChannel}) while the epoch is forced to disk. The context is
     * concluded here if it was not already.
     *
     * @throws UncheckedIOException naming {@code listen} when it cannot be bound.
     */
    public static java.nio.channels.ServerSocketChannel bind(final ReplicationSourceContext context)
    {
        if (!context.isConcluded())
        {
            context.conclude();
        }
        return SinkListener.bind(context);
    }

    /**
     * This agent's handle on the idle strategy of the thread that runs it: the host binds it
     * ({@link dev.tandem.journal.idle.IdleWaker#bind}); the source watches the sink's connection with it, and the
     * journal's owner wakes it after appending ({@link Journal#signalAppends()}).
     */
    public dev.tandem.journal.idle.IdleWaker idleWaker()
    {
        return idleWaker;
    }

    /**
     * The agent that checks this source's release gates (the FIX engine): woken whenever frames from the sink arrive
     * (acknowledgements, lease renewals), so a message waiting for its ack goes out at once, not at the engine's next
     * timer. Any thread; null for none.
     */
    public void wakeOnAck(final dev.tandem.journal.idle.IdleWaker waker)
    {
        this.ackWaker = waker;
    }

    /**
     * A new gate for the session layer: the configured {@link AckStrategy}'s gate, deciding from the position
     * acknowledged by {@link #acksRequired()} sinks ({@link #countedAckedPosition()}), wrapped so that nothing the
     * standby has not acknowledged is released without a valid lease from it, nor more than
     * {@link ReplicationSourceContext#maxUnackedEntries()} ahead of its acknowledged position (see the README). For
     * one checking thread.
     */
    public ReleaseGate newReleaseGate()
    {
        return new LeaseGate(context.ackStrategy().newGate(gateProgress), gateProgress, counters, clock,
            context.maxUnackedEntries());
    }

    /**
     * Switches what unacknowledged messages do once the lease has expired (HOLD or RELEASE_UNPROTECTED), at run
     * time; the operator's choice when the secondary is known dead. Any thread; takes effect at the next gate check.
     */
    public void whenLeaseExpired(final WhenLeaseExpired whenLeaseExpired)
    {
        if (whenLeaseExpired == null)
        {
            throw new IllegalArgumentException("whenLeaseExpired: missing; use HOLD or RELEASE_UNPROTECTED");
        }
        this.whenLeaseExpired = whenLeaseExpired;
        counters.releaseUnprotected(whenLeaseExpired == WhenLeaseExpired.RELEASE_UNPROTECTED);
        LOG.info("Replication source node {}: when the lease has expired, unacknowledged messages {}",
            context.nodeId(), whenLeaseExpired == WhenLeaseExpired.HOLD ? "are held (HOLD)" :
            "are released unprotected (RELEASE_UNPROTECTED)");
    }

    /** The current {@link WhenLeaseExpired} choice. Any thread. */
    public WhenLeaseExpired whenLeaseExpired()
    {
        return whenLeaseExpired;
    }

    /** True while the secondary's lease holds at {@code nowNs} (the context's clock). Any thread. */
    public boolean leaseValid(final long nowNs)
    {
        return nowNs - counters.leaseExpiryNs() < 0;
    }

    /** How long the lease still holds at {@code nowNs}, in nanoseconds; 0 when it has expired. Any thread. */
    public long leaseRemainingNs(final long nowNs)
    {
        return Math.max(0, counters.leaseExpiryNs() - nowNs);
    }

    /** True once a secondary has granted this source a lease; before that nothing is held for a lease. Any thread. */
    public boolean everLeased()
    {
        return counters.everLeased();
    }

    /** Lease renewals (echoes that moved the expiry forward). Any thread. */
    public long leaseRenewals()
    {
        return counters.leaseRenewals();
    }

    /** Times a gate started holding messages because the lease had expired. Any thread. */
    public long leaseHolds()
    {
        return counters.leaseHolds();
    }

    /** Times a gate started holding messages because the loss window was full. Any thread. */
    public long lossWindowHolds()
    {
        return counters.lossWindowHolds();
    }

    /** True while a gate holds a message for an expired lease. Any thread. */
    public boolean holdingForLease()
    {
        return counters.holdingForLease();
    }

    /** True while a gate holds a message because the loss window is full. Any thread. */
    public boolean holdingForLossWindow()
    {
        return counters.holdingForLossWindow();
    }

    /**
     * Positions released without ack and without a lease: under RELEASE_UNPROTECTED, or before any secondary granted
     * a lease. Any thread.
     */
    public long releasedUnprotected()
    {
        return counters.releasedUnprotected();
    }

    /** The loss bound announced to secondaries, in journal entries (0 when the strategy never loses). */
    public long lossBoundEntries()
    {
        return context.lossBoundEntries();
    }

    /** Fencing probes answered (and closed) so far. Any thread. */
    public long probes()
    {
        return probes;
    }

    /**
     * The acknowledgement state gates read (with {@code acks} above 1, the counted position and whether that many
     * sinks are attached); for custom wiring and tests. Any thread.
     */
    public AckProgress ackProgress()
    {
        return gateProgress;
    }

    public ReplicationSourceContext context()
    {
        return context;
    }

    /** The port actually bound (useful with port 0). */
    public int port()
    {
        return listener.port();
    }

    @Override
    public String roleName()
    {
        return "replication-source";
    }

    @Override
    public int doWork()
    {
        if (closed)
        {
            return 0;
        }
        nowNs = clock.nanoTime();
        int work = 0;
        // Newcomers are looked for every so often, not every cycle: an accept is a system call on the data path.
        if (nowNs - nextAcceptCheckNs >= 0)
        {
            nextAcceptCheckNs = nowNs + ACCEPT_CHECK_INTERVAL_NS;
            work += listener.poll(nowNs, epoch);
        }
        if (counters.sinkAttached())
        {
            work += pollActive();
        }
        if (drLinks.length > 0)
        {
            // a DR copy is never ahead of an attached standby: it then stays a prefix of whichever takes over
            final long drLimit = counters.sinkAttached() ? counters.ackedPosition() : Long.MAX_VALUE;
            for (final DrLink dr : drLinks)
            {
                if (dr.attached())
                {
                    work += dr.poll(nowNs, drLimit);
                }
            }
        }
        if (ackCounter != null && ackCounter.update())
        {
            // a DR ack (or the standby's) moved the position the gates wait for
            work++;
            final dev.tandem.journal.idle.IdleWaker waker = ackWaker;
            if (waker != null)
            {
                waker.wakeup();
            }
        }
        warnWhileHolding();
        return work;
    }

    private void warnWhileHolding()
    {
        if (!counters.holdingForLease())
        {
            holdWarned = false;
            return;
        }
        if (!holdWarned || nowNs - lastHoldWarnNs >= HOLD_WARN_INTERVAL_NS)
        {
            holdWarned = true;
            lastHoldWarnNs = nowNs;
            LOG.warn("Replication source node {}: HOLDING outbound messages: the secondary's lease expired {} ms ago " +
                "(sink attached: {}, acked position {}, journal at {}); they go when the secondary renews the lease " +
                "or acknowledges them, or release them unprotected with whenLeaseExpired: RELEASE_UNPROTECTED",
                context.nodeId(), java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(
                nowNs - counters.leaseExpiryNs()), counters.sinkAttached(), counters.ackedPosition(),
                journal.lastPosition());
        }
    }

    private void promote(final PendingSink peer)
    {
        final long sinkLast = peer.nextPosition - 1;
        highestPeerEpoch = Math.max(highestPeerEpoch, peer.sinkEpoch);
        final long ourEpoch = epoch;
        if (peer.sinkEpoch > ourEpoch)
        {
            final String text = "sink node " + peer.sinkNodeId + " has seen epoch " + peer.sinkEpoch +
                "; this source is at epoch " + ourEpoch + " and is stale";
            listener.refused(peer.remote, CloseReason.STALE_EPOCH, text);
            peer.channel.closeWith(CloseReason.STALE_EPOCH, text);
            return;
        }
        if (peer.probe)
        {
            // a probe announces and learns epochs, nothing else: never streamed to, its acks never count, and the
            // attached sink (if any) stays
            probes = probes + 1;
            LOG.debug("Fencing probe from node {} (epoch {}) at {} answered", peer.sinkNodeId, peer.sinkEpoch,
                peer.remote);
            peer.channel.closeWith(CloseReason.PROBED, "probe answered: this source is at epoch " + ourEpoch);
            return;
        }
        final long ourLast = journal.lastPosition();
        String divergence = null;
        if (sinkLast > ourLast && peer.sinkEpoch == ourEpoch)
        {
            // the sink copied all it holds of this epoch from this source: this journal has lost entries, and the
            // longer copy is the sink's; it must never be set aside as diverged, and this source must not serve
            final String text = "sink node " + peer.sinkNodeId + " holds positions up to " + sinkLast + " at epoch " +
                ourEpoch + " but this source's journal ends at " + ourLast + ": this journal lost entries; the " +
                "sink's journal is the complete one";
            behindSink = text;
            listener.refused(peer.remote, CloseReason.SOURCE_BEHIND, text);
            peer.channel.closeWith(CloseReason.SOURCE_BEHIND, text);
            return;
        }
        if (sinkLast > ourLast)
        {
            divergence = "sink holds positions up to " + sinkLast + " but this source's journal ends at " + ourLast;
        }
        else if (sinkLast >= 1)
        {
            final long ours = checksums.entryChecksum(journal, sinkLast);
            if (ours != peer.lastChecksum)
            {
                divergence = "sink's entry at position " + sinkLast + " differs from this source's";
            }
        }
        if (divergence != null)
        {
            listener.refused(peer.remote, CloseReason.DIVERGED, divergence + "; the sink must not continue");
            peer.channel.closeWith(CloseReason.DIVERGED, divergence);
            return;
        }
        // A reader asked for a position beyond the last one goes to the end of the queue, and an entry being
        // appended right then could be passed over; so a sink that is fully caught up gets its reader only once the
        // journal holds its next position (see EntryStreamer).
        JournalReader newReader = null;
        if (peer.nextPosition <= ourLast)
        {
            try
            {
                newReader = journal.reader(peer.nextPosition);
            }
            catch (final JournalException ex)
            {
                final String text = "cannot read from position " + peer.nextPosition + ": " + ex.getMessage();
                listener.refused(peer.remote, CloseReason.JOURNAL_ERROR, text);
                peer.channel.closeWith(CloseReason.JOURNAL_ERROR, text);
                return;
            }
        }
        final DrLink dr = drLink(peer.sinkNodeId);
        if (dr != null)
        {
            // a DR copy has a link of its own: it supersedes only its own node's previous link, never the standby
            dr.attach(peer, newReader, ourLast, nowNs);
            return;
        }
        if (counters.sinkAttached())
        {
            detach(CloseReason.SUPERSEDED, "another authenticated sink attached from " + peer.remote);
        }

        // the TLS session (if any) moves with the socket: its engine and whatever it has buffered
        active.reset(peer.channel.channel(), peer.channel.tls());
        idleWaker.watch(peer.channel.channel(), java.nio.channels.SelectionKey.OP_READ);
        activeRemote = peer.remote;
        streamer.start(newReader, peer.nextPosition, Math.min(context.maxBatchBytes(), peer.sinkMaxFrameLength));
        counters.onAttached(sinkLast);
        catchUpStartPosition = peer.nextPosition;
        sinkEpoch = peer.sinkEpoch;
        sinkNodeId = peer.sinkNodeId;
        lastReceivedNs = nowNs;
        attachedAtNs = nowNs;
        attachedLeaseNs = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(peer.leaseMs);

        final int at = active.claim(WELCOME_LENGTH);
        final UnsafeBuffer out = active.sendBuffer();
        header(out, at, WELCOME_LENGTH, TYPE_WELCOME);
        out.putLong(at + WELCOME_START_POSITION_OFFSET, peer.nextPosition, ORDER);
        out.putLong(at + WELCOME_SOURCE_LAST_POSITION_OFFSET, ourLast, ORDER);
        out.putLong(at + WELCOME_LOSS_BOUND_OFFSET, context.lossBoundEntries(), ORDER);
        active.commit(at, WELCOME_LENGTH);
        lastSentNs = nowNs;
        counters.onWelcomed(ourLast);
        LOG.info("Replication sink node {} (epoch {}) attached from {}: resuming at position {}, source at {}; " +
            "lease {} ms, loss bound {} entries", peer.sinkNodeId, peer.sinkEpoch, peer.remote, peer.nextPosition,
            ourLast, peer.leaseMs, context.lossBoundEntries());
    }

    private DrLink drLink(final int nodeId)
    {
        for (final DrLink dr : drLinks)
        {
            if (dr.nodeId == nodeId)
            {
                return dr;
            }
        }
        return null;
    }

    /** The disaster-recovery sinks' node ids ({@code drSinkNodeIds}), empty for none. Any thread. */
    public int[] drSinkNodeIds()
    {
        final int[] ids = new int[drLinks.length];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = drLinks[i].nodeId;
        }
        return ids;
    }

    /**
     * Entries journaled that the disaster-recovery sink of {@code nodeId} has not acknowledged, -1 for a node id not
     * listed. Any thread.
     */
    public long drLagEntries(final int nodeId)
    {
        final DrLink dr = drLink(nodeId);
        return dr == null ? -1 : Math.max(0, journal.lastPosition() - dr.ackedPosition());
    }

    /** True while the disaster-recovery sink of {@code nodeId} is attached; false for a node id not listed. */
    public boolean drSinkAttached(final int nodeId)
    {
        final DrLink dr = drLink(nodeId);
        return dr != null && dr.attached();
    }

    /**
     * The highest position the disaster-recovery sink of {@code nodeId} has acknowledged (never read by a gate), -1
     * for a node id not listed in {@code drSinkNodeIds}. Any thread.
     */
    public long drAckedPosition(final int nodeId)
    {
        final DrLink dr = drLink(nodeId);
        return dr == null ? -1 : dr.ackedPosition();
    }

    /** The highest position sent to the disaster-recovery sink of {@code nodeId}, -1 for one not listed. Any thread. */
    public long drSentPosition(final int nodeId)
    {
        final DrLink dr = drLink(nodeId);
        return dr == null ? -1 : dr.sentPosition();
    }

    /** Times the disaster-recovery sink of {@code nodeId} attached, -1 for one not listed. Any thread. */
    public long drSinkSessions(final int nodeId)
    {
        final DrLink dr = drLink(nodeId);
        return dr == null ? -1 : dr.sessions();
    }

    /**
     * While sent bytes wait for the acknowledgement the gates count, the thread yields instead of blocking, for at most
     * {@link #ACK_AWAKE_NS} after the first of them went unacknowledged: the acknowledgement (a round trip, with the
     * secondary's wake-up) then finds it awake instead of paying a kernel wake-up on the released message's path.
     */
    private void expectAck()
    {
        // what the gates wait for: the standby's acknowledgement, or with acks above 1 the counted one
        if (counters.sentPosition() > gateProgress.ackedPosition())
        {
            if (!awaitingAck)
            {
                awaitingAck = true;
                awaitingAckSinceNs = nowNs;
            }
            idleWaker.expectWorkBy(awaitingAckSinceNs + ACK_AWAKE_NS);
        }
        else
        {
            awaitingAck = false;
        }
    }

    private int pollActive()
    {
        int work = 0;
        try
        {
            final int read = active.read();
            if (read < 0)
            {
                detach(CloseReason.CONNECTION_LOST, "end of stream from the sink");
                return 1;
            }
            if (read > 0)
            {
                lastReceivedNs = nowNs;
                work++;
                final int status = active.poll(sinkFrameHandler, Integer.MAX_VALUE);
                final dev.tandem.journal.idle.IdleWaker waker = ackWaker;
                if (waker != null)
                {
                    waker.wakeup();
                }
                if (status < 0)
                {
                    if (status != FrameChannel.HANDLER_STOP)
                    {
                        detach(status == FrameChannel.BAD_LENGTH ? CloseReason.FRAME_TOO_LONG :
                            CloseReason.PROTOCOL_ERROR, status == FrameChannel.BAD_LENGTH ?
                            "bad frame length " + active.lastBadLength() : "frame checksum mismatch");
                    }
                    return work;
                }
            }
            work += sendData();
            if (!counters.sinkAttached())
            {
                return work;
            }
            expectAck();
            work += sendHandover();
            if (nowNs - lastSentNs >= context.link().heartbeatIntervalNs() &&
                active.offerPosition(TYPE_HEARTBEAT, journal.lastPosition(), nowNs))
            {
                lastSentNs = nowNs;
            }
            work += active.flush() > 0 ? 1 : 0;
            if (active.hasBufferedInput())
            {
                // decrypted bytes wait in the TLS layer while the socket may have nothing: read again before idling
                work++;
            }
            if (nowNs - lastReceivedNs > context.link().heartbeatTimeoutNs())
            {
                detach(CloseReason.HEARTBEAT_TIMEOUT, "nothing from the sink for " + context.heartbeatTimeoutMs() +
                    " ms");
            }
        }
        catch (final javax.net.ssl.SSLException ex)
        {
            detach(CloseReason.TLS_FAILED, ex.toString());
        }
        catch (final IOException ex)
        {
            detach(CloseReason.CONNECTION_LOST, ex.toString());
        }
        return work;
    }

    private boolean onSinkFrame(final UnsafeBuffer buffer, final int offset, final int length, final int type)
    {
        switch (type)
        {
            case TYPE_ACK:
                if (length != ACK_LENGTH)
                {
                    break;
                }
                final long acked = buffer.getLong(offset + POSITION_OFFSET, ORDER);
                final long sent = counters.sentPosition();
                if (acked > sent)
                {
                    detach(CloseReason.PROTOCOL_ERROR, "ack of position " + acked + " beyond " + sent);
                    return false;
                }
                counters.onAcked(acked, nowNs);
                onEcho(buffer.getLong(offset + STAMP_OFFSET, ORDER));
                return true;
            case TYPE_HEARTBEAT:
                if (length != HEARTBEAT_LENGTH)
                {
                    return protocolError(type, length);
                }
                onEcho(buffer.getLong(offset + STAMP_OFFSET, ORDER));
                return true;
            case TYPE_SWITCHOVER_REQUEST:
                if (length != ACK_LENGTH)
                {
                    break;
                }
                switchoverRequestTimeoutMs = buffer.getLong(offset + STAMP_OFFSET, ORDER);
                switchoverRequests = switchoverRequests + 1;
                LOG.warn("Replication sink node {} at {} asks for a planned switchover (its last position {}, " +
                    "timeout {} ms)", sinkNodeId, activeRemote, buffer.getLong(offset + POSITION_OFFSET, ORDER),
                    switchoverRequestTimeoutMs);
                return true;
            case TYPE_HANDOVER_ACCEPTED:
                if (length != ACK_LENGTH)
                {
                    break;
                }
                final long accepted = buffer.getLong(offset + POSITION_OFFSET, ORDER);
                if (handover.get() == Handover.SENT && accepted == handoverPosition)
                {
                    handoverAnswer = "sink node " + sinkNodeId + " accepted the handover at position " + accepted;
                    handover.set(Handover.ACCEPTED);
                    return true;
                }
                return protocolError(type, length);
            case TYPE_CLOSE:
                final CloseReason reason = CloseReason.ofCode(buffer.getInt(offset + CLOSE_REASON_OFFSET, ORDER));
                final String text = closeText(buffer, offset, length);
                LOG.warn("Replication sink at {} closed the connection: {} {}", activeRemote, reason, text);
                if (handover.get() == Handover.SENT)
                {
                    handoverAnswer = "sink node " + sinkNodeId + " refused the handover: " + reason + " " + text;
                    handover.set(Handover.REFUSED);
                }
                detach(reason, null);
                return false;
            default:
                break;
        }
        return protocolError(type, length);
    }

    /**
     * The sink echoed the latest of our timestamps it received. It received that frame after we sent it, and it will
     * not activate before it last heard from us + its lease + a margin; so we may release unacknowledged messages
     * until that timestamp + the lease, on our clock. Only timestamps of this connection count (an echo from before
     * the attach, or from the future, is ignored).
     */
    private void onEcho(final long stampNs)
    {
        if (stampNs - attachedAtNs >= 0 && nowNs - stampNs >= 0)
        {
            counters.onLeaseRenewed(stampNs + attachedLeaseNs);
        }
    }

    private boolean protocolError(final int type, final int length)
    {
        detach(CloseReason.PROTOCOL_ERROR, "unexpected frame type " + type + " of " + length + " bytes");
        return false;
    }

    private int sendData()
    {
        final long bytesBefore = counters.bytesSent();
        final int entries = streamer.send(nowNs);
        if (entries == EntryStreamer.ERROR)
        {
            detach(streamer.errorReason(), streamer.errorText());
            return 1;
        }
        if (counters.bytesSent() != bytesBefore)
        {
            lastSentNs = nowNs;
        }
        return entries;
    }

    /**
     * Sends the HANDOVER frame once the attached sink has acknowledged the handover position: the node stopped
     * releasing before it asked, so the sink then holds everything this journal has.
     */
    private int sendHandover()
    {
        if (handover.get() != Handover.PENDING)
        {
            return 0;
        }
        final long position = handoverPosition;
        if (counters.ackedPosition() < position || journal.lastPosition() != position ||
            !handover.compareAndSet(Handover.PENDING, Handover.SENT))
        {
            return 0;
        }
        if (!active.offerPosition(TYPE_HANDOVER, position, epoch))
        {
            // no room for 28 bytes: the link is stuck; what the sink does is now unknown either way
            detach(CloseReason.PROTOCOL_ERROR, "no room to send the handover");
            return 1;
        }
        lastSentNs = nowNs;
        LOG.warn("Replication source node {}: handing over to sink node {} at position {} (epoch {})",
            context.nodeId(), sinkNodeId, position, epoch);
        return 1;
    }

    private void detach(final CloseReason reason, final String text)
    {
        if (handover.get() == Handover.SENT)
        {
            handoverAnswer = "the connection to sink node " + sinkNodeId + " ended without an answer to the " +
                "handover (" + reason + (text != null ? " " + text : "") + ")";
            handover.set(Handover.LOST);
        }
        if (!counters.onDetached())
        {
            return;
        }
        if (text != null)
        {
            if (reason == CloseReason.SHUTDOWN)
            {
                // this source's own orderly close: worth a line, not a warning
                LOG.info("Replication sink at {} detached: {} {}", activeRemote, reason, text);
            }
            else
            {
                LOG.warn("Replication sink at {} detached: {} {}", activeRemote, reason, text);
            }
            active.closeWith(reason, text);
        }
        else
        {
            active.close();
        }
        // the sink sees the end now, not when this thread next blocks in its idle strategy's select
        idleWaker.releaseClosedChannels();
        streamer.stop();
    }

    /**
     * Raises the epoch this source announces (the node does this when it becomes primary). Lower values are
     * ignored. Any thread; takes effect for the next handshake.
     */
    public void epoch(final long epoch)
    {
        if (epoch > this.epoch)
        {
            this.epoch = epoch;
        }
    }

    /**
     * Asks this source to hand the Hot role over to the attached sink (a planned switchover): as soon as that sink
     * has acknowledged {@code position}, which must be this journal's last position, the HANDOVER frame goes out
     * (see {@link #handover()}). The caller must have stopped everything that appends to or releases from the
     * journal first: the sink activates without waiting for the lease, on the strength of this frame. Any thread;
     * refused once a handover has been sent (it cannot be taken back).
     *
     * @return false when a handover was already sent or accepted.
     */
    public boolean handOver(final long position)
    {
        final Handover current = handover.get();
        if (current == Handover.SENT || current == Handover.ACCEPTED || current == Handover.LOST)
        {
            return false;
        }
        handoverPosition = position;
        handoverAnswer = "";
        return handover.compareAndSet(current, Handover.PENDING);
    }

    /**
     * Withdraws a handover that has not gone out yet (the switchover timed out while the sink caught up). Any thread.
     * There is a race with the agent sending it: check {@link #handover()} afterwards.
     *
     * @return true if it was withdrawn (nothing was sent), false if the frame had already gone out.
     */
    public boolean cancelHandover()
    {
        if (handover.compareAndSet(Handover.PENDING, Handover.NONE))
        {
            return true;
        }
        final Handover current = handover.get();
        return current == Handover.NONE || current == Handover.REFUSED;
    }

    /** Where the handover asked by {@link #handOver(long)} stands. Any thread. */
    public Handover handover()
    {
        return handover.get();
    }

    /** What the sink answered to the handover (or why there was no answer), "" before any. Any thread. */
    public String handoverAnswer()
    {
        return handoverAnswer;
    }

    /** How many SWITCHOVER_REQUEST frames authenticated sinks have sent. Any thread. */
    public long switchoverRequests()
    {
        return switchoverRequests;
    }

    /** The timeout in ms the last SWITCHOVER_REQUEST asked for, 0 before any. Any thread. */
    public long switchoverRequestTimeoutMs()
    {
        return switchoverRequestTimeoutMs;
    }

    /** The epoch this source announces. Any thread. */
    public long epoch()
    {
        return epoch;
    }

    /** The highest epoch any authenticated sink has announced, -1 before any; above {@link #epoch()} = stale. */
    public long highestPeerEpoch()
    {
        return highestPeerEpoch;
    }

    /**
     * Non-null once a sink at this source's epoch held more entries than this source's journal (refused with
     * {@link CloseReason#SOURCE_BEHIND}): says which positions; the node must stop serving. Any thread.
     */
    public String behindSink()
    {
        return behindSink;
    }

    /** The epoch the current (or last) sink announced in its handshake, -1 before any. */
    public long sinkEpoch()
    {
        return sinkEpoch;
    }

    /** The node id the current (or last) sink announced, -1 before any. */
    public int sinkNodeId()
    {
        return sinkNodeId;
    }

    /** True while an authenticated sink is attached. */
    public boolean sinkAttached()
    {
        return counters.sinkAttached();
    }

    /** The highest position sent (replicated) to the sink. */
    public long sentPosition()
    {
        return counters.sentPosition();
    }

    /**
     * The highest position the standby sink has acknowledged holding (never goes down); with {@code acks} above 1
     * the gates wait for {@link #countedAckedPosition()} instead.
     */
    public long ackedPosition()
    {
        return counters.ackedPosition();
    }

    /**
     * How many sinks must acknowledge a position before the gates count it as acknowledged: {@code acks} resolved
     * (1, the default, is the standby alone; {@code all} is 1 + the DR sinks). Any thread.
     */
    public int acksRequired()
    {
        return context.acksRequired();
    }

    /**
     * The highest position acknowledged by {@link #acksRequired()} sinks, the standby always among them: what the
     * release gates wait for. With {@code acks: 1} it is {@link #ackedPosition()}; above, it trails the standby's by
     * the DR sinks' round trips (never goes down). Any thread.
     */
    public long countedAckedPosition()
    {
        return ackCounter == null ? counters.ackedPosition() : counters.countedAckedPosition();
    }

    /** Entries journaled and not yet acknowledged. */
    public long lagEntries()
    {
        return Math.max(0, journal.lastPosition() - counters.ackedPosition());
    }

    /** Bytes sent to the current sink and not yet acknowledged. */
    public long lagBytes()
    {
        return counters.lagBytes();
    }

    /** How long the oldest unacknowledged frame has waited at {@code nowNs} (the context's clock); 0 if none. */
    public long lagNs(final long nowNs)
    {
        return counters.lagNs(nowNs);
    }

    /** The round trip, send to acknowledgement, of the most recently acknowledged frame, in nanoseconds. */
    public long lastAckRoundTripNs()
    {
        return counters.lastAckRoundTripNs();
    }

    /** Total bytes of data frames sent. */
    public long bytesSent()
    {
        return counters.bytesSent();
    }

    /** Sinks attached so far. */
    public long sinkSessions()
    {
        return counters.sinkSessions();
    }

    /** Sinks attached after the first one: reconnections. */
    public long reconnects()
    {
        return Math.max(0, counters.sinkSessions() - 1);
    }

    /** Connections refused (wrong secret, cluster, version, garbage, oversized frames, divergence, stale epoch). */
    public long refusedConnections()
    {
        return listener.refusedConnections();
    }

    /**
     * Handshaking connections closed to make room for newer ones (admission slots full, or too many from one host);
     * also counted in {@link #refusedConnections()}. Any thread.
     */
    public long evictedConnections()
    {
        return listener.evictions();
    }

    /** Refusal WARN lines not written because of {@code maxRefusalLogsPerMinute}. Any thread. */
    public long suppressedRefusalLogs()
    {
        return listener.suppressedRefusalLogs();
    }

    /** The reason and text of the last refusal, "" before any. */
    public String lastRefusal()
    {
        return listener.lastRefusal();
    }

    /** The reason of the last refusal, null before any. */
    public CloseReason lastRefusalReason()
    {
        return listener.lastRefusalReason();
    }

    /**
     * Messages released to the counterparty before the secondary acknowledged them, whatever the strategy (counted by
     * the lease gate at each such release: within a valid lease, or unprotected). Any thread.
     */
    public long releasedUnacknowledged()
    {
        return counters.releasedUnacknowledged();
    }

    /** Timeouts recorded by gates (e.g. {@link BoundedWait}). */
    public long timeouts()
    {
        return counters.timeouts();
    }

    /** Positions gates released unacknowledged because the secondary was away. */
    public long releasedWhileAway()
    {
        return counters.releasedWhileAway();
    }

    /** The position the current sink's catch-up started from. */
    public long catchUpStartPosition()
    {
        return catchUpStartPosition;
    }

    /** The source's last position when the current sink attached: catch-up is done once it is sent. */
    public long catchUpTargetPosition()
    {
        return counters.catchUpTargetPosition();
    }

    /** True while the current sink has not yet been sent everything that existed when it attached. */
    public boolean catchingUp()
    {
        return counters.sinkAttached() && counters.sentPosition() < counters.catchUpTargetPosition();
    }

    @Override
    public void onClose()
    {
        close();
    }

    /** Closes the sink's connection (with a close frame), pending connections and the listening socket. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        // the listening port first, whatever the goodbye to the sink runs into
        listener.close();
        detach(CloseReason.SHUTDOWN, "source shutting down");
        streamer.stop();
        for (final DrLink dr : drLinks)
        {
            dr.close();
        }
        journal.stopWakingOnAppend(idleWaker);
        LOG.info("Replication source on port {} closed", listener.port());
    }
}
