package dev.tandem.replication;

import dev.tandem.journal.EntryHandler;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalEntry;
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
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static dev.tandem.replication.FrameDescriptor.*;

/**
 * The primary's end of replication: listens for a sink, authenticates it, checks that its journal is a prefix of
 * ours, streams every entry it lacks (catch-up) and then the live tail in batched data frames, and publishes the
 * sink's cumulative acknowledgements for the {@link ReleaseGate}s made by {@link #newReleaseGate()}.
 * <p>
 * One authenticated sink is served at a time; a newly authenticated sink takes the place of the current one (which
 * is closed with {@link CloseReason#SUPERSEDED}), so a sink that reconnects after a silent network failure is not
 * locked out. Strangers (wrong secret, cluster or version, garbage, oversized frames) are refused with a logged
 * reason while the attached sink keeps being served.
 * <p>
 * Threading: an Agrona {@link Agent}: {@link #doWork()}, {@link #onClose()} and {@link #close()} on the agent's
 * thread only (or any one thread when the agent is not running). The constructor binds the listening socket, so
 * {@link #port()} is known at once. Every counter accessor and {@link #epoch(long)} may be called from any thread;
 * they are volatile reads. Gates from {@link #newReleaseGate()} belong to the one thread that checks them.
 */
public final class ReplicationSource implements Agent, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSource.class);
    /** Entries copied per duty cycle at most, so a catch-up does not starve acks, heartbeats and newcomers. */
    private static final int MAX_ENTRIES_PER_CYCLE = 16 * 1024;
    /** How often connections are accepted and handshakes advanced: quick for a human, rare for the data path. */
    private static final long ACCEPT_CHECK_INTERVAL_NS = java.util.concurrent.TimeUnit.MICROSECONDS.toNanos(200);

    private final ReplicationSourceContext context;
    private final Journal journal;
    private final NanoClock clock;
    private final ServerSocketChannel server;
    private final Authenticator authenticator;
    private final Checksums checksums = new Checksums();
    private final byte[] clusterName;
    private final ArrayList<PendingSink> pending = new ArrayList<>();
    private final FrameChannel active;
    private final SentFrameLog sentLog = new SentFrameLog();
    private final EntryHandler copier = this::copyEntry;
    private final FrameChannel.FrameHandler sinkFrameHandler = this::onSinkFrame;
    private final Progress progress = new Progress();
    private final int port;

    private JournalReader reader;
    private String activeRemote;
    private long nextSendPosition;
    private int frameLimit;
    private int frameOffset = -1;
    private int frameLength;
    private int frameEntries;
    private long frameFirstPosition;
    private String copyError;
    private CloseReason copyErrorReason;
    private long nowNs;
    private long nextAcceptCheckNs;
    private long lastSentNs;
    private long lastReceivedNs;
    private boolean closed;

    private volatile long epoch;
    private volatile boolean sinkAttached;
    private volatile long sentPosition;
    private volatile long ackedPosition;
    private volatile long bytesSent;
    private volatile long lagBytes;
    private volatile long oldestUnackedSentNs = Long.MIN_VALUE;
    private volatile long lastAckRoundTripNs;
    private volatile long sinkSessions;
    private volatile long refusedConnections;
    private volatile String lastRefusal = "";
    private volatile CloseReason lastRefusalReason;
    private volatile long catchUpStartPosition;
    private volatile long catchUpTargetPosition;
    private volatile long sinkEpoch = -1;
    private volatile int sinkNodeId = -1;
    private volatile long highestPeerEpoch = -1;
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong releasedWhileAway = new AtomicLong();

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
        this.clusterName = context.clusterNameBytes();
        this.authenticator = new Authenticator(context.resolvedSecret());
        this.epoch = context.epoch();
        final int maxBatch = context.maxBatchBytes();
        this.active = new FrameChannel(MAX_SINK_FRAME_LENGTH * 16, maxBatch * 3 + 4096)
            .maxFrameLength(MAX_SINK_FRAME_LENGTH);
        try
        {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(context.listenAddress(), 8);
            server.configureBlocking(false);
            port = ((InetSocketAddress)server.getLocalAddress()).getPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("listen: cannot bind " + context.listen() + ": " + ex.getMessage(), ex);
        }
        LOG.info("Replication source node {} (cluster {}, epoch {}) listening on {}:{} with {}",
            context.nodeId(), context.clusterName(), epoch, context.listenAddress().getHostString(), port,
            context.ackStrategy());
    }

    /** A new gate for the session layer, made by the configured {@link AckStrategy}. For one checking thread. */
    public ReleaseGate newReleaseGate()
    {
        return context.ackStrategy().newGate(progress);
    }

    /** The acknowledgement state gates read; for custom wiring and tests. Any thread. */
    public AckProgress ackProgress()
    {
        return progress;
    }

    public ReplicationSourceContext context()
    {
        return context;
    }

    /** The port actually bound (useful with port 0). */
    public int port()
    {
        return port;
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
            work += accept();
            if (!pending.isEmpty())
            {
                work += pollPending();
            }
        }
        if (sinkAttached)
        {
            work += pollActive();
        }
        return work;
    }

    private int accept()
    {
        final SocketChannel socket;
        try
        {
            socket = server.accept();
        }
        catch (final IOException ex)
        {
            LOG.warn("Replication source: accept failed: {}", ex.toString());
            return 0;
        }
        if (socket == null)
        {
            return 0;
        }
        String remote = "?";
        try
        {
            remote = String.valueOf(socket.getRemoteAddress());
            socket.configureBlocking(false);
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        catch (final IOException ex)
        {
            closeQuietly(socket);
            return 1;
        }
        if (pending.size() >= context.maxPendingConnections())
        {
            refused(remote, CloseReason.TOO_MANY_CONNECTIONS,
                pending.size() + " connections are already handshaking");
            closeQuietly(socket);
            return 1;
        }
        pending.add(new PendingSink(socket, remote, nowNs + context.handshakeTimeoutNs(), authenticator, clusterName));
        return 1;
    }

    private int pollPending()
    {
        int work = 0;
        for (int i = pending.size() - 1; i >= 0; i--)
        {
            final PendingSink peer = pending.get(i);
            peer.poll(context.nodeId(), epoch);
            if (peer.state == PendingSink.AWAIT_HELLO || peer.state == PendingSink.AWAIT_AUTH)
            {
                if (nowNs - peer.deadlineNs >= 0)
                {
                    peer.refuse(CloseReason.HANDSHAKE_TIMEOUT, "no complete handshake within " +
                        context.handshakeTimeoutMs() + " ms");
                }
                else
                {
                    continue;
                }
            }
            pending.remove(i);
            work++;
            if (peer.state == PendingSink.AUTHENTICATED)
            {
                promote(peer);
            }
            else
            {
                refused(peer.remote, peer.refusal, peer.refusalText);
                peer.channel.closeWith(peer.refusal, peer.refusalText);
            }
        }
        return work;
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
            refused(peer.remote, CloseReason.STALE_EPOCH, text);
            peer.channel.closeWith(CloseReason.STALE_EPOCH, text);
            return;
        }
        final long ourLast = journal.lastPosition();
        String divergence = null;
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
            refused(peer.remote, CloseReason.DIVERGED, divergence + "; the sink must not continue");
            peer.channel.closeWith(CloseReason.DIVERGED, divergence);
            return;
        }
        // A reader asked for a position beyond the last one goes to the end of the queue, and an entry being
        // appended right then could be passed over; so a sink that is fully caught up gets its reader only once the
        // journal holds its next position (see openReaderIfDue).
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
                refused(peer.remote, CloseReason.JOURNAL_ERROR, text);
                peer.channel.closeWith(CloseReason.JOURNAL_ERROR, text);
                return;
            }
        }
        if (sinkAttached)
        {
            detach(CloseReason.SUPERSEDED, "another authenticated sink attached from " + peer.remote);
        }

        active.reset(peer.channel.channel());
        activeRemote = peer.remote;
        if (reader != null)
        {
            reader.close();
        }
        reader = newReader;
        nextSendPosition = peer.nextPosition;
        frameLimit = Math.min(context.maxBatchBytes(), peer.sinkMaxFrameLength);
        frameOffset = -1;
        copyError = null;
        sentLog.reset(bytesSent);
        lagBytes = 0;
        oldestUnackedSentNs = Long.MIN_VALUE;
        sentPosition = sinkLast;
        ackedPosition = Math.max(ackedPosition, sinkLast);
        catchUpStartPosition = peer.nextPosition;
        catchUpTargetPosition = ourLast;
        sinkEpoch = peer.sinkEpoch;
        sinkNodeId = peer.sinkNodeId;
        lastReceivedNs = nowNs;

        final int at = active.claim(WELCOME_LENGTH);
        final UnsafeBuffer out = active.sendBuffer();
        header(out, at, WELCOME_LENGTH, TYPE_WELCOME);
        out.putLong(at + WELCOME_START_POSITION_OFFSET, peer.nextPosition, ORDER);
        out.putLong(at + WELCOME_SOURCE_LAST_POSITION_OFFSET, ourLast, ORDER);
        active.commit(at, WELCOME_LENGTH);
        lastSentNs = nowNs;
        sinkSessions = sinkSessions + 1;
        sinkAttached = true;
        LOG.info("Replication sink node {} (epoch {}) attached from {}: resuming at position {}, source at {}",
            peer.sinkNodeId, peer.sinkEpoch, peer.remote, peer.nextPosition, ourLast);
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
            if (!sinkAttached)
            {
                return work;
            }
            if (nowNs - lastSentNs >= context.heartbeatIntervalNs() &&
                active.offerPosition(TYPE_HEARTBEAT, journal.lastPosition()))
            {
                lastSentNs = nowNs;
            }
            work += active.flush() > 0 ? 1 : 0;
            if (nowNs - lastReceivedNs > context.heartbeatTimeoutNs())
            {
                detach(CloseReason.HEARTBEAT_TIMEOUT, "nothing from the sink for " + context.heartbeatTimeoutMs() +
                    " ms");
            }
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
                if (acked > sentPosition)
                {
                    detach(CloseReason.PROTOCOL_ERROR, "ack of position " + acked + " beyond " + sentPosition);
                    return false;
                }
                if (acked > ackedPosition)
                {
                    ackedPosition = acked;
                    sentLog.onAcked(acked, nowNs);
                    lagBytes = bytesSent - sentLog.ackedBytes();
                    oldestUnackedSentNs = sentLog.oldestUnackedSentNs();
                    lastAckRoundTripNs = sentLog.lastRoundTripNs();
                }
                return true;
            case TYPE_HEARTBEAT:
                return length == HEARTBEAT_LENGTH || protocolError(type, length);
            case TYPE_CLOSE:
                final CloseReason reason = CloseReason.ofCode(buffer.getInt(offset + CLOSE_REASON_OFFSET, ORDER));
                final String text = closeText(buffer, offset, length);
                LOG.warn("Replication sink at {} closed the connection: {} {}", activeRemote, reason, text);
                detach(reason, null);
                return false;
            default:
                break;
        }
        return protocolError(type, length);
    }

    private boolean protocolError(final int type, final int length)
    {
        detach(CloseReason.PROTOCOL_ERROR, "unexpected frame type " + type + " of " + length + " bytes");
        return false;
    }

    private boolean openReaderIfDue()
    {
        if (reader != null)
        {
            return true;
        }
        if (journal.lastPosition() < nextSendPosition)
        {
            return false;
        }
        try
        {
            reader = journal.reader(nextSendPosition);
            return true;
        }
        catch (final JournalException ex)
        {
            detach(CloseReason.JOURNAL_ERROR, "cannot read from position " + nextSendPosition + ": " + ex.getMessage());
            return false;
        }
    }

    private int sendData()
    {
        if (!openReaderIfDue())
        {
            return 0;
        }
        int entries = 0;
        while (entries < MAX_ENTRIES_PER_CYCLE && active.pendingBytes() <= frameLimit)
        {
            if (frameOffset < 0 && !beginFrame())
            {
                break;
            }
            final int polled;
            try
            {
                polled = reader.poll(copier, 1);
            }
            catch (final JournalException ex)
            {
                detach(CloseReason.JOURNAL_ERROR, "reading the journal failed: " + ex.getMessage());
                return 1;
            }
            if (polled == 0)
            {
                break;
            }
            if (copyError != null)
            {
                detach(copyErrorReason, copyError);
                return 1;
            }
            entries++;
        }
        if (frameOffset >= 0 && frameEntries > 0)
        {
            commitFrame();
        }
        frameOffset = -1;
        return entries;
    }

    private boolean beginFrame()
    {
        frameOffset = active.claim(frameLimit);
        frameLength = DATA_ENTRIES_OFFSET;
        frameEntries = 0;
        frameFirstPosition = nextSendPosition;
        return frameOffset >= 0;
    }

    private void copyEntry(final JournalEntry entry)
    {
        final int length = entry.rawLength();
        if (entry.position() < nextSendPosition)
        {
            return;
        }
        if (entry.position() != nextSendPosition)
        {
            copyErrorReason = CloseReason.JOURNAL_ERROR;
            copyError = "journal delivered position " + entry.position() + " where " + nextSendPosition +
                " was expected";
            return;
        }
        if (frameLength + ENTRY_LENGTH_PREFIX + length > frameLimit)
        {
            if (frameEntries == 0)
            {
                copyErrorReason = CloseReason.FRAME_TOO_LONG;
                copyError = "entry at position " + nextSendPosition + " is " + length + " bytes; frames to this " +
                    "sink are limited to " + frameLimit + " bytes (maxBatchBytes / sink maxFrameLengthBytes)";
                return;
            }
            commitFrame();
            if (!beginFrame())
            {
                copyErrorReason = CloseReason.PROTOCOL_ERROR;
                copyError = "send buffer full";
                return;
            }
        }
        final UnsafeBuffer out = active.sendBuffer();
        out.putInt(frameOffset + frameLength, length, ORDER);
        out.putBytes(frameOffset + frameLength + ENTRY_LENGTH_PREFIX, entry.rawBuffer(), entry.rawOffset(), length);
        frameLength += ENTRY_LENGTH_PREFIX + length;
        frameEntries++;
        nextSendPosition++;
    }

    private void commitFrame()
    {
        final UnsafeBuffer out = active.sendBuffer();
        header(out, frameOffset, frameLength, TYPE_DATA);
        out.putLong(frameOffset + DATA_FIRST_POSITION_OFFSET, frameFirstPosition, ORDER);
        out.putInt(frameOffset + DATA_ENTRY_COUNT_OFFSET, frameEntries, ORDER);
        active.commit(frameOffset, frameLength);
        final long sent = frameFirstPosition + frameEntries - 1;
        final long totalBytes = bytesSent + frameLength;
        bytesSent = totalBytes;
        sentPosition = sent;
        sentLog.onSent(sent, totalBytes, nowNs);
        if (oldestUnackedSentNs == Long.MIN_VALUE)
        {
            oldestUnackedSentNs = sentLog.oldestUnackedSentNs();
        }
        lagBytes = totalBytes - sentLog.ackedBytes();
        lastSentNs = nowNs;
        frameOffset = -1;
    }

    private void detach(final CloseReason reason, final String text)
    {
        if (!sinkAttached)
        {
            return;
        }
        sinkAttached = false;
        if (text != null)
        {
            LOG.warn("Replication sink at {} detached: {} {}", activeRemote, reason, text);
            active.closeWith(reason, text);
        }
        else
        {
            active.close();
        }
        frameOffset = -1;
        oldestUnackedSentNs = Long.MIN_VALUE;
        if (reader != null)
        {
            reader.close();
            reader = null;
        }
    }

    private void refused(final String remote, final CloseReason reason, final String text)
    {
        lastRefusalReason = reason;
        lastRefusal = reason + ": " + text;
        refusedConnections = refusedConnections + 1;
        LOG.warn("Replication source refused connection from {}: {} ({})", remote, reason, text);
    }

    private static void closeQuietly(final SocketChannel socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
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
        return sinkAttached;
    }

    /** The highest position sent (replicated) to the sink. */
    public long sentPosition()
    {
        return sentPosition;
    }

    /** The highest position the sink has acknowledged holding (never goes down). */
    public long ackedPosition()
    {
        return ackedPosition;
    }

    /** Entries journaled and not yet acknowledged. */
    public long lagEntries()
    {
        return Math.max(0, journal.lastPosition() - ackedPosition);
    }

    /** Bytes sent to the current sink and not yet acknowledged. */
    public long lagBytes()
    {
        return lagBytes;
    }

    /** How long the oldest unacknowledged frame has waited at {@code nowNs} (the context's clock); 0 if none. */
    public long lagNs(final long nowNs)
    {
        final long oldest = oldestUnackedSentNs;
        return oldest == Long.MIN_VALUE ? 0 : Math.max(0, nowNs - oldest);
    }

    /** The round trip, send to acknowledgement, of the most recently acknowledged frame, in nanoseconds. */
    public long lastAckRoundTripNs()
    {
        return lastAckRoundTripNs;
    }

    /** Total bytes of data frames sent. */
    public long bytesSent()
    {
        return bytesSent;
    }

    /** Sinks attached so far. */
    public long sinkSessions()
    {
        return sinkSessions;
    }

    /** Sinks attached after the first one: reconnections. */
    public long reconnects()
    {
        return Math.max(0, sinkSessions - 1);
    }

    /** Connections refused (wrong secret, cluster, version, garbage, oversized frames, divergence, stale epoch). */
    public long refusedConnections()
    {
        return refusedConnections;
    }

    /** The reason and text of the last refusal, "" before any. */
    public String lastRefusal()
    {
        return lastRefusal;
    }

    /** The reason of the last refusal, null before any. */
    public CloseReason lastRefusalReason()
    {
        return lastRefusalReason;
    }

    /** Timeouts recorded by gates (e.g. {@link BoundedWait}). */
    public long timeouts()
    {
        return timeouts.get();
    }

    /** Positions gates released unacknowledged because the secondary was away. */
    public long releasedWhileAway()
    {
        return releasedWhileAway.get();
    }

    /** The position the current sink's catch-up started from. */
    public long catchUpStartPosition()
    {
        return catchUpStartPosition;
    }

    /** The source's last position when the current sink attached: catch-up is done once it is sent. */
    public long catchUpTargetPosition()
    {
        return catchUpTargetPosition;
    }

    /** True while the current sink has not yet been sent everything that existed when it attached. */
    public boolean catchingUp()
    {
        return sinkAttached && sentPosition < catchUpTargetPosition;
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
        detach(CloseReason.SHUTDOWN, "source shutting down");
        for (final PendingSink peer : pending)
        {
            peer.channel.closeWith(CloseReason.SHUTDOWN, "source shutting down");
        }
        pending.clear();
        try
        {
            server.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
        if (reader != null)
        {
            reader.close();
            reader = null;
        }
        LOG.info("Replication source on port {} closed", port);
    }

    private final class Progress implements AckProgress
    {
        @Override
        public long ackedPosition()
        {
            return ackedPosition;
        }

        @Override
        public boolean sinkAttached()
        {
            return sinkAttached;
        }

        @Override
        public void recordTimeout()
        {
            timeouts.incrementAndGet();
        }

        @Override
        public void recordReleasedWhileAway()
        {
            releasedWhileAway.incrementAndGet();
        }
    }
}
