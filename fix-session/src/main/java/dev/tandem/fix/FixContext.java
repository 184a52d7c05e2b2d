package dev.tandem.fix;

import dev.tandem.journal.Journal;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.journal.config.ConfigTable;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of a {@link FixAcceptor} or a {@link FixInitiator}: fluent setters, then {@link #conclude()} (called
 * by {@code create}) fills in defaults and validates, failing with the key, the bad value and what would be valid.
 * <p>
 * Not thread safe: configure on one thread, then hand it to {@code create}.
 */
public final class FixContext
{
    /** Loopback unless told otherwise: exposing a FIX port is a decision, not a default. */
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    /** 64 KiB: the journal's default maximum entry; larger FIX messages are rare outside of market data. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH_BYTES = 64 * 1024;
    /** 1 MiB per session of queued outbound bytes before sends are back-pressured: thousands of orders. */
    public static final int DEFAULT_OUTBOUND_BUFFER_BYTES = 1024 * 1024;
    /** 256 KiB per session of out-of-sequence inbound messages held while a gap is being filled. */
    public static final int DEFAULT_INBOUND_QUEUE_BYTES = 256 * 1024;
    /** 120 s, as QuickFIX's MaxLatency: tolerates clock skew, catches stale replays. */
    public static final long DEFAULT_SENDING_TIME_TOLERANCE_MS = 120_000;
    /** 10 s to receive a Logon on a new connection (or a Logon reply) before closing it. */
    public static final long DEFAULT_LOGON_TIMEOUT_MS = 10_000;
    /** 2 s to wait for the counterparty's Logout (or for queued bytes to drain) before closing. */
    public static final long DEFAULT_LOGOUT_TIMEOUT_MS = 2_000;
    /** 10 s of a full outbound buffer that the socket does not drain before a slow consumer is disconnected. */
    public static final long DEFAULT_SLOW_CONSUMER_TIMEOUT_MS = 10_000;
    /** 5 s for an initiator's TCP connect. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
    /**
     * Acceptor: 64 connections may wait for their Logon at once (a few KiB each); when full, the oldest is closed to
     * make room, so a flood of idle connections can neither exhaust memory nor keep a counterparty out.
     */
    public static final int DEFAULT_MAX_PENDING_CONNECTIONS = 64;
    /** Acceptor: 8 connections per remote host may wait for their Logon; beyond, that host's oldest is closed. */
    public static final int DEFAULT_MAX_PENDING_PER_ADDRESS = 8;
    /**
     * The largest MsgSeqNum (and BeginSeqNo, EndSeqNo, NewSeqNo, NextExpectedMsgSeqNum) accepted from a
     * counterparty: 2^31 - 2, so that {@code seqNum + 1} never overflows an int.
     */
    public static final int MAX_MSG_SEQ_NUM = Integer.MAX_VALUE - 1;
    /**
     * 0: without a loss bound a newly activated acceptor adds no sequence headroom (right for WaitForever, which
     * never releases a message the replica lacks).
     */
    public static final int DEFAULT_LOST_OUTBOUND_BOUND = 0;
    /**
     * 1,000,000: the most a Logon's NextExpectedMsgSeqNum (789) may be beyond our next sender MsgSeqNum. A failover
     * loses at most a loss window of thousands of messages; a larger 789 is a faulty or hostile peer (and would
     * make the session skip numbers it never sent), so it gets a Logout.
     */
    public static final int DEFAULT_MAX_OUTBOUND_SKIP_ON_LOGON = 1_000_000;

    /**
     * The YAML keys of an engine, one per fluent setter with the setter's name, {@code sessions} a list of
     * {@link SessionConfig#CONFIG} maps. The journal, release gate, application, listener, clocks, idle strategy and
     * error handler are instances, given in code.
     */
    public static final ConfigTable<FixContext> CONFIG = new ConfigTable<FixContext>("fix")
        .text("bindAddress", FixContext::bindAddress)
        .intValue("port", FixContext::port)
        .list("sessions", SessionConfig.CONFIG, SessionConfig::new, FixContext::sessions)
        .bool("logonsEnabled", FixContext::logonsEnabled)
        .intValue("maxMessageLengthBytes", FixContext::maxMessageLengthBytes)
        .intValue("outboundBufferBytes", FixContext::outboundBufferBytes)
        .intValue("inboundQueueBytes", FixContext::inboundQueueBytes)
        .longValue("sendingTimeToleranceMs", FixContext::sendingTimeToleranceMs)
        .longValue("logonTimeoutMs", FixContext::logonTimeoutMs)
        .longValue("logoutTimeoutMs", FixContext::logoutTimeoutMs)
        .longValue("slowConsumerTimeoutMs", FixContext::slowConsumerTimeoutMs)
        .longValue("connectTimeoutMs", FixContext::connectTimeoutMs)
        .intValue("maxPendingConnections", FixContext::maxPendingConnections)
        .intValue("maxPendingPerAddress", FixContext::maxPendingPerAddress)
        .text("agentName", FixContext::agentName)
        .intValue("lostOutboundBound", FixContext::lostOutboundBound)
        .intValue("maxOutboundSkipOnLogon", FixContext::maxOutboundSkipOnLogon);

    private String bindAddress = DEFAULT_BIND_ADDRESS;
    private int port = -1;
    private final List<SessionConfig> sessions = new ArrayList<>();
    private Journal journal;
    private ReleaseGate releaseGate = ReleaseGate.OPEN;
    private dev.tandem.journal.idle.IdleWaker idleWaker = new dev.tandem.journal.idle.IdleWaker();
    private FixApplication application;
    private InitiatorListener initiatorListener = new InitiatorListener()
    {
    };
    private EpochClock epochClock = SystemEpochClock.INSTANCE;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private IdleStrategy idleStrategy;
    private java.nio.channels.ServerSocketChannel serverChannel;
    private SessionMemory sessionMemory;
    /** Whether {@link #idleStrategy} is the default made here, closed with the runner that used it. */
    private boolean ownsIdleStrategy;
    private ErrorHandler errorHandler;
    private boolean logonsEnabled = true;
    private int maxMessageLengthBytes = DEFAULT_MAX_MESSAGE_LENGTH_BYTES;
    private int outboundBufferBytes = DEFAULT_OUTBOUND_BUFFER_BYTES;
    private int inboundQueueBytes = DEFAULT_INBOUND_QUEUE_BYTES;
    private long sendingTimeToleranceMs = DEFAULT_SENDING_TIME_TOLERANCE_MS;
    private long logonTimeoutMs = DEFAULT_LOGON_TIMEOUT_MS;
    private long logoutTimeoutMs = DEFAULT_LOGOUT_TIMEOUT_MS;
    private long slowConsumerTimeoutMs = DEFAULT_SLOW_CONSUMER_TIMEOUT_MS;
    private long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
    private int maxPendingConnections = DEFAULT_MAX_PENDING_CONNECTIONS;
    private int maxPendingPerAddress = DEFAULT_MAX_PENDING_PER_ADDRESS;
    private String agentName = "fix";
    private int lostOutboundBound = DEFAULT_LOST_OUTBOUND_BOUND;
    private int maxOutboundSkipOnLogon = DEFAULT_MAX_OUTBOUND_SKIP_ON_LOGON;

    /**
     * Acceptor: the most outbound messages per session that the previous primary may have released (sent to the
     * counterparty) without this journal holding them, i.e. the replication loss window; 0 (the default) means
     * none can have been lost (WaitForever, or a restart on the node's own journal).
     * <p>
     * When it is positive, each session's first accepted Logon without NextExpectedMsgSeqNum (789) and without a
     * reset moves our next sender MsgSeqNum up by this many (sequence headroom), journaled as a sequence change, so
     * the counterparty sees an ordinary gap (answered by a SequenceReset-GapFill) instead of a MsgSeqNum lower than
     * it expects. Applied once per session per acceptor (an acceptor is created once per activation). A Logon with
     * 789 takes the exact path instead. The application hears of every skip through
     * {@link FixApplication#onOutboundSkipped(FixSession, int, int)}.
     */
    public FixContext lostOutboundBound(final int lostOutboundBound)
    {
        this.lostOutboundBound = lostOutboundBound;
        return this;
    }

    public int lostOutboundBound()
    {
        return lostOutboundBound;
    }

    /**
     * Acceptor: the most a Logon's NextExpectedMsgSeqNum (789) may be beyond our next sender MsgSeqNum; a Logon
     * beyond it gets a Logout with the reason. Default {@value #DEFAULT_MAX_OUTBOUND_SKIP_ON_LOGON}; never below
     * {@link #lostOutboundBound()}.
     */
    public FixContext maxOutboundSkipOnLogon(final int maxOutboundSkipOnLogon)
    {
        this.maxOutboundSkipOnLogon = maxOutboundSkipOnLogon;
        return this;
    }

    public int maxOutboundSkipOnLogon()
    {
        return maxOutboundSkipOnLogon;
    }

    /** Acceptor: the address to listen on (default {@value #DEFAULT_BIND_ADDRESS}). */
    public FixContext bindAddress(final String bindAddress)
    {
        this.bindAddress = bindAddress;
        return this;
    }

    public String bindAddress()
    {
        return bindAddress;
    }

    /** Acceptor: the port to listen on; 0 picks a free port, read it with {@link FixAcceptor#boundPort()}. */
    public FixContext port(final int port)
    {
        this.port = port;
        return this;
    }

    /**
     * An acceptor's listening socket, already bound, to take over instead of binding {@link #bindAddress()} and
     * {@link #port()} (null, the default: bind them). Connections waiting in its backlog are accepted as soon as the
     * acceptor runs; the acceptor owns and closes it from then on. A node hands over its Warm standby's socket this
     * way, so a counterparty that dials while the node activates waits instead of being reset.
     */
    public FixContext serverChannel(final java.nio.channels.ServerSocketChannel serverChannel)
    {
        this.serverChannel = serverChannel;
        return this;
    }

    public java.nio.channels.ServerSocketChannel serverChannel()
    {
        return serverChannel;
    }

    /**
     * Memory allocated ahead for the sessions of the engine created from this context (null, the default: the engine
     * allocates its own). Taken if it is still free and sized for this context's settings; see {@link SessionMemory}.
     */
    public FixContext sessionMemory(final SessionMemory sessionMemory)
    {
        this.sessionMemory = sessionMemory;
        return this;
    }

    public SessionMemory sessionMemory()
    {
        return sessionMemory;
    }

    public int port()
    {
        return port;
    }

    /** Adds a session: an acceptor serves all it is given, an initiator exactly one. */
    public FixContext addSession(final SessionConfig session)
    {
        sessions.add(session);
        return this;
    }

    public FixContext sessions(final List<SessionConfig> sessions)
    {
        this.sessions.clear();
        this.sessions.addAll(sessions);
        return this;
    }

    public List<SessionConfig> sessions()
    {
        return sessions;
    }

    /** Where every message and sequence change is journaled, and what sequence numbers are recovered from. */
    public FixContext journal(final Journal journal)
    {
        this.journal = journal;
        return this;
    }

    public Journal journal()
    {
        return journal;
    }

    /** Decides when a journaled outbound message may reach the socket (default {@link ReleaseGate#OPEN}). */
    public FixContext releaseGate(final ReleaseGate releaseGate)
    {
        this.releaseGate = releaseGate;
        return this;
    }

    public ReleaseGate releaseGate()
    {
        return releaseGate;
    }

    /**
     * The engine's handle on its thread's idle strategy (default: a waker nobody binds, which does nothing): the
     * engine watches its server and connection channels with it, and whoever hands it work from another thread (an
     * acknowledgement for the release gate, an application's send) calls {@link #idleWaker()}{@code .wakeup()}. The
     * host that runs the engine binds it (see {@link dev.tandem.journal.idle.IoIdleStrategy}).
     */
    public FixContext idleWaker(final dev.tandem.journal.idle.IdleWaker idleWaker)
    {
        this.idleWaker = idleWaker;
        return this;
    }

    public dev.tandem.journal.idle.IdleWaker idleWaker()
    {
        return idleWaker;
    }

    public FixContext application(final FixApplication application)
    {
        this.application = application;
        return this;
    }

    public FixApplication application()
    {
        return application;
    }

    /** Initiator: receives logon-completed, connection-failed and disconnected events. */
    public FixContext initiatorListener(final InitiatorListener initiatorListener)
    {
        this.initiatorListener = initiatorListener;
        return this;
    }

    public InitiatorListener initiatorListener()
    {
        return initiatorListener;
    }

    /** Wall clock for SendingTime and its checks. */
    public FixContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    public EpochClock epochClock()
    {
        return epochClock;
    }

    /** Monotonic clock for heartbeats, timeouts and the release gate. */
    public FixContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * Idle strategy of the convenience {@code start()} runner (default: a {@link dev.tandem.journal.idle.IoIdleStrategy}
     * that spins, yields, then blocks until a socket of the engine is ready, a waker calls, or 1 ms passes).
     */
    public FixContext idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * The convenience {@code start()} runner: binds {@link #idleWaker()} to {@link #idleStrategy()} and starts
     * {@code agent} on a new thread.
     */
    org.agrona.concurrent.AgentRunner startRunner(final org.agrona.concurrent.Agent agent)
    {
        idleWaker.bind(idleStrategy);
        final org.agrona.concurrent.AgentRunner runner =
            new org.agrona.concurrent.AgentRunner(idleStrategy, errorHandler, null, agent);
        org.agrona.concurrent.AgentRunner.startOnThread(runner);
        return runner;
    }

    /** Stops a runner of {@link #startRunner}, waking it first, and closes the idle strategy if it was the default. */
    void closeRunner(final org.agrona.concurrent.AgentRunner runner)
    {
        idleWaker.wakeup();
        runner.close();
        if (ownsIdleStrategy && idleStrategy instanceof dev.tandem.journal.idle.IoIdleStrategy)
        {
            ((dev.tandem.journal.idle.IoIdleStrategy)idleStrategy).close();
        }
    }

    /** Receives unexpected errors (default: logged through SLF4J). */
    public FixContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /** Acceptor: whether Logons are accepted from the start (false for a Warm standby). Default true. */
    public FixContext logonsEnabled(final boolean logonsEnabled)
    {
        this.logonsEnabled = logonsEnabled;
        return this;
    }

    public boolean logonsEnabled()
    {
        return logonsEnabled;
    }

    public FixContext maxMessageLengthBytes(final int maxMessageLengthBytes)
    {
        this.maxMessageLengthBytes = maxMessageLengthBytes;
        return this;
    }

    public int maxMessageLengthBytes()
    {
        return maxMessageLengthBytes;
    }

    /** Per session: bytes of outbound messages waiting for the gate or the socket before sends are refused. */
    public FixContext outboundBufferBytes(final int outboundBufferBytes)
    {
        this.outboundBufferBytes = outboundBufferBytes;
        return this;
    }

    public int outboundBufferBytes()
    {
        return outboundBufferBytes;
    }

    /** Per session: bytes of inbound messages held while a sequence gap is being filled. */
    public FixContext inboundQueueBytes(final int inboundQueueBytes)
    {
        this.inboundQueueBytes = inboundQueueBytes;
        return this;
    }

    public int inboundQueueBytes()
    {
        return inboundQueueBytes;
    }

    public FixContext sendingTimeToleranceMs(final long sendingTimeToleranceMs)
    {
        this.sendingTimeToleranceMs = sendingTimeToleranceMs;
        return this;
    }

    public long sendingTimeToleranceMs()
    {
        return sendingTimeToleranceMs;
    }

    public FixContext logonTimeoutMs(final long logonTimeoutMs)
    {
        this.logonTimeoutMs = logonTimeoutMs;
        return this;
    }

    public long logonTimeoutMs()
    {
        return logonTimeoutMs;
    }

    /**
     * Acceptor: connections allowed to wait for their Logon at once (1..65536); a new one beyond it closes the oldest
     * waiting one. Logged-on connections are bounded by the sessions and not counted.
     */
    public FixContext maxPendingConnections(final int maxPendingConnections)
    {
        this.maxPendingConnections = maxPendingConnections;
        return this;
    }

    public int maxPendingConnections()
    {
        return maxPendingConnections;
    }

    /** Acceptor: connections from one remote host allowed to wait for their Logon (1..maxPendingConnections). */
    public FixContext maxPendingPerAddress(final int maxPendingPerAddress)
    {
        this.maxPendingPerAddress = maxPendingPerAddress;
        return this;
    }

    public int maxPendingPerAddress()
    {
        return maxPendingPerAddress;
    }

    public FixContext logoutTimeoutMs(final long logoutTimeoutMs)
    {
        this.logoutTimeoutMs = logoutTimeoutMs;
        return this;
    }

    public long logoutTimeoutMs()
    {
        return logoutTimeoutMs;
    }

    /** How long the outbound buffer may stay full without the socket draining it before the connection is closed. */
    public FixContext slowConsumerTimeoutMs(final long slowConsumerTimeoutMs)
    {
        this.slowConsumerTimeoutMs = slowConsumerTimeoutMs;
        return this;
    }

    public long slowConsumerTimeoutMs()
    {
        return slowConsumerTimeoutMs;
    }

    public FixContext connectTimeoutMs(final long connectTimeoutMs)
    {
        this.connectTimeoutMs = connectTimeoutMs;
        return this;
    }

    public long connectTimeoutMs()
    {
        return connectTimeoutMs;
    }

    /** Name of the agent and of the convenience runner's thread. */
    public FixContext agentName(final String agentName)
    {
        this.agentName = agentName;
        return this;
    }

    public String agentName()
    {
        return agentName;
    }

    /**
     * Fills in defaults and validates.
     *
     * @param acceptor true for an acceptor (port and at least one session), false for an initiator (one session).
     * @throws IllegalArgumentException naming the key, the bad value and what would be valid.
     */
    public FixContext conclude(final boolean acceptor)
    {
        if (acceptor)
        {
            if (port < 0 || port > 65535)
            {
                throw new IllegalArgumentException("port=" + port + ": must be within 0..65535 (0 = any free port)");
            }
            if (bindAddress == null || bindAddress.isEmpty())
            {
                throw new IllegalArgumentException("bindAddress=" + bindAddress + ": must be a host name or address");
            }
            if (sessions.isEmpty())
            {
                throw new IllegalArgumentException("sessions=[]: an acceptor needs at least one session");
            }
        }
        else if (sessions.size() != 1)
        {
            throw new IllegalArgumentException(
                "sessions=" + sessions + ": an initiator takes exactly one session");
        }
        final java.util.Set<Long> ids = new java.util.HashSet<>();
        for (final SessionConfig session : sessions)
        {
            session.conclude();
            if (!ids.add(session.sessionId()))
            {
                throw new IllegalArgumentException("sessions: " + session + " is configured twice");
            }
        }
        if (journal == null)
        {
            throw new IllegalArgumentException("journal=null: a Journal is required");
        }
        if (application == null)
        {
            throw new IllegalArgumentException("application=null: a FixApplication is required");
        }
        if (idleWaker == null)
        {
            throw new IllegalArgumentException("idleWaker=null: leave the default when nothing binds it");
        }
        if (releaseGate == null)
        {
            throw new IllegalArgumentException("releaseGate=null: use ReleaseGate.OPEN when nothing replicates");
        }
        if (initiatorListener == null)
        {
            throw new IllegalArgumentException("initiatorListener=null: give a listener or leave the default");
        }
        validateSettings();
        final int journalMax = journal.context().maxMessageLengthBytes();
        if (maxMessageLengthBytes > journalMax)
        {
            throw new IllegalArgumentException("maxMessageLengthBytes=" + maxMessageLengthBytes +
                ": must not exceed the journal's maxMessageLengthBytes=" + journalMax);
        }
        if (epochClock == null || nanoClock == null)
        {
            throw new IllegalArgumentException("epochClock/nanoClock=null: clocks are required");
        }
        if (idleStrategy == null)
        {
            idleStrategy = new dev.tandem.journal.idle.IoIdleStrategy(100, 10,
                dev.tandem.journal.idle.IoIdleStrategy.DEFAULT_MAX_BLOCK_MS);
            ownsIdleStrategy = true;
        }
        if (errorHandler == null)
        {
            errorHandler = (throwable) ->
                LoggerFactory.getLogger(FixContext.class).error("FIX engine error", throwable);
        }
        return this;
    }

    /**
     * Checks the numeric settings alone, as {@link #conclude(boolean)} does, without needing the journal, the
     * application or the sessions: lets a configuration be checked before anything is opened.
     *
     * @throws IllegalArgumentException naming the key, the bad value and what would be valid.
     */
    public FixContext validateSettings()
    {
        requireRange("maxMessageLengthBytes", maxMessageLengthBytes, 256, 16 * 1024 * 1024);
        requireRange("outboundBufferBytes", outboundBufferBytes, 4L * maxMessageLengthBytes, Integer.MAX_VALUE / 2);
        requireRange("inboundQueueBytes", inboundQueueBytes, maxMessageLengthBytes, Integer.MAX_VALUE / 2);
        requireRange("sendingTimeToleranceMs", sendingTimeToleranceMs, 1, Long.MAX_VALUE / 2_000_000);
        requireRange("logonTimeoutMs", logonTimeoutMs, 1, Long.MAX_VALUE / 2_000_000);
        requireRange("logoutTimeoutMs", logoutTimeoutMs, 1, Long.MAX_VALUE / 2_000_000);
        requireRange("slowConsumerTimeoutMs", slowConsumerTimeoutMs, 1, Long.MAX_VALUE / 2_000_000);
        requireRange("connectTimeoutMs", connectTimeoutMs, 1, Long.MAX_VALUE / 2_000_000);
        requireRange("maxPendingConnections", maxPendingConnections, 1, 65_536);
        requireRange("maxPendingPerAddress", maxPendingPerAddress, 1, maxPendingConnections);
        // far below MAX_MSG_SEQ_NUM: a skip never takes a session near the end of the seq num range
        requireRange("maxOutboundSkipOnLogon", maxOutboundSkipOnLogon, 0, MAX_MSG_SEQ_NUM / 4);
        requireRange("lostOutboundBound", lostOutboundBound, 0, maxOutboundSkipOnLogon);
        return this;
    }

    private static void requireRange(final String key, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(key + "=" + value + ": must be within " + min + ".." + max);
        }
    }
}
