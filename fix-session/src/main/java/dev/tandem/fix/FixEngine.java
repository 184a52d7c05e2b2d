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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The non-blocking NIO engine shared by {@link FixAcceptor} and {@link FixInitiator}: one selector, many
 * connections, one duty cycle that reads and frames inbound bytes, drives every session's timers, releases and
 * writes outbound bytes.
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
    private final boolean acceptor;
    private final Selector selector;
    private final FixSession[] sessions;
    private final ArrayList<Connection> connections = new ArrayList<>();
    private final FixDecoder decoder;
    private final FixDecoder queueDecoder;
    private final FixDecoder resendDecoder;
    private final int maxMessageLength;
    private final int inboundCapacity;
    private final int preLogonCapacity;
    private final LogRateLimiter acceptLog = new LogRateLimiter(1, TimeUnit.SECONDS.toNanos(10));
    private final LogRateLimiter connectionLog = new LogRateLimiter(20, TimeUnit.MINUTES.toNanos(1));
    private final LogRateLimiter refusalLog = new LogRateLimiter(20, TimeUnit.MINUTES.toNanos(1));
    private final LogRateLimiter slowConsumerLog = new LogRateLimiter(20, TimeUnit.MINUTES.toNanos(1));
    private volatile long acceptFailures;
    private volatile long evictedConnections;
    private final Consumer<SelectionKey> onReady = this::onReady;
    private final ManyToOneConcurrentLinkedQueue<Runnable> tasks = new ManyToOneConcurrentLinkedQueue<>();
    private ServerSocketChannel serverChannel;
    private SelectionKey serverKey;
    private long nowNs;
    private long nowMs;
    private String lastCloseReason = "";
    private volatile boolean logonsEnabled;
    private volatile long disconnectAllRequests;
    private long disconnectAllServed;
    private volatile long garbledMessages;
    private volatile long oversizedMessages;
    private volatile long resendRequestsServed;
    private volatile long logons;
    private volatile long lostOutboundOnLogon;
    private volatile long outboundSkippedByHeadroom;
    private volatile long disconnects;

    // initiator connect state
    private Connection connecting;
    private String connectHost;
    private int connectPort;
    private long connectDeadlineNs;

    FixEngine(final FixContext context, final boolean acceptor)
    {
        this.context = context;
        this.acceptor = acceptor;
        this.maxMessageLength = context.maxMessageLengthBytes();
        this.inboundCapacity = Math.max(2 * maxMessageLength, 128 * 1024);
        this.preLogonCapacity = Math.min(PRE_LOGON_INBOUND_BYTES, inboundCapacity);
        // every field of a message up to maxMessageLengthBytes is indexed (a field takes at least 4 bytes, "1=x" and
        // SOH), so a long repeating group is processed, not dropped; past MAX_INDEXED_FIELDS the message is Rejected
        final int maxFields = indexedFields(maxMessageLength);
        this.decoder = new FixDecoder(maxFields);
        this.queueDecoder = new FixDecoder(maxFields);
        this.resendDecoder = new FixDecoder(maxFields);
        this.logonsEnabled = context.logonsEnabled();
        this.nowNs = context.nanoClock().nanoTime();
        this.nowMs = context.epochClock().time();
        this.sessions = new FixSession[context.sessions().size()];
        for (int i = 0; i < sessions.length; i++)
        {
            sessions[i] = new FixSession(this, context.sessions().get(i), context);
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

    void bind()
    {
        try
        {
            serverChannel = ServerSocketChannel.open();
            serverChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            serverChannel.bind(new InetSocketAddress(context.bindAddress(), context.port()));
            serverChannel.configureBlocking(false);
            serverKey = serverChannel.register(selector, SelectionKey.OP_ACCEPT);
            context.idleWaker().watch(serverChannel, SelectionKey.OP_ACCEPT);
            LOG.info("FIX acceptor listening on {}", serverChannel.getLocalAddress());
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(serverChannel);
            CloseHelper.quietClose(selector);
            throw new IllegalArgumentException(
                "bindAddress=" + context.bindAddress() + ", port=" + context.port() + ": cannot listen: " + ex, ex);
        }
    }

    int boundPort()
    {
        return serverChannel == null ? -1 : serverChannel.socket().getLocalPort();
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

    void logonsEnabled(final boolean enabled)
    {
        logonsEnabled = enabled;
    }

    boolean logonsEnabled()
    {
        return logonsEnabled;
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

    long evictedConnections()
    {
        return evictedConnections;
    }

    long acceptFailures()
    {
        return acceptFailures;
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
        work += pollUnboundConnections();
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

    private int pollUnboundConnections()
    {
        int work = 0;
        if (connecting != null && nowNs - connectDeadlineNs >= 0)
        {
            final Connection connection = connecting;
            connecting = null;
            closeConnection(connection, "connect timed out");
            connectionFailed("connect timed out after " + context.connectTimeoutMs() + " ms");
            work++;
        }
        final long logonTimeoutNs = context.logonTimeoutMs() * 1_000_000L;
        for (int i = connections.size() - 1; i >= 0; i--)
        {
            final Connection connection = connections.get(i);
            if (acceptor && connection.session == null && nowNs - connection.openedNs > logonTimeoutNs)
            {
                closeConnection(connection, "no Logon within " + context.logonTimeoutMs() + " ms");
                work++;
            }
        }
        return work;
    }

    private void onReady(final SelectionKey key)
    {
        try
        {
            if (key == serverKey)
            {
                accept();
                return;
            }
            final Connection connection = (Connection)key.attachment();
            if (connection == null || connection.closed || !key.isValid())
            {
                return;
            }
            if (key.isConnectable())
            {
                finishConnect(connection);
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

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    private void accept()
    {
        // bounded per pass so a connect flood cannot starve the logged-on sessions
        for (int i = 0; i < MAX_ACCEPTS_PER_PASS; i++)
        {
            final SocketChannel channel;
            try
            {
                channel = serverChannel.accept();
            }
            catch (final IOException ex)
            {
                // e.g. too many open files: the acceptor lives on and tries again next pass
                acceptFailures++;
                if (acceptLog.tryAcquire(nowNs))
                {
                    LOG.warn("FIX acceptor: accept failed: {} ({} similar suppressed)", ex.toString(),
                        acceptLog.takeSuppressed());
                }
                return;
            }
            if (channel == null)
            {
                return;
            }
            admit(channel);
        }
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    private void admit(final SocketChannel channel)
    {
        SelectionKey key = null;
        try
        {
            final InetSocketAddress remote = (InetSocketAddress)channel.getRemoteAddress();
            if (remote == null)
            {
                CloseHelper.quietClose(channel);
                return;
            }
            final InetAddress host = remote.getAddress();
            int pending = 0;
            int sameHost = 0;
            for (int i = 0; i < connections.size(); i++)
            {
                final Connection other = connections.get(i);
                if (other.session == null)
                {
                    pending++;
                    if (host.equals(other.remoteAddress))
                    {
                        sameHost++;
                    }
                }
            }
            if (sameHost >= context.maxPendingPerAddress())
            {
                if (!closeOldestPending(host, "no Logon yet and this host has " + sameHost +
                    " connections waiting (maxPendingPerAddress)"))
                {
                    refuseAtAccept(channel, remote);
                    return;
                }
                pending--;
            }
            if (pending >= context.maxPendingConnections() && !closeOldestPending(null, "no Logon yet and " +
                pending + " connections are waiting (maxPendingConnections)"))
            {
                refuseAtAccept(channel, remote);
                return;
            }
            configure(channel);
            key = channel.register(selector, SelectionKey.OP_READ);
            context.idleWaker().watch(channel, SelectionKey.OP_READ);
            final Connection connection = new Connection(channel, key, preLogonCapacity, nowNs, remote.toString(), host);
            key.attach(connection);
            connections.add(connection);
            if (connectionLog.tryAcquire(nowNs))
            {
                LOG.info("FIX connection accepted from {} ({} similar lines suppressed)", connection.remote,
                    connectionLog.takeSuppressed());
            }
        }
        catch (final IOException | RuntimeException | OutOfMemoryError ex)
        {
            // never let one connection's failure (direct memory exhausted, a reset) kill the acceptor or leak a socket
            if (key != null)
            {
                key.cancel();
            }
            CloseHelper.quietClose(channel);
            acceptFailures++;
            if (acceptLog.tryAcquire(nowNs))
            {
                LOG.warn("FIX acceptor: connection dropped at accept: {} ({} similar suppressed)", ex.toString(),
                    acceptLog.takeSuppressed());
            }
        }
    }

    /** Every waiting slot holds a connection accepted in this same pass, not yet read: the newcomer is closed. */
    private void refuseAtAccept(final SocketChannel channel, final InetSocketAddress remote)
    {
        CloseHelper.quietClose(channel);
        evictedConnections++;
        if (refusalLog.tryAcquire(nowNs))
        {
            LOG.warn("FIX connection {} refused: every pre-Logon slot holds a connection accepted in this burst " +
                "({} similar suppressed)", remote, refusalLog.takeSuppressed());
        }
    }

    /**
     * Closes the oldest connection still waiting for its Logon (from {@code host}, or any host when null); one
     * accepted in this same pass is spared, as it has not been read yet.
     *
     * @return false when there was none to close.
     */
    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    private boolean closeOldestPending(final InetAddress host, final String reason)
    {
        Connection oldest = null;
        for (int i = 0; i < connections.size(); i++)
        {
            final Connection candidate = connections.get(i);
            if (candidate.session == null && candidate != connecting && candidate.openedNs != nowNs &&
                (host == null || host.equals(candidate.remoteAddress)) &&
                (oldest == null || candidate.openedNs - oldest.openedNs < 0))
            {
                oldest = candidate;
            }
        }
        if (oldest != null)
        {
            evictedConnections++;
            closeConnection(oldest, reason);
            return true;
        }
        return false;
    }

    private static void configure(final SocketChannel channel) throws IOException
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
        else if (acceptor)
        {
            onLogonAttempt(connection);
        }
    }

    private void onLogonAttempt(final Connection connection)
    {
        if (!decoder.isMsgType('A'))
        {
            closeConnection(connection, "first message is not a Logon");
            return;
        }
        FixSession session = null;
        for (final FixSession candidate : sessions)
        {
            final SessionConfig config = candidate.config();
            if (decoder.valueEquals(Tags.BEGIN_STRING, config.beginString()) &&
                decoder.valueEquals(Tags.SENDER_COMP_ID, config.targetCompId()) &&
                decoder.valueEquals(Tags.TARGET_COMP_ID, config.senderCompId()))
            {
                session = candidate;
                break;
            }
        }
        if (session == null)
        {
            if (refusalLog.tryAcquire(nowNs))
            {
                LOG.warn("FIX connection {} refused: Logon for an unknown session (BeginString {}, SenderCompID {}, " +
                    "TargetCompID {}) ({} similar suppressed)", connection.remote,
                    decoder.stringValue(Tags.BEGIN_STRING), decoder.stringValue(Tags.SENDER_COMP_ID),
                    decoder.stringValue(Tags.TARGET_COMP_ID), refusalLog.takeSuppressed());
            }
            closeConnection(connection, "Logon for an unknown session");
            return;
        }
        if (!logonsEnabled)
        {
            closeConnection(connection, "Logon refused: logons are disabled on this node");
            return;
        }
        if (session.connection() != null)
        {
            closeConnection(connection, "Logon refused: " + session.config() + " is already logged on");
            return;
        }
        try
        {
            // the full inbound buffer only now: before Logon a connection holds a few KiB
            connection.growInbound(inboundCapacity);
        }
        catch (final OutOfMemoryError ex)
        {
            refuse(connection, "Logon refused: no memory for the session's inbound buffer: " + ex.getMessage());
            return;
        }
        session.logon.acceptLogon(connection, decoder);
    }

    /** Closes a connection that has not logged on, with a rate-limited WARN. */
    private void refuse(final Connection connection, final String reason)
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
            if (connection == connecting)
            {
                connecting = null;
                connectionFailed(reason);
            }
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
        if (!acceptor)
        {
            context.initiatorListener().onLogonCompleted(session, connectHost, connectPort);
        }
    }

    void onSessionDisconnected(final FixSession session, final Connection connection, final boolean wasLoggedOn)
    {
        if (!acceptor)
        {
            if (wasLoggedOn)
            {
                context.initiatorListener().onDisconnected(session, connectHost, connectPort);
            }
            else
            {
                connectionFailed(lastCloseReason);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Initiator connects
    // ---------------------------------------------------------------------------------------------------------------

    void connect(final String host, final int port)
    {
        final FixSession session = sessions[0];
        if (connecting != null || session.connection() != null)
        {
            context.initiatorListener().onConnectionFailed(host, port, "already connected or connecting");
            return;
        }
        connectHost = host;
        connectPort = port;
        SocketChannel channel = null;
        try
        {
            channel = SocketChannel.open();
            configure(channel);
            final boolean connected = channel.connect(new InetSocketAddress(host, port));
            final SelectionKey key = channel.register(
                selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
            context.idleWaker().watch(channel, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
            final Connection connection = new Connection(
                channel, key, inboundCapacity, nowNs, host + ":" + port, null);
            key.attach(connection);
            connections.add(connection);
            if (connected)
            {
                session.logon.initiatorConnected(connection);
            }
            else
            {
                connecting = connection;
                connectDeadlineNs = nowNs + context.connectTimeoutMs() * 1_000_000L;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(channel);
            context.initiatorListener().onConnectionFailed(host, port, String.valueOf(ex));
        }
    }

    private void finishConnect(final Connection connection)
    {
        try
        {
            if (!connection.channel.finishConnect())
            {
                return;
            }
        }
        catch (final IOException ex)
        {
            connecting = null;
            closeConnection(connection, "connect failed: " + ex.getMessage());
            connectionFailed("connect failed: " + ex.getMessage());
            return;
        }
        connecting = null;
        connection.key.interestOps(SelectionKey.OP_READ);
        context.idleWaker().watch(connection.channel, SelectionKey.OP_READ);
        LOG.info("FIX initiator connected to {}", connection.remote);
        sessions[0].logon.initiatorConnected(connection);
    }

    private void connectionFailed(final String reason)
    {
        LOG.info("FIX connect to {}:{} failed: {}", connectHost, connectPort, reason);
        context.initiatorListener().onConnectionFailed(connectHost, connectPort, reason);
    }

    boolean isConnecting()
    {
        return connecting != null;
    }

    void close()
    {
        // the listening port first, and every socket whatever the sessions' goodbyes run into (on a full disk a
        // journal append faults with an InternalError): a closed engine must never keep its port open
        CloseHelper.quietClose(serverChannel);
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
        connecting = null;
        CloseHelper.quietClose(selector);
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
