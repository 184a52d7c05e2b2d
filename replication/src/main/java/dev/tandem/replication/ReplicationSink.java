package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalException;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

import static dev.tandem.replication.FrameDescriptor.*;

/**
 * The secondary's end of replication: connects to the source, proves the shared secret and checks the source's
 * proof, asks for everything after its journal's last position, appends each entry it receives to its own journal
 * in order (same positions, same bytes) and acknowledges cumulatively the highest position it holds. It reconnects
 * by itself with exponential backoff after any failure, and stops for good ({@link State#DIVERGED}) when the source
 * says its journal holds entries the source does not have.
 * <p>
 * Acknowledgements are sent after {@link Journal#appendReplicated} returned, so they cover what the sink's journal
 * guarantees under its own persistence mode (page cache for BUFFERED, flushed for SYNC).
 * <p>
 * Threading: an Agrona {@link Agent}: {@link #doWork()}, {@link #onClose()} and {@link #close()} on the agent's
 * thread only; that thread owns the journal's appends while the sink runs. Accessors are volatile reads, safe from
 * any thread; {@link #epoch(long)} may be called from any thread.
 */
public final class ReplicationSink implements Agent, AutoCloseable
{
    /** Where the sink is in its life. */
    public enum State
    {
        /** Waiting before the next connection attempt. */
        BACKING_OFF,
        /** Establishing the TCP connection. */
        CONNECTING,
        /** Connected, exchanging hello, challenge, auth and welcome. */
        HANDSHAKING,
        /** Receiving and appending entries. */
        STREAMING,
        /** Stopped for good: the journal holds entries the source does not have. Needs an operator. */
        DIVERGED,
        /** Closed. */
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSink.class);
    private static final int AWAIT_CHALLENGE = 0;
    private static final int AWAIT_WELCOME = 1;

    private final ReplicationSinkContext context;
    private final Journal journal;
    private final NanoClock clock;
    private final Authenticator authenticator;
    private final Checksums checksums = new Checksums();
    private final byte[] clusterName;
    private final FrameChannel channel;
    private final FrameChannel.FrameHandler frameHandler = this::onFrame;
    private final UnsafeBuffer sinkNonce = new UnsafeBuffer(new byte[NONCE_LENGTH]);

    private int handshakeStep;
    private long helloNextPosition;
    private long helloChecksum;
    private long helloEpoch;
    private boolean sourceStale;
    private long connectStartNs;
    private long reconnectAtNs;
    private long backoffNs;
    private long lastSentNs;
    private long appended;
    private long nowNs;
    private boolean closed;

    private volatile State state = State.BACKING_OFF;
    private volatile long epoch;
    private volatile long lastReceivedNs = Long.MIN_VALUE;
    private volatile long ackedPosition;
    private volatile long lastAppendedPosition;
    private volatile long sourceLastPosition;
    private volatile long sourceEpoch = -1;
    private volatile int sourceNodeId = -1;
    private volatile long catchUpTargetPosition;
    private volatile long sessions;
    private volatile long connectAttempts;
    private volatile long bytesReceived;
    private volatile long entriesAppended;
    private volatile long duplicatesSkipped;
    private volatile CloseReason lastCloseReason;
    private volatile String lastClose = "";

    /** The context is concluded here if it was not already. Nothing connects until the first duty cycle. */
    public ReplicationSink(final ReplicationSinkContext context, final Journal journal)
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
        final int maxFrame = context.maxFrameLengthBytes();
        this.channel = new FrameChannel(maxFrame * 2, MAX_SINK_FRAME_LENGTH * 8).maxFrameLength(maxFrame);
        this.backoffNs = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(context.reconnectBackoffMinMs());
        this.reconnectAtNs = clock.nanoTime();
        this.lastAppendedPosition = journal.lastPosition();
    }

    public ReplicationSinkContext context()
    {
        return context;
    }

    @Override
    public String roleName()
    {
        return "replication-sink";
    }

    @Override
    public int doWork()
    {
        nowNs = clock.nanoTime();
        switch (state)
        {
            case BACKING_OFF:
                if (nowNs - reconnectAtNs >= 0)
                {
                    connect();
                    return 1;
                }
                return 0;
            case CONNECTING:
                return finishConnect();
            case HANDSHAKING:
            case STREAMING:
                return pollConnection();
            default:
                return 0;
        }
    }

    private void connect()
    {
        connectAttempts = connectAttempts + 1;
        connectStartNs = nowNs;
        try
        {
            final SocketChannel socket = SocketChannel.open();
            channel.reset(socket);
            socket.configureBlocking(false);
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            state = State.CONNECTING;
            if (socket.connect(context.sourceAddress()))
            {
                onConnected();
            }
        }
        catch (final IOException ex)
        {
            fail(CloseReason.CONNECTION_LOST, "connect to " + context.source() + " failed: " + ex, false);
        }
    }

    private int finishConnect()
    {
        try
        {
            if (channel.channel().finishConnect())
            {
                onConnected();
                return 1;
            }
        }
        catch (final IOException ex)
        {
            fail(CloseReason.CONNECTION_LOST, "connect to " + context.source() + " failed: " + ex, false);
            return 1;
        }
        if (nowNs - connectStartNs > context.handshakeTimeoutNs())
        {
            fail(CloseReason.HANDSHAKE_TIMEOUT, "connect to " + context.source() + " timed out", false);
            return 1;
        }
        return 0;
    }

    private void onConnected() throws IOException
    {
        appended = journal.lastPosition();
        lastAppendedPosition = appended;
        helloNextPosition = appended + 1;
        helloChecksum = appended >= 1 ? checksums.entryChecksum(journal, appended) : 0;
        helloEpoch = epoch;
        final int length = helloLength(clusterName.length);
        final int at = channel.claim(length);
        final UnsafeBuffer out = channel.sendBuffer();
        header(out, at, length, TYPE_HELLO);
        out.putInt(at + HELLO_MAGIC_OFFSET, MAGIC, ORDER);
        out.putInt(at + HELLO_VERSION_OFFSET, PROTOCOL_VERSION, ORDER);
        out.putInt(at + HELLO_NODE_ID_OFFSET, context.nodeId(), ORDER);
        out.putLong(at + HELLO_EPOCH_OFFSET, helloEpoch, ORDER);
        out.putLong(at + HELLO_NEXT_POSITION_OFFSET, helloNextPosition, ORDER);
        out.putLong(at + HELLO_LAST_CHECKSUM_OFFSET, helloChecksum, ORDER);
        out.putInt(at + HELLO_MAX_FRAME_OFFSET, context.maxFrameLengthBytes(), ORDER);
        authenticator.newNonce(out, at + HELLO_NONCE_OFFSET);
        out.getBytes(at + HELLO_NONCE_OFFSET, sinkNonce, 0, NONCE_LENGTH);
        out.putShort(at + HELLO_CLUSTER_LENGTH_OFFSET, (short)clusterName.length, ORDER);
        out.putBytes(at + HELLO_CLUSTER_OFFSET, clusterName);
        channel.commit(at, length);
        channel.flush();
        lastSentNs = nowNs;
        handshakeStep = AWAIT_CHALLENGE;
        state = State.HANDSHAKING;
    }

    private int pollConnection()
    {
        int work = 0;
        try
        {
            final int read = channel.read();
            if (read < 0)
            {
                fail(CloseReason.CONNECTION_LOST, "end of stream from the source", false);
                return 1;
            }
            if (read > 0)
            {
                lastReceivedNs = nowNs;
                bytesReceived = bytesReceived + read;
                work++;
                final int status = channel.poll(frameHandler, Integer.MAX_VALUE);
                if (status < 0)
                {
                    if (status == FrameChannel.BAD_LENGTH)
                    {
                        fail(CloseReason.FRAME_TOO_LONG, "frame length " + channel.lastBadLength() +
                            " outside 12.." + channel.maxFrameLength(), true);
                    }
                    else if (status == FrameChannel.BAD_CHECKSUM)
                    {
                        fail(CloseReason.PROTOCOL_ERROR, "frame checksum mismatch", true);
                    }
                    return work;
                }
            }
            final State current = state;
            if (current == State.STREAMING)
            {
                if (appended > ackedPosition && channel.offerPosition(TYPE_ACK, appended))
                {
                    ackedPosition = appended;
                    lastSentNs = nowNs;
                }
                if (nowNs - lastSentNs >= context.heartbeatIntervalNs() &&
                    channel.offerPosition(TYPE_HEARTBEAT, appended))
                {
                    lastSentNs = nowNs;
                }
                work += channel.flush() > 0 ? 1 : 0;
                if (nowNs - lastReceivedNs > context.heartbeatTimeoutNs())
                {
                    fail(CloseReason.HEARTBEAT_TIMEOUT, "nothing from the source for " +
                        context.heartbeatTimeoutMs() + " ms", true);
                }
            }
            else if (current == State.HANDSHAKING)
            {
                work += channel.flush() > 0 ? 1 : 0;
                if (nowNs - connectStartNs > context.handshakeTimeoutNs())
                {
                    fail(CloseReason.HANDSHAKE_TIMEOUT, "no complete handshake within " +
                        context.handshakeTimeoutMs() + " ms", true);
                }
            }
        }
        catch (final IOException ex)
        {
            fail(CloseReason.CONNECTION_LOST, ex.toString(), false);
        }
        return work;
    }

    private boolean onFrame(final UnsafeBuffer buffer, final int offset, final int length, final int type)
    {
        if (type == TYPE_CLOSE)
        {
            final CloseReason reason = CloseReason.ofCode(buffer.getInt(offset + CLOSE_REASON_OFFSET, ORDER));
            final String text = closeText(buffer, offset, length);
            if (reason == CloseReason.DIVERGED)
            {
                lastCloseReason = reason;
                lastClose = reason + ": " + text;
                LOG.error("Replication sink node {} stops for good: the source says the journals diverged ({}). " +
                    "This journal holds entries the primary does not have; it needs an operator.",
                    context.nodeId(), text);
                channel.close();
                state = State.DIVERGED;
                return false;
            }
            fail(reason, "closed by the source: " + text, false);
            return false;
        }
        if (state == State.STREAMING)
        {
            switch (type)
            {
                case TYPE_DATA:
                    return onData(buffer, offset, length);
                case TYPE_HEARTBEAT:
                    if (length == HEARTBEAT_LENGTH)
                    {
                        sourceLastPosition = Math.max(sourceLastPosition,
                            buffer.getLong(offset + POSITION_OFFSET, ORDER));
                        return true;
                    }
                    break;
                default:
                    break;
            }
            return protocolError("unexpected frame type " + type + " of " + length + " bytes");
        }
        if (handshakeStep == AWAIT_CHALLENGE)
        {
            return onChallenge(buffer, offset, length, type);
        }
        if (type != TYPE_WELCOME || length != WELCOME_LENGTH)
        {
            return protocolError("expected a welcome frame, got type " + type);
        }
        final long start = buffer.getLong(offset + WELCOME_START_POSITION_OFFSET, ORDER);
        if (start != helloNextPosition)
        {
            return protocolError("welcome starts at " + start + " but " + helloNextPosition + " was asked for");
        }
        if (sourceStale)
        {
            fail(CloseReason.STALE_EPOCH, "source node " + sourceNodeId + " is at epoch " + sourceEpoch +
                "; this sink has seen epoch " + helloEpoch + ": the source is a stale primary", true);
            return false;
        }
        final long sourceLast = buffer.getLong(offset + WELCOME_SOURCE_LAST_POSITION_OFFSET, ORDER);
        sourceLastPosition = sourceLast;
        catchUpTargetPosition = sourceLast;
        sessions = sessions + 1;
        backoffNs = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(context.reconnectBackoffMinMs());
        state = State.STREAMING;
        LOG.info("Replication sink node {} streaming from source node {} (epoch {}) at {}: from position {}, " +
            "source at {}", context.nodeId(), sourceNodeId, sourceEpoch, context.source(), start, sourceLast);
        return true;
    }

    private boolean onChallenge(final UnsafeBuffer buffer, final int offset, final int length, final int type)
    {
        if (type != TYPE_CHALLENGE || length != CHALLENGE_LENGTH)
        {
            return protocolError("expected a challenge frame, got type " + type + " of " + length + " bytes");
        }
        final int version = buffer.getInt(offset + CHALLENGE_VERSION_OFFSET, ORDER);
        if (version != PROTOCOL_VERSION)
        {
            fail(CloseReason.BAD_VERSION, "source speaks protocol version " + version + "; this sink speaks " +
                PROTOCOL_VERSION, true);
            return false;
        }
        final int nodeId = buffer.getInt(offset + CHALLENGE_NODE_ID_OFFSET, ORDER);
        final long theirEpoch = buffer.getLong(offset + CHALLENGE_EPOCH_OFFSET, ORDER);
        if (!authenticator.verifySourceProof(sinkNonce, 0, buffer, offset + CHALLENGE_NONCE_OFFSET, clusterName,
            nodeId, theirEpoch, buffer, offset + CHALLENGE_PROOF_OFFSET))
        {
            fail(CloseReason.AUTH_FAILED, "the source at " + context.source() +
                " could not prove the shared secret", true);
            return false;
        }
        sourceNodeId = nodeId;
        sourceEpoch = theirEpoch;
        // A stale source still gets our authenticated answer, so it learns of the higher epoch and fences itself;
        // it then refuses us, and a welcome from it is refused here.
        sourceStale = theirEpoch < helloEpoch;
        final int at = channel.claim(AUTH_LENGTH);
        final UnsafeBuffer out = channel.sendBuffer();
        header(out, at, AUTH_LENGTH, TYPE_AUTH);
        authenticator.sinkProof(buffer, offset + CHALLENGE_NONCE_OFFSET, sinkNonce, 0, clusterName,
            context.nodeId(), helloEpoch, helloNextPosition, helloChecksum, out, at + AUTH_PROOF_OFFSET);
        channel.commit(at, AUTH_LENGTH);
        handshakeStep = AWAIT_WELCOME;
        return true;
    }

    private boolean onData(final UnsafeBuffer buffer, final int offset, final int length)
    {
        if (length < DATA_ENTRIES_OFFSET)
        {
            return protocolError("data frame of " + length + " bytes");
        }
        final long first = buffer.getLong(offset + DATA_FIRST_POSITION_OFFSET, ORDER);
        final int count = buffer.getInt(offset + DATA_ENTRY_COUNT_OFFSET, ORDER);
        final int end = offset + length;
        int at = offset + DATA_ENTRIES_OFFSET;
        for (int i = 0; i < count; i++)
        {
            if (at + ENTRY_LENGTH_PREFIX > end)
            {
                return protocolError("data frame truncated at entry " + i + " of " + count);
            }
            final int entryLength = buffer.getInt(at, ORDER);
            at += ENTRY_LENGTH_PREFIX;
            if (entryLength <= 0 || at + entryLength > end)
            {
                return protocolError("entry " + i + " has a bad length " + entryLength);
            }
            final long position = first + i;
            if (position <= appended)
            {
                duplicatesSkipped = duplicatesSkipped + 1;
            }
            else if (position != appended + 1)
            {
                return protocolError("gap: position " + position + " arrived after " + appended);
            }
            else
            {
                final long result;
                try
                {
                    result = journal.appendReplicated(buffer, at, entryLength);
                }
                catch (final JournalException ex)
                {
                    fail(CloseReason.JOURNAL_ERROR, "journal refused position " + position + ": " +
                        ex.getMessage(), true);
                    return false;
                }
                if (result != position)
                {
                    fail(CloseReason.JOURNAL_ERROR, "journal stored position " + position + " as " + result, true);
                    return false;
                }
                appended = position;
                entriesAppended = entriesAppended + 1;
            }
            at += entryLength;
        }
        if (at != end)
        {
            return protocolError("data frame has " + (end - at) + " bytes after its last entry");
        }
        lastAppendedPosition = appended;
        if (appended > sourceLastPosition)
        {
            sourceLastPosition = appended;
        }
        return true;
    }

    private boolean protocolError(final String text)
    {
        fail(CloseReason.PROTOCOL_ERROR, text, true);
        return false;
    }

    private void fail(final CloseReason reason, final String text, final boolean tellSource)
    {
        lastCloseReason = reason;
        lastClose = reason + ": " + text;
        final boolean wasStreaming = state == State.STREAMING;
        if (tellSource)
        {
            channel.closeWith(reason, text);
        }
        else
        {
            channel.close();
        }
        if (wasStreaming)
        {
            LOG.warn("Replication sink node {} lost the source at {}: {} {}", context.nodeId(), context.source(),
                reason, text);
        }
        else if (reason != CloseReason.CONNECTION_LOST || connectAttempts <= 1)
        {
            LOG.warn("Replication sink node {} could not attach to {}: {} {}", context.nodeId(), context.source(),
                reason, text);
        }
        reconnectAtNs = nowNs + backoffNs;
        backoffNs = Math.min(backoffNs * 2,
            java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(context.reconnectBackoffMaxMs()));
        state = State.BACKING_OFF;
    }

    /**
     * Raises the epoch this sink announces and requires of its source (lower values are ignored). Any thread; takes
     * effect at the next handshake.
     */
    public void epoch(final long epoch)
    {
        if (epoch > this.epoch)
        {
            this.epoch = epoch;
        }
    }

    /** The epoch this sink announces. */
    public long epoch()
    {
        return epoch;
    }

    /** The epoch the source announced in the last handshake (authenticated), -1 before any. */
    public long sourceEpoch()
    {
        return sourceEpoch;
    }

    /** The node id the source announced in the last handshake (authenticated), -1 before any. */
    public int sourceNodeId()
    {
        return sourceNodeId;
    }

    public State state()
    {
        return state;
    }

    /** True while streaming from an authenticated source. */
    public boolean connected()
    {
        return state == State.STREAMING;
    }

    /**
     * When bytes last arrived from the source (any frame: data, heartbeat, handshake), on the context's
     * {@link NanoClock}; {@link Long#MIN_VALUE} before any. The node's heartbeat-based activation reads this.
     */
    public long lastReceivedNs()
    {
        return lastReceivedNs;
    }

    /** The highest position appended to this sink's journal. */
    public long lastAppendedPosition()
    {
        return lastAppendedPosition;
    }

    /** The highest position acknowledged to the source. */
    public long ackedPosition()
    {
        return ackedPosition;
    }

    /** The source's last position as last heard (welcome, heartbeats, data). */
    public long sourceLastPosition()
    {
        return sourceLastPosition;
    }

    /** Entries the source has that this sink does not, as last heard. */
    public long lagEntries()
    {
        return Math.max(0, sourceLastPosition - lastAppendedPosition);
    }

    /** The source's last position when this session began: catch-up is done once it is appended. */
    public long catchUpTargetPosition()
    {
        return catchUpTargetPosition;
    }

    /** True while streaming and not yet holding everything that existed on the source when the session began. */
    public boolean catchingUp()
    {
        return state == State.STREAMING && lastAppendedPosition < catchUpTargetPosition;
    }

    /** Sessions established so far. */
    public long sessions()
    {
        return sessions;
    }

    /** Sessions established after the first one. */
    public long reconnects()
    {
        return Math.max(0, sessions - 1);
    }

    /** Connection attempts so far. */
    public long connectAttempts()
    {
        return connectAttempts;
    }

    public long bytesReceived()
    {
        return bytesReceived;
    }

    public long entriesAppended()
    {
        return entriesAppended;
    }

    /** Entries received again after a reconnect and skipped (should stay 0). */
    public long duplicatesSkipped()
    {
        return duplicatesSkipped;
    }

    /** Why the last connection ended or was refused, null before any. */
    public CloseReason lastCloseReason()
    {
        return lastCloseReason;
    }

    /** The reason and text of the last connection's end, "" before any. */
    public String lastClose()
    {
        return lastClose;
    }

    @Override
    public void onClose()
    {
        close();
    }

    /** Closes the connection with a close frame; the sink does not reconnect afterwards. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (channel.isOpen())
        {
            channel.closeWith(CloseReason.SHUTDOWN, "sink shutting down");
        }
        state = State.CLOSED;
    }
}
