package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.FixFraming;
import dev.tandem.fix.codec.Tags;
import dev.tandem.journal.LogRateLimiter;
import dev.tandem.journal.ReleaseGate;
import org.agrona.CloseHelper;
import org.agrona.LangUtil;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The non-blocking NIO engine shared by {@link FixAcceptor} and {@link FixInitiator}: one selector, many
 * connections, one duty cycle that reads and frames inbound bytes, drives every session's timers, releases and
 * writes outbound bytes. What differs between the two is its {@link EngineRole}: {@link AcceptorRole} (listening,
 * accepting, matching a first Logon to a session) or {@link InitiatorRole} (connecting, telling the listener), asked
 * only about connections not bound to a session, once per duty cycle and at Logon and disconnect.
 * <p>
 * Not thread safe except where noted: the duty cycle runs on one thread.
 */
final class FixEngine
{
    private static final Logger LOG = LoggerFactory.getLogger(FixEngine.class);
    /** Connections taken per duty cycle: drains a burst without starving the sessions. */
    static final int MAX_ACCEPTS_PER_PASS = 64;
    /** Inbound buffer before Logon: a Logon is a few hundred bytes; the full buffer comes with the session. */
    static final int PRE_LOGON_INBOUND_BYTES = 8 * 1024;
    /**
     * 65,536 fields: 768 KiB of index per decoder (three per engine). Enough for every field of a 256 KiB message;
     * a longer message with more fields is well formed but Rejected (see {@link FixDecoder#truncated()}).
     */
    static final int MAX_INDEXED_FIELDS = 65_536;

    private final FixContext context;
    private final EngineRole role;
    /** Set by {@link #close()}: the sockets it closes are released together at its end, not one by one. */
    private boolean closing;
    private final Selector selector;
    private final FixSession[] sessions;
    private final ArrayList<Connection> connections = new ArrayList<>();
    private final FixDecoder decoder;
    private final FixDecoder queueDecoder;
    private final FixDecoder resendDecoder;
    private final int maxMessageLength;
    private final int inboundCapacity;
    private final int preLogonCapacity;
    private final LogRateLimiter connectionLog = new LogRateLimiter(20, TimeUnit.MINUTES.toNanos(1));
    private final LogRateLimiter refusalLog = new LogRateLimiter(20, TimeUnit.MINUTES.toNanos(1));
    private final LogRateLimiter slowConsumerLog = new LogRateLimiter(20, TimeUnit.MINUTES.toNanos(1));
    /** A named class, not a method reference: linking one costs an activation's acceptor a millisecond or so. */
    private final Consumer<SelectionKey> onReady = new Consumer<SelectionKey>()
    {
        @Override
        public void accept(final SelectionKey key)
        {
            onReady(key);
        }
    };
    private final ManyToOneConcurrentLinkedQueue<Runnable> tasks = new ManyToOneConcurrentLinkedQueue<>();
    private long nowNs;
    private long nowMs;
    private String lastCloseReason = "";
    private volatile long disconnectAllRequests;
    private long disconnectAllServed;
    private volatile long garbledMessages;
    private volatile long oversizedMessages;
    private volatile long resendRequestsServed;
    private volatile long logons;
    private volatile long lostOutboundOnLogon;
    private volatile long outboundSkippedByHeadroom;
    private volatile long disconnects;

    /** Called by the role's constructor, which passes itself: the engine only keeps it. */
    FixEngine(final FixContext context, final EngineRole role)
    {
        this.context = context;
        this.role = role;
        this.maxMessageLength = context.maxMessageLengthBytes();
        this.inboundCapacity = Math.max(2 * maxMessageLength, 128 * 1024);
        this.preLogonCapacity = Math.min(PRE_LOGON_INBOUND_BYTES, inboundCapacity);
        // every field of a message up to maxMessageLengthBytes is indexed (a field takes at least 4 bytes, "1=x" and
        // SOH), so a long repeating group is processed, not dropped; past MAX_INDEXED_FIELDS the message is Rejected
        final int maxFields = indexedFields(maxMessageLength);
        this.decoder = new FixDecoder(maxFields);
        this.queueDecoder = new FixDecoder(maxFields);
        this.resendDecoder = new FixDecoder(maxFields);
        this.nowNs = context.nanoClock().nanoTime();
        this.nowMs = context.epochClock().time();
        // memory allocated ahead (a Warm node's, for its activation), when it is this engine's to take
        final SessionMemory memory = context.sessionMemory() != null && context.sessionMemory().take(context) ?
            context.sessionMemory() : null;
        this.sessions = new FixSession[context.sessions().size()];
        for (int i = 0; i < sessions.length; i++)
        {
            sessions[i] = new FixSession(this, context.sessions().get(i), context, memory, i);
        }
        try
        {
            this.selector = Selector.open();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot open a selector", ex);
        }
    }

    /** The most fields a decoder indexes for messages up to {@code maxMessageLength} bytes. */
    static int indexedFields(final int maxMessageLength)
    {
        return Math.min(maxMessageLength / 4 + 1, MAX_INDEXED_FIELDS);
    }

    /** Decoder for messages taken from a session's gap queue (one session drains at a time). */
    FixDecoder queueDecoder()
    {
        return queueDecoder;
    }

    /** Decoder for journaled messages being resent (one resend batch at a time). */
    FixDecoder resendDecoder()
    {
        return resendDecoder;
    }

    FixContext context()
    {
        return context;
    }

    FixApplication application()
    {
        return context.application();
    }

    ReleaseGate releaseGate()
    {
        return context.releaseGate();
    }

    long nowNs()
    {
        return nowNs;
    }

    long nowMs()
    {
        return nowMs;
    }

    FixSession[] sessions()
    {
        return sessions;
    }

    Selector selector()
    {
        return selector;
    }

    /** Every open connection, bound to a session or not. */
    ArrayList<Connection> connections()
    {
        return connections;
    }

    /** Inbound buffer of a logged-on connection. */
    int inboundCapacity()
    {
        return inboundCapacity;
    }

    /** Inbound buffer of a connection that has not logged on yet. */
    int preLogonCapacity()
    {
        return preLogonCapacity;
    }

    LogRateLimiter connectionLog()
    {
        return connectionLog;
    }

    LogRateLimiter refusalLog()
    {
        return refusalLog;
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    void requestDisconnectAll()
    {
        synchronized (this)
        {
            disconnectAllRequests++;
        }
        context.idleWaker().wakeup();
    }

    void execute(final Runnable task)
    {
        tasks.offer(task);
        context.idleWaker().wakeup();
    }

    long garbledMessages()
    {
        return garbledMessages;
    }

    long oversizedMessages()
    {
        return oversizedMessages;
    }

    long resendRequestsServed()
    {
        return resendRequestsServed;
    }

    long lostOutboundOnLogon()
    {
        return lostOutboundOnLogon;
    }

    long outboundSkippedByHeadroom()
    {
        return outboundSkippedByHeadroom;
    }

    long logons()
    {
        return logons;
    }

    long disconnects()
    {
        return disconnects;
    }

    void onError(final Throwable throwable)
    {
        context.errorHandler().onError(throwable);
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    void onResendRequestServed()
    {
        resendRequestsServed++;
    }

    /**
     * A Logon's NextExpectedMsgSeqNum (789) was beyond our next sender MsgSeqNum: the counterparty saw messages
     * {@code fromSeqNum..toSeqNum - 1} that our journal does not hold (sent by a primary that died before they
     * replicated).
     */
    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    void onOutboundLostBeforeLogon(final FixSession session, final int fromSeqNum, final int toSeqNum)
    {
        lostOutboundOnLogon += toSeqNum - fromSeqNum;
        LOG.warn("{}: Logon NextExpectedMsgSeqNum(789)={} is beyond our next MsgSeqNum {}: {} outbound message(s) " +
            "{}..{} the counterparty received are not in the journal (lost in a failover); moving on to {}, a " +
            "ResendRequest for them gets a GapFill",
            session.config(), toSeqNum, fromSeqNum, toSeqNum - fromSeqNum, fromSeqNum, toSeqNum - 1, toSeqNum);
    }

    /**
     * The first Logon after activation carried no NextExpectedMsgSeqNum (789): our next sender MsgSeqNum moves from
     * {@code fromSeqNum} to {@code toSeqNum} past whatever the previous primary may have sent that we lack.
     */
    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    void onSequenceHeadroom(final FixSession session, final int fromSeqNum, final int toSeqNum)
    {
        outboundSkippedByHeadroom += toSeqNum - fromSeqNum;
        LOG.warn("{}: first Logon after activation has no NextExpectedMsgSeqNum(789): skipping outbound MsgSeqNum " +
            "{}..{} ({} = lostOutboundBound), which the previous primary may have sent without this journal " +
            "holding them; moving on to {}, a ResendRequest for them gets a GapFill",
            session.config(), fromSeqNum, toSeqNum - 1, toSeqNum - fromSeqNum, toSeqNum);
    }

    void logReason(final FixSession session, final CharSequence reason)
    {
        if (LOG.isInfoEnabled())
        {
            LOG.info("{}: logout: {}", session.config(), reason);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    int doWork()
    {
        nowNs = context.nanoClock().nanoTime();
        nowMs = context.epochClock().time();
        int work = 0;
        try
        {
            work += selector.selectNow(onReady);
        }
        catch (final IOException ex)
        {
            onError(ex);
        }
        if (disconnectAllRequests != disconnectAllServed)
        {
            disconnectAllServed = disconnectAllRequests;
            work += disconnectAll();
        }
        for (final FixSession session : sessions)
        {
            work += session.poll(nowNs);
        }
        work += role.pollUnbound(nowNs);
        work += context.application().doWork(nowNs);
        Runnable task;
        while ((task = tasks.poll()) != null)
        {
            work++;
            try
            {
                task.run();
            }
            catch (final RuntimeException ex)
            {
                onError(ex);
            }
        }
        // whoever streams this journal (a replication source on its own thread) learns of this cycle's appends now,
        // once per cycle rather than once per append
        context.journal().signalAppends();
        if (work == 0)
        {
            // BATCHED persistence: an idle cycle flushes the partial batch, so an unflushed tail is never older than
            // the time it takes traffic to pause (a no-op for BUFFERED, SYNC, or when nothing is pending); then the
            // page faults of the next appends are taken here rather than inside them (Journal.pretouch)
            syncJournalWhenIdle();
        }
        return work;
    }

    private void syncJournalWhenIdle()
    {
        try
        {
            context.journal().sync();
            context.journal().pretouch();
        }
        catch (final RuntimeException ex)
        {
            onError(ex);
        }
    }

    private int disconnectAll()
    {
        int work = 0;
        for (final FixSession session : sessions)
        {
            if (session.connection() != null)
            {
                session.disconnect("disconnect of all sessions requested");
                work++;
            }
        }
        for (int i = connections.size() - 1; i >= 0; i--)
        {
            closeConnection(connections.get(i), "disconnect of all sessions requested");
            work++;
        }
        return work;
    }

    private void onReady(final SelectionKey key)
    {
        try
        {
            final Connection connection = (Connection)key.attachment();
            if (connection == null)
            {
                // the one key without a connection: the acceptor's listening socket
                role.onAcceptable();
                return;
            }
            if (connection.closed || !key.isValid())
            {
                return;
            }
            if (key.isConnectable())
            {
                role.onConnectable(connection);
            }
            else if (key.isReadable())
            {
                read(connection);
            }
        }
        catch (final RuntimeException ex)
        {
            onError(ex);
        }
    }

    static void configure(final SocketChannel channel) throws IOException
    {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    private void read(final Connection connection)
    {
        final ByteBuffer byteBuffer = connection.inboundByteBuffer;
        byteBuffer.limit(byteBuffer.capacity()).position(connection.inboundLimit);
        final int read;
        try
        {
            read = connection.channel.read(byteBuffer);
        }
        catch (final IOException ex)
        {
            connectionLost(connection, "read failed: " + ex.getMessage());
            return;
        }
        if (read < 0)
        {
            connectionLost(connection, "closed by the counterparty");
            return;
        }
        connection.inboundLimit += read;

        int offset = 0;
        while (!connection.closed && offset < connection.inboundLimit)
        {
            final int frame = FixFraming.frame(
                connection.inbound, offset, connection.inboundLimit - offset, maxMessageLength);
            if (frame == FixFraming.NEED_MORE)
            {
                break;
            }
            if (frame < 0)
            {
                final long declared = FixFraming.declaredFrameLength(
                    connection.inbound, offset, connection.inboundLimit - offset);
                if (declared > maxMessageLength)
                {
                    onOversized(connection, offset, declared);
                }
                offset -= frame;
                garbled();
                continue;
            }
            onFrame(connection, offset, frame);
            offset += frame;
        }
        if (!connection.closed && offset > 0)
        {
            final int remaining = connection.inboundLimit - offset;
            connection.inbound.putBytes(0, connection.inbound, offset, remaining);
            connection.inboundLimit = remaining;
        }
        if (!connection.closed && connection.session == null &&
            connection.inboundLimit == connection.inboundByteBuffer.capacity())
        {
            refuse(connection, "no complete Logon within the first " + preLogonCapacity + " bytes");
        }
    }

    /**
     * A message whose BodyLength says it is longer than maxMessageLengthBytes: it cannot be held, so it cannot be
     * processed nor Rejected field by field. Before Logon the connection is closed; after, the session logs out
     * with the reason, and when it is the MsgSeqNum we expect, that number is used up (journaled), so the
     * counterparty is never asked for it again: no resend loop.
     */
    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    private void onOversized(final Connection connection, final int offset, final long declaredLength)
    {
        oversizedMessages++;
        final FixSession session = connection.session;
        final int msgSeqNum = FixFraming.headerIntValue(
            connection.inbound, offset, Math.min(connection.inboundLimit - offset, 1024), Tags.MSG_SEQ_NUM);
        final String reason = "Message " + (msgSeqNum > 0 ? "MsgSeqNum " + msgSeqNum + " " : "") + "of " +
            declaredLength + " bytes exceeds maxMessageLengthBytes " + maxMessageLength;
        if (session == null)
        {
            closeConnection(connection, reason);
            return;
        }
        LOG.warn("{}: {}: logging out", session.config(), reason);
        final SessionState state = session.state();
        if (state == SessionState.LOGGED_ON || state == SessionState.LOGOUT_SENT)
        {
            if (msgSeqNum == session.nextTargetSeqNum() && msgSeqNum < FixContext.MAX_MSG_SEQ_NUM)
            {
                session.gapFilled(msgSeqNum + 1);
            }
            session.logoutAndDisconnect(reason);
        }
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    private void garbled()
    {
        garbledMessages++;
    }

    private void onFrame(final Connection connection, final int offset, final int length)
    {
        final int status = decoder.wrap(connection.inbound, offset, length);
        if (status != FixDecoder.OK && status != FixDecoder.TOO_MANY_FIELDS)
        {
            // FIX: a garbled message (bad BodyLength, CheckSum, framing) is ignored; a resend request follows
            // naturally when the next good message shows the gap
            garbled();
            return;
        }
        final FixSession session = connection.session;
        if (session != null)
        {
            session.onInbound(decoder);
        }
        else if (status != FixDecoder.OK)
        {
            closeConnection(connection, "first message has more than " + (decoder.fieldCount()) + " fields");
        }
        else
        {
            role.onUnboundFrame(connection, decoder);
        }
    }

    /** Closes a connection that has not logged on, with a rate-limited WARN. */
    void refuse(final Connection connection, final String reason)
    {
        if (refusalLog.tryAcquire(nowNs))
        {
            LOG.warn("FIX connection {} refused: {} ({} similar suppressed)", connection.remote, reason,
                refusalLog.takeSuppressed());
        }
        closeConnection(connection, reason);
    }

    /** A session's counterparty does not drain its socket: a rate-limited WARN (the session is then disconnected). */
    void onSlowConsumer(final FixSession session, final String reason)
    {
        if (slowConsumerLog.tryAcquire(nowNs))
        {
            LOG.warn("{}: slow consumer: {} ({} similar suppressed)", session.config(), reason,
                slowConsumerLog.takeSuppressed());
        }
    }

    private void connectionLost(final Connection connection, final String reason)
    {
        if (connection.session != null)
        {
            connection.session.disconnect(reason);
        }
        else
        {
            closeConnection(connection, reason);
            role.onUnboundConnectionLost(connection, reason);
        }
    }

    /** Closes the socket; the session (if any) has already released the connection. */
    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    void closeConnection(final Connection connection, final String reason)
    {
        if (connection.closed)
        {
            return;
        }
        connection.closed = true;
        lastCloseReason = reason;
        connection.key.cancel();
        CloseHelper.quietClose(connection.channel);
        if (!closing)
        {
            // the peer sees the close now, not when this thread next blocks in its idle strategy's select (close()
            // releases every socket it closes at once, at its end)
            context.idleWaker().releaseClosedChannels();
        }
        connections.remove(connection);
        disconnects++;
        if (connection.session != null || connectionLog.tryAcquire(nowNs))
        {
            LOG.info("FIX connection {} closed: {}", connection.remote, reason);
        }
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    void onLoggedOn(final FixSession session)
    {
        logons++;
        LOG.info("{} logged on", session.config());
        role.onLoggedOn(session);
    }

    void onSessionDisconnected(final FixSession session, final Connection connection, final boolean wasLoggedOn)
    {
        role.onSessionDisconnected(session, wasLoggedOn, lastCloseReason);
    }

    void close()
    {
        closing = true;
        // the listening port first, and every socket whatever the sessions' goodbyes run into (on a full disk a
        // journal append faults with an InternalError): a closed engine must never keep its port open
        role.close();
        Throwable failure = null;
        for (final FixSession session : sessions)
        {
            try
            {
                session.disconnect("engine closed");
            }
            catch (final Throwable ex)
            {
                failure = firstOf(failure, ex);
            }
        }
        for (int i = connections.size() - 1; i >= 0; i--)
        {
            try
            {
                closeConnection(connections.get(i), "engine closed");
            }
            catch (final Throwable ex)
            {
                failure = firstOf(failure, ex);
            }
        }
        CloseHelper.quietClose(selector);
        // the listening port is free when close returns (a switchover binds it again at once), not when the thread
        // that ran this engine, under SHARED still running other agents, next blocks in its idle strategy's select
        context.idleWaker().releaseClosedChannels();
        if (failure != null)
        {
            LangUtil.rethrowUnchecked(failure);
        }
    }

    private static Throwable firstOf(final Throwable first, final Throwable next)
    {
        if (first == null)
        {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
