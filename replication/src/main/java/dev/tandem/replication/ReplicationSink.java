package dev.tandem.replication;

import dev.tandem.journal.Journal;
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
    /** No source timestamp received on this connection yet; the source ignores it as an echo. */
    private static final long NO_STAMP = Long.MIN_VALUE;

    private final ReplicationSinkContext context;
    private final Journal journal;
    private final NanoClock clock;
    private final Checksums checksums = new Checksums();
    private final FrameChannel channel;
    /** TLS under {@link #channel}, reset for each connection; null for a plain link. */
    private final TlsChannel tls;
    /** A named class, not a method reference: linking one costs the first activation of a process a millisecond or so. */
    private final FrameChannel.FrameHandler frameHandler = new FrameChannel.FrameHandler()
    {
        @Override
        public boolean onFrame(final UnsafeBuffer buffer, final int offset, final int length, final int type)
        {
            return ReplicationSink.this.onFrame(buffer, offset, length, type);
        }
    };
    private final SinkHandshake handshake;
    private final EntryAppender appender;
    private final LossBoundFile lossBound;
    /** This agent's handle on its thread's idle strategy (bound by the host). */
    private final dev.tandem.journal.idle.IdleWaker idleWaker = new dev.tandem.journal.idle.IdleWaker();
    private final long startNs;
    private final long leaseAndMarginNs;

    private long connectStartNs;
    private long reconnectAtNs;
    private long backoffNs;
    private long lastSentNs;
    private long nowNs;
    private boolean closed;
    private long latestSourceNs = NO_STAMP;
    private long echoedSourceNs = NO_STAMP;
    private long pendingLossBound = -1;

    private volatile State state = State.BACKING_OFF;
    private volatile long epoch;
    private volatile long lastReceivedNs = Long.MIN_VALUE;
    private volatile long ackedPosition;
    private volatile long sourceLastPosition;
    private volatile long catchUpTargetPosition;
    private volatile long sessions;
    private volatile long connectAttempts;
    private volatile long bytesReceived;
    private volatile CloseReason lastCloseReason;
    private volatile String lastClose = "";
    /** Set by a streamed connection's loss, cleared by the next welcome: a refusal in between is proof. */
    private boolean lostAfterStreaming;
    /** {@code source} then {@code alternateSources}: dialled in turn, one per attempt, when there is more than one. */
    private final java.net.InetSocketAddress[] sourceAddresses;
    private final String[] sourceNames;
    /** The address being (or last) dialled; owned by the agent. */
    private int sourceIndex;
    /** The address of the last streamed connection: only a refusal there proves that source gone. */
    private int streamedIndex;
    /** Why the last streamed connection ended: with alternates, later failures are other addresses'. */
    private String lostStreamClose = "";
    private volatile long sourceGoneNs = Long.MIN_VALUE;
    private volatile String sourceGone = "";
    private volatile long switchoverRequested;
    private volatile long switchoverTimeoutMs;
    private long switchoverRequestSent;
    private volatile long handoverPosition = -1;
    private volatile long handoverEpoch = -1;

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
        this.handshake = new SinkHandshake(context);
        this.appender = new EntryAppender(journal);
        this.epoch = context.epoch();
        final int maxFrame = context.maxFrameLengthBytes();
        this.channel = new FrameChannel(maxFrame * 2, MAX_SINK_FRAME_LENGTH * 8).maxFrameLength(maxFrame);
        this.tls = context.tls().active() ?
            new TlsChannel(context.tls().packetBufferBytes(), context.tls().applicationBufferBytes()) : null;
        this.backoffNs = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(context.reconnectBackoffMinMs());
        this.reconnectAtNs = clock.nanoTime();
        // a restarted secondary cannot know what lease its previous life granted: it counts from now
        this.startNs = reconnectAtNs;
        this.leaseAndMarginNs = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
            context.leaseMs() + context.leaseMarginMs());
        this.lossBound = LossBoundFile.open(java.nio.file.Path.of(journal.context().dir()));
        this.sourceAddresses = context.sourceAddresses();
        this.sourceNames = context.sourceNames();
    }

    /** The {@code host:port} dialled now (or last): {@code source}, or one of {@code alternateSources}. */
    public String currentSource()
    {
        return sourceNames[sourceIndex];
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

    /**
     * This agent's handle on the idle strategy of the thread that runs it: the host binds it
     * ({@link dev.tandem.journal.idle.IdleWaker#bind}); the sink watches its connection to the source with it.
     */
    public dev.tandem.journal.idle.IdleWaker idleWaker()
    {
        return idleWaker;
    }

    @Override
    public int doWork()
    {
        final int work = poll();
        if (work == 0 && state == State.STREAMING)
        {
            // idle: take the page faults of the next appends now, not on the ack's path (Journal.pretouch)
            journal.pretouch();
        }
        return work;
    }

    private int poll()
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
            // the channel owns the socket from here, so a failure below (TLS included) closes it
            channel.reset(socket);
            if (tls != null)
            {
                channel.reset(socket, tls.reset(socket, context.tls().newEngine(true,
                    sourceAddresses[sourceIndex].getHostString(), sourceAddresses[sourceIndex].getPort())));
            }
            socket.configureBlocking(false);
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            state = State.CONNECTING;
            if (socket.connect(sourceAddresses[sourceIndex]))
            {
                onConnected();
            }
            else
            {
                idleWaker.watch(socket, java.nio.channels.SelectionKey.OP_CONNECT);
            }
        }
        catch (final IOException ex)
        {
            onConnectFailed(ex);
        }
    }

    /**
     * A dial failed. A refusal ({@code ECONNREFUSED}: the source's host answered that nothing listens on the port)
     * after a streamed connection was lost, with no source answering a handshake since, is proof that the source's process
     * is gone (or has closed its replication port, which a Tandem node does only after its FIX acceptor): recorded
     * in {@link #sourceGoneNs()}. A timeout, an unreachable host or any other failure proves nothing. With
     * {@code alternateSources}, only a refusal at the address of the lost stream counts (an alternate that refuses is
     * a node that is not Hot, not a source that died).
     */
    private void onConnectFailed(final IOException ex)
    {
        if (lostAfterStreaming && ex instanceof java.net.ConnectException && ex.getMessage() != null &&
            ex.getMessage().contains("refused") && sourceGoneNs == Long.MIN_VALUE && sourceIndex == streamedIndex)
        {
            sourceGone = "the connection to the source at " + currentSource() + " was lost (" +
                (sourceAddresses.length > 1 ? lostStreamClose : lastClose) +
                ") and a re-dial was refused: nothing listens there";
            sourceGoneNs = nowNs;
            LOG.warn("Replication sink node {}: {}", context.nodeId(), sourceGone);
        }
        fail(CloseReason.CONNECTION_LOST, "connect to " + currentSource() + " failed: " + ex, false);
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
            onConnectFailed(ex);
            return 1;
        }
        if (nowNs - connectStartNs > context.link().handshakeTimeoutNs())
        {
            fail(CloseReason.HANDSHAKE_TIMEOUT, "connect to " + currentSource() + " timed out", false);
            return 1;
        }
        return 0;
    }

    private void onConnected() throws IOException
    {
        // something listens again: whatever a refusal proved before is void (but a connection that the kernel of a
        // dying process accepted proves nothing alive: only an answered handshake ends the loss, see WELCOMED)
        if (sourceIndex == streamedIndex)
        {
            sourceGoneNs = Long.MIN_VALUE;
            sourceGone = "";
        }
        idleWaker.watch(channel.channel(), java.nio.channels.SelectionKey.OP_READ);
        appender.reset();
        latestSourceNs = NO_STAMP;
        echoedSourceNs = NO_STAMP;
        final long last = appender.appended();
        handshake.sendHello(channel, last + 1, last >= 1 ? checksums.entryChecksum(journal, last) : 0, epoch);
        channel.flush();
        lastSentNs = nowNs;
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
                if (tls == null && state == State.HANDSHAKING && channel.startsLikeTls())
                {
                    fail(CloseReason.TLS_FAILED, "the source answered with a TLS alert: it runs TLS; this sink " +
                        "is plain (no tls section)", false);
                    return 1;
                }
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
            if (channel.hasBufferedInput())
            {
                // decrypted bytes wait in the TLS layer while the socket may have nothing: read again before idling
                work++;
            }
            final State current = state;
            if (current == State.STREAMING)
            {
                final long appended = appender.appended();
                if (appended > ackedPosition)
                {
                    // an ack promises the sink's persistence mode: under BATCHED flush the partial batch first, so
                    // one flush covers everything received since the last ack (a no-op for BUFFERED and SYNC)
                    journal.sync();
                }
                // every ack and heartbeat echoes the latest source timestamp: that renews the source's lease
                if (appended > ackedPosition && channel.offerPosition(TYPE_ACK, appended, latestSourceNs))
                {
                    ackedPosition = appended;
                    lastSentNs = nowNs;
                    echoedSourceNs = latestSourceNs;
                }
                // a timestamp not yet echoed (a source heartbeat) is answered at once, so the lease is renewed
                // within a round trip rather than within our own heartbeat interval
                if ((nowNs - lastSentNs >= context.link().heartbeatIntervalNs() || latestSourceNs != echoedSourceNs) &&
                    channel.offerPosition(TYPE_HEARTBEAT, appended, latestSourceNs))
                {
                    lastSentNs = nowNs;
                    echoedSourceNs = latestSourceNs;
                }
                if (switchoverRequestSent != switchoverRequested && handoverPosition < 0 &&
                    channel.offerPosition(TYPE_SWITCHOVER_REQUEST, appended, switchoverTimeoutMs))
                {
                    switchoverRequestSent = switchoverRequested;
                    lastSentNs = nowNs;
                }
                if (pendingLossBound >= 0 && appended >= catchUpTargetPosition)
                {
                    // caught up: every position the old session may have released unacknowledged is now held here,
                    // so a lower bound announced by the new session is true from now on
                    lossBound.store(pendingLossBound);
                    pendingLossBound = -1;
                }
                work += channel.flush() > 0 ? 1 : 0;
                if (nowNs - lastReceivedNs > context.link().heartbeatTimeoutNs())
                {
                    fail(CloseReason.HEARTBEAT_TIMEOUT, "nothing from the source for " +
                        context.heartbeatTimeoutMs() + " ms", true);
                }
            }
            else if (current == State.HANDSHAKING)
            {
                work += channel.flush() > 0 ? 1 : 0;
                if (nowNs - connectStartNs > context.link().handshakeTimeoutNs())
                {
                    fail(CloseReason.HANDSHAKE_TIMEOUT, "no complete handshake within " +
                        context.handshakeTimeoutMs() + " ms", true);
                }
            }
        }
        catch (final javax.net.ssl.SSLException ex)
        {
            fail(CloseReason.TLS_FAILED, "TLS: " + ex.getMessage(), false);
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
            if (reason == CloseReason.PROBED && context.probe())
            {
                // the expected end of a probe's knock: the epochs are exchanged; knock again after the backoff
                channel.close();
                reconnectAtNs = nowNs + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
                    context.reconnectBackoffMaxMs());
                state = State.BACKING_OFF;
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
                        onSourceStamp(buffer.getLong(offset + STAMP_OFFSET, ORDER));
                        return true;
                    }
                    break;
                case TYPE_HANDOVER:
                    if (length == ACK_LENGTH)
                    {
                        return onHandover(buffer.getLong(offset + POSITION_OFFSET, ORDER),
                            buffer.getLong(offset + STAMP_OFFSET, ORDER));
                    }
                    break;
                default:
                    break;
            }
            return protocolError("unexpected frame type " + type + " of " + length + " bytes");
        }
        final int result = handshake.onFrame(channel, buffer, offset, length, type);
        if (result == SinkHandshake.FAILED)
        {
            fail(handshake.failReason(), handshake.failText(), true);
            return false;
        }
        if (result == SinkHandshake.WELCOMED)
        {
            final long sourceLast = handshake.welcomeSourceLast();
            sourceLastPosition = sourceLast;
            catchUpTargetPosition = sourceLast;
            sessions = sessions + 1;
            final long announced = handshake.welcomeLossBound();
            if (announced >= lossBound.lossBoundEntries() || sourceLast <= appender.appended())
            {
                lossBound.store(announced);
                pendingLossBound = -1;
            }
            else
            {
                // lower than before while we still lack part of the old session's entries: keep the old bound
                // until they are here
                pendingLossBound = announced;
            }
            backoffNs = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(context.reconnectBackoffMinMs());
            lostAfterStreaming = false;
            streamedIndex = sourceIndex;
            sourceGoneNs = Long.MIN_VALUE;
            sourceGone = "";
            if (sourceAddresses.length > 1)
            {
                // following whichever node is Hot at the highest epoch: a source at a lower one is refused from now on
                epoch(handshake.sourceEpoch());
            }
            state = State.STREAMING;
            LOG.info("Replication sink node {} streaming from source node {} (epoch {}) at {}: from position {}, " +
                "source at {}", context.nodeId(), handshake.sourceNodeId(), handshake.sourceEpoch(), currentSource(),
                handshake.nextPosition(), sourceLast);
        }
        return true;
    }

    private void onSourceStamp(final long stampNs)
    {
        if (latestSourceNs == NO_STAMP || stampNs - latestSourceNs > 0)
        {
            latestSourceNs = stampNs;
        }
    }

    private boolean onData(final UnsafeBuffer buffer, final int offset, final int length)
    {
        if (length >= DATA_ENTRIES_OFFSET)
        {
            onSourceStamp(buffer.getLong(offset + DATA_SOURCE_NS_OFFSET, ORDER));
        }
        if (!appender.onData(buffer, offset, length))
        {
            fail(appender.failReason(), appender.failText(), true);
            return false;
        }
        final long appended = appender.appended();
        if (appended > sourceLastPosition)
        {
            sourceLastPosition = appended;
        }
        return true;
    }

    /**
     * The source hands the Hot role over: it has stopped releasing, and says this sink holds its whole journal. The
     * sink checks that it holds exactly that position at the source's epoch, flushes the journal (an ack promises
     * the persistence mode), answers HANDOVER_ACCEPTED and records it for the node ({@link #handoverPosition()});
     * otherwise it refuses by closing the connection with the reason, and nothing changes.
     */
    private boolean onHandover(final long position, final long sourceEpoch)
    {
        final long appended = appender.appended();
        if (appended != position || sourceEpoch != handshake.sourceEpoch() || handoverPosition >= 0)
        {
            fail(CloseReason.PROTOCOL_ERROR, "handover refused: the source hands over at position " + position +
                " epoch " + sourceEpoch + " but this sink holds position " + appended + " of epoch " +
                handshake.sourceEpoch(), true);
            return false;
        }
        journal.sync();
        if (!channel.offerPosition(TYPE_HANDOVER_ACCEPTED, appended, latestSourceNs))
        {
            fail(CloseReason.PROTOCOL_ERROR, "handover refused: no room to answer", true);
            return false;
        }
        handoverEpoch = sourceEpoch;
        handoverPosition = position;
        try
        {
            channel.flush();
        }
        catch (final IOException ex)
        {
            // accepted on our side all the same: the source treats an unanswered handover as accepted
            LOG.warn("Replication sink node {}: could not send the handover's acceptance: {}", context.nodeId(),
                ex.toString());
        }
        LOG.warn("Replication sink node {}: source node {} handed over at position {} (epoch {})", context.nodeId(),
            handshake.sourceNodeId(), position, sourceEpoch);
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
        if (wasStreaming)
        {
            lostAfterStreaming = true;
            lostStreamClose = lastClose;
        }
        if (tellSource)
        {
            channel.closeWith(reason, text);
        }
        else
        {
            channel.close();
        }
        // the source sees the end now, not when this thread next blocks in its idle strategy's select
        idleWaker.releaseClosedChannels();
        if (wasStreaming)
        {
            LOG.warn("Replication sink node {} lost the source at {}: {} {}", context.nodeId(), currentSource(),
                reason, text);
        }
        else if (reason != CloseReason.CONNECTION_LOST || connectAttempts <= 1)
        {
            LOG.warn("Replication sink node {} could not attach to {}: {} {}", context.nodeId(), currentSource(),
                reason, text);
        }
        if (wasStreaming)
        {
            // the first re-dial after a streamed connection ends goes at once, to the same address: its refusal is
            // the proof that lets a secondary take over without waiting, and after a blip it reattaches at once; the
            // back-off applies to the attempts after it
            reconnectAtNs = nowNs;
        }
        else
        {
            if (sourceAddresses.length > 1)
            {
                // a failed attempt: the next address in turn (source, then each alternate)
                sourceIndex = (sourceIndex + 1) % sourceAddresses.length;
            }
            reconnectAtNs = nowNs + backoffNs;
            backoffNs = Math.min(backoffNs * 2,
                java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(context.reconnectBackoffMaxMs()));
        }
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
        return handshake.sourceEpoch();
    }

    /** The node id the source announced in the last handshake (authenticated), -1 before any. */
    public int sourceNodeId()
    {
        return handshake.sourceNodeId();
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

    /**
     * The earliest time, on the context's {@link NanoClock}, at which this node may activate without breaking the
     * lease it granted the source: the last contact with the source (or this sink's start, if later: a restarted
     * node cannot know what its previous life granted) + {@code leaseMs} + {@code leaseMarginMs}. The source stops
     * releasing unacknowledged messages by then, on its own clock. Any thread.
     */
    public long earliestActivationNs()
    {
        final long last = lastReceivedNs;
        final long contact = last == Long.MIN_VALUE || last - startNs < 0 ? startNs : last;
        return contact + leaseAndMarginNs;
    }

    /**
     * The most outbound journal entries the primary may have released without this node holding them: the loss
     * bound it last announced (0 under WaitForever, or if no primary ever streamed here), persisted in the journal
     * directory so it survives a restart. The node reads it at activation to skip that many sequence numbers. Any
     * thread.
     */
    public long lossBoundEntries()
    {
        return lossBound.lossBoundEntries();
    }

    /**
     * When, on the context's clock, a re-dial of the source was refused after a streamed connection to it was lost
     * (no source has answered a handshake since, and nothing has accepted a connection since the refusal): proof that the source's process is gone, since a host refuses a connection
     * only when nothing listens on the port. {@link Long#MIN_VALUE} when there is no such proof, and again once a
     * connection succeeds. A refusal by something in between (a proxy, a firewall that rejects with a reset) would
     * look the same: the node's switch for using this is {@code !TryHeartbeat { activateOnRefusal }}. Any thread.
     */
    public long sourceGoneNs()
    {
        return sourceGoneNs;
    }

    /** What {@link #sourceGoneNs()} is based on, "" without proof. Any thread. */
    public String sourceGone()
    {
        return sourceGone;
    }

    /**
     * Asks the source for a planned switchover (the SWITCHOVER_REQUEST frame, sent while streaming): the source's node
     * stops releasing, waits until this sink holds its whole journal, and hands over ({@link #handoverPosition()}).
     * Any thread.
     *
     * @param timeoutMs how long the source may wait for this sink to catch up before it gives up and goes on.
     */
    public void requestSwitchover(final long timeoutMs)
    {
        switchoverTimeoutMs = timeoutMs;
        switchoverRequested = switchoverRequested + 1;
    }

    /**
     * The position at which the source handed the Hot role over to this sink, -1 if it did not: the source has
     * stopped releasing and this journal holds all of it, so the node may activate at once (without the lease
     * wait). Any thread.
     */
    public long handoverPosition()
    {
        return handoverPosition;
    }

    /** The epoch of the source that handed over, -1 if none did. Any thread. */
    public long handoverEpoch()
    {
        return handoverEpoch;
    }

    /** The highest position appended to this sink's journal. */
    public long lastAppendedPosition()
    {
        return appender.lastAppendedPosition();
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
        return Math.max(0, sourceLastPosition - appender.lastAppendedPosition());
    }

    /** The source's last position when this session began: catch-up is done once it is appended. */
    public long catchUpTargetPosition()
    {
        return catchUpTargetPosition;
    }

    /** True while streaming and not yet holding everything that existed on the source when the session began. */
    public boolean catchingUp()
    {
        return state == State.STREAMING && appender.lastAppendedPosition() < catchUpTargetPosition;
    }

    /**
     * False while this node does not yet hold the source's last position announced in the latest welcome, connected
     * or not. The source's loss window counts from that position while the sink catches up, so a node activating
     * before it holds it could lack more than the announced loss bound: activation modes must not activate it by
     * themselves (an operator may still force it). True before any welcome. Any thread.
     */
    public boolean heldCatchUpTarget()
    {
        return appender.lastAppendedPosition() >= catchUpTargetPosition;
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
        return appender.entriesAppended();
    }

    /** Entries received again after a reconnect and skipped (should stay 0). */
    public long duplicatesSkipped()
    {
        return appender.duplicatesSkipped();
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
        final State current = state;
        if (current == State.HANDSHAKING || current == State.STREAMING)
        {
            channel.closeWith(CloseReason.SHUTDOWN, "sink shutting down");
        }
        else
        {
            // a socket still connecting (or none) has nobody to tell, and writing to it would throw
            channel.close();
        }
        idleWaker.releaseClosedChannels();
        state = State.CLOSED;
    }
}
