package dev.tandem.node;

import dev.tandem.journal.config.HostPort;
import dev.tandem.journal.Journal;
import dev.tandem.journal.LogRateLimiter;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.replication.ReplicationSink;
import dev.tandem.replication.ReplicationSinkContext;
import dev.tandem.replication.ReplicationSource;
import dev.tandem.replication.ReplicationSourceContext;
import dev.tandem.replication.WaitForever;
import dev.tandem.replication.WhenLeaseExpired;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A running Tandem node: its journal, its end of replication, its FIX acceptor, its admin API and the control agent
 * that activates it or fences it.
 * <p>
 * A PRIMARY starts Hot: it streams its journal to the secondary and serves the FIX sessions, each outbound message
 * released by the configured ack strategy. A SECONDARY starts Warm: its sink copies the primary's journal, its FIX
 * port resets every connection, and its {@link ActivationMode} (or the admin API) turns it Hot: the sink stops, the
 * epoch rises and is persisted, and the FIX acceptor opens on the replicated journal with the same sequence numbers;
 * with {@code replication.listenWhenHot} it also serves replication from then on, so the old primary can rejoin as
 * its secondary. A SECONDARY whose journal the primary refuses as diverged sets the journal directory aside and
 * catches up from position 1 (or goes Stale, per {@code replication.onDivergence}, until an operator's {@link #rejoin}
 * does the same); it never merges. A Hot node that learns of a higher epoch goes Stale: it logs no one on and says
 * why; with {@code peerAdmin} it also asks its peer while Hot whether it claims Hot too ({@link DualPrimaryCheck}).
 * A node whose agent dies, whose journal fails or loses its directory, or whose journal is shorter than its replica's
 * at the same epoch fails at once ({@link NodeMode#Failed}, see {@link FailurePolicy}): never a zombie that reports
 * Hot.
 * <p>
 * Threading: {@link #launch} and {@link #close()} on one thread; the {@link NodeStatus} methods from any thread.
 * Internally: one agent thread each for replication and FIX, one control agent thread, one admin HTTP thread.
 */
public final class Node implements NodeStatus, AutoCloseable
{
    /**
     * The process exit code of a node that failed while running (an agent thread died, the journal failed or its
     * directory was lost) under {@link FailurePolicy#EXIT}: distinct from 2 (configuration) and 3 (start-up), so a
     * supervisor can tell "restart me after looking at the disk" from "fix the config".
     */
    public static final int EXIT_FAILED = 4;

    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    private final NodeConfig config;
    private final Consumer<String> events;
    private final NodeListener listener;
    private final ErrorHandler userErrorHandler;
    private final AgentHost agents;
    private final SessionHandles handles;
    private final dev.tandem.fix.FixApplication application;
    private final RecoveryHandler recoveryHandler;
    private final Correlation correlation;
    private final EpochClock epochClock = SystemEpochClock.INSTANCE;
    private final NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private volatile Journal journal;
    private volatile EpochFile epochFile;
    /**
     * How often a Warm node lets a {@link RecoverableApplication} read what was replicated since: often enough that an
     * activation has little left to read, rarely enough that the control thread stays free.
     */
    static final long REPLICATED_INTERVAL_MS = 20;
    /**
     * The most batches an application's {@code onReplicated} reads in one control duty cycle, and the longest it may
     * read for: an activation decided by the same thread waits at most that long for it.
     */
    static final int REPLICATED_BATCHES_PER_CYCLE = 64;
    static final long REPLICATED_BUDGET_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private long nextReplicatedNs;
    /** One ERROR a minute for an application whose onReplicated throws. */
    private final LogRateLimiter replicatedLog = new LogRateLimiter(1, TimeUnit.MINUTES.toNanos(1));
    /**
     * The first re-dial delay of the sink a switchover's old primary starts to follow the new primary (the configured
     * {@code reconnectBackoffMinMs} when smaller): see {@code followNewPrimary}.
     */
    static final long FOLLOW_RECONNECT_BACKOFF_MIN_MS = 1;
    /** How often the control agent compares the replica's lag with the thresholds. */
    static final long LAG_CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private final SessionLagTracker lag = new SessionLagTracker();
    /** One WARN a minute while the replica lags: the state is on /health and /metrics all along. */
    private final LogRateLimiter lagLog = new LogRateLimiter(1, TimeUnit.MINUTES.toNanos(1));
    /** An activation that cannot bind is tried again after every lease wait: one WARN in ten seconds is enough. */
    private final LogRateLimiter activationLog = new LogRateLimiter(1, TimeUnit.SECONDS.toNanos(10));
    private long nextLagCheckNs;
    private volatile String lagDegraded = "";
    private final String fixHost;

    private volatile ReplicationSource source;
    private AgentHost.Hosted sourceRunner;
    private volatile ReplicationSink sink;
    private AgentHost.Hosted sinkRunner;
    private FencingProbe fencingProbe;
    /** The fencing probes' scratch journal, opened at start-up (null without replication.connect). */
    private Journal probeJournal;
    private StandbyListener standby;
    /**
     * The FIX sessions' memory for this node's next activation, allocated on a thread of its own while Warm (null
     * until then, and once an activation took it): see {@link #reserveSessionMemory()}.
     */
    private volatile dev.tandem.fix.SessionMemory sessionMemory;
    private volatile FixEndpoint fix;
    private AdminServer admin;
    private AgentHost.Hosted controlRunner;
    /** Control thread: whether the replication peer was attached at the last look, for the listener. */
    private boolean replicationConnected;
    private int fixPort;

    private volatile NodeMode mode = NodeMode.Stopped;
    private volatile String reason = "";
    private volatile String activationRequest;
    private volatile long activationTookMs = -1;
    private volatile long activations;
    private volatile long lossBoundAtActivation;
    /** Control thread: the activation waiting for the lease this node granted to expire, null when none. */
    private String pendingActivation;
    private long activateNotBeforeNs;
    private final AtomicBoolean failed = new AtomicBoolean();
    /** Control thread: when the pending (or last) activation began, before the sink stopped. */
    private long activationBeganNs;
    /** Control thread: how the pending activation may skip the lease wait (see {@link ActivationProof}). */
    private ActivationProof pendingProof = ActivationProof.NONE;
    private final PlannedSwitchover switchover = new PlannedSwitchover(new SwitchoverHost());
    private JournalDirWatch dirWatch;
    private final java.util.concurrent.ThreadFactory threadFactory;
    /**
     * Proves this node's answers to its peer and checks the peer's; null without replication (no secret). Written
     * once by {@link #start()} before any thread that uses it starts.
     */
    private StateProof stateProof;
    /** Asks the peer while Hot whether it claims Hot too; null without peerAdmin or with peerCheckIntervalMs 0. */
    private DualPrimaryCheck dualPrimary;
    /** The divergence this node stopped on and has not set aside (see {@link #rejoin}), null when none. */
    private volatile Divergence divergence;
    /** An operator's rejoin waiting for the control thread, null when none. */
    private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<RejoinOutcome>>
        rejoinRequest = new java.util.concurrent.atomic.AtomicReference<>();

    private Node(final TandemContext context)
    {
        this.config = context.node();
        this.events = context.eventLines();
        this.listener = context.listener();
        this.userErrorHandler = context.errorHandler();
        this.application = context.application();
        this.recoveryHandler = context.recoveryHandler();
        this.correlation = context.correlation();
        this.threadFactory = context.threadFactory();
        this.handles = new SessionHandles(config.fix().sessions());
        final InetSocketAddress fixListen = HostPort.parse("fix.listen", config.fix().listen(), true);
        this.fixHost = fixListen.getHostString();
        this.fixPort = fixListen.getPort();
        JournalDirWatch.checkUsable(config.journal().dir());
        try
        {
            this.epochFile = EpochFile.open(Path.of(config.journal().dir()));
            this.journal = openJournal();
            // an activation then raises the epoch in place (one fdatasync), and an unwritable directory fails now
            epochFile.prepare();
        }
        catch (final RuntimeException ex)
        {
            throw new ConfigException("journal.dir: '" + config.journal().dir() + "': " + oneLine(ex), ex);
        }
        this.dirWatch = new JournalDirWatch(Path.of(config.journal().dir()), nanoClock.nanoTime());
        this.agents = AgentHost.create(context.threadingMode(), context.idleStrategy(), context.threadFactory(),
            "tandem-" + config.name());
    }

    /** A throwable's message, or its class and message when it has none: for one-line log and status text. */
    static String oneLine(final Throwable ex)
    {
        final String message = ex.getMessage();
        return message == null ? ex.toString() : message;
    }

    private Journal openJournal()
    {
        return Journal.open(config.journal().conclude());
    }

    /**
     * Starts a node from a config, with the application it names and the defaults of {@link TandemContext}: the
     * same as {@code Tandem.launch(new TandemContext().node(config).eventLines(events)).node()}.
     *
     * @param events receives one line per life event (ready, activated, stale), for the console.
     * @throws ConfigException when the node may not start (another primary holds the same epoch, the lock is held,
     *                         a port is taken).
     */
    public static Node launch(final NodeConfig config, final Consumer<String> events)
    {
        return Tandem.launch(new TandemContext().node(config).eventLines(events)).node();
    }

    /** Starts a node from a concluded context (see {@link Tandem#launch(TandemContext)}). */
    static Node launch(final TandemContext context)
    {
        final Node node = new Node(context);
        try
        {
            node.start();
            return node;
        }
        catch (final RuntimeException ex)
        {
            node.close();
            throw ex;
        }
    }

    private void start()
    {
        stateProof = StateProof.of(config);
        // the fencing probes' scratch journal, ready before any activation can start a probe
        probeJournal = FencingProbe.openScratch(config);
        if (config.role() == Role.PRIMARY)
        {
            startPrimary();
        }
        else
        {
            startSecondary();
        }
        lag.follow(journal, 1);
        admin = AdminServer.start(config.admin(), this, stateProof);
        // the admin server's first answer is slow (classes, the Date header's time-zone names): given now, not to
        // the first switchover or peer query, which land beside an activation
        admin.warmUp();
        dualPrimary = DualPrimaryCheck.start(config, stateProof, this, nanoClock, threadFactory,
            errorHandler("peer check"));
        controlRunner = agents.start(new NodeControlAgent(this), errorHandler("control agent"), true);
        if (config.gcAtStart())
        {
            // start-up's garbage collected now, before READY, not copied by the first young collection during a
            // Logon, an activation or a switchover (NodeConfig.gcAtStart)
            final long gcStartNs = nanoClock.nanoTime();
            System.gc();
            LOG.info("{}: collected start-up garbage in {} ms (gcAtStart)", config.name(),
                TimeUnit.NANOSECONDS.toMillis(nanoClock.nanoTime() - gcStartNs));
        }
        tell(Told.READY, null);
        events.accept("TANDEM READY node=" + config.name() + " role=" + config.role() + " mode=" + mode +
            " epoch=" + epochFile.epoch() + " fix=" + fixHost + ":" + fixPort +
            " admin=" + AdminServer.hostPort(admin.address()) +
            (source != null ? " replication=" + source.port() : "") +
            (reason.isEmpty() ? "" : " reason=\"" + reason + "\""));
    }

    private void startPrimary()
    {
        if (epochFile.epoch() == 0)
        {
            epochFile.store(1);
        }
        final PeerCheck.Result peer = startupPeerCheck();
        if (peer != null && peer.mode() == NodeMode.Hot && peer.epoch() == epochFile.epoch())
        {
            throw new ConfigException("role: two nodes claim primary at epoch " + epochFile.epoch() + ": this node (" +
                config.name() + ") and node-" + peer.nodeId() + " at peerAdmin " + config.peerAdmin() +
                "; start this one as SECONDARY, or activate only one");
        }
        if (peer != null && peer.epoch() == epochFile.epoch() && peer.position() > journal.lastPosition())
        {
            throw new ConfigException("journal.dir: '" + config.journal().dir() + "' ends at position " +
                journal.lastPosition() + " but node-" + peer.nodeId() + " at peerAdmin " + config.peerAdmin() +
                " holds positions up to " + peer.position() + " at the same epoch " + epochFile.epoch() + ": this " +
                "journal lost entries (deleted, replaced or restored from an old copy) and must not serve; activate " +
                "node-" + peer.nodeId() + ", or restore this directory from its journal");
        }
        config.activation().onPrimaryStart();
        ReleaseGate gate = ReleaseGate.OPEN;
        if (config.replication() != null && config.replication().connect() != null)
        {
            // a planned switchover makes this node follow its secondary (a sink) and may make it activate again: the
            // classes of both load now, at the lowest priority, not while counterparties wait
            ActivationPreload.startOnce();
        }
        if (config.replication() != null)
        {
            source = new ReplicationSource(
                config.replication().sourceContext(config.nodeId(), epochFile.epoch()).conclude(), journal);
            gate = source.newReleaseGate();
            sourceRunner = agents.start(source, errorHandler("replication source"), false, source.idleWaker());
        }
        if (peer != null && peer.epoch() > epochFile.epoch())
        {
            reason = "peer node-" + peer.nodeId() + " holds epoch " + peer.epoch() + " > our epoch " +
                epochFile.epoch() + ": this node is a stale primary and logs no one on";
            LOG.error(reason);
            mode = NodeMode.Stale;
            standby = new StandbyListener(fixHost, fixPort);
            fixPort = standby.port();
            return;
        }
        // a primary (re)started on its own journal lost nothing it released: no headroom
        fix = FixEndpoints.start(fixEndpointContext(gate, false, 0));
        fixPort = fix.port();
        mode = NodeMode.Hot;
    }

    /**
     * The start-up question to the peer ({@code peerAdmin}). With a replication secret it carries a nonce, and an
     * answer without a valid proof counts as no answer (WARN): nothing unauthenticated refuses this node's start or
     * makes it start Stale. Without a secret the answer is taken as it comes, as it always was.
     */
    private PeerCheck.Result startupPeerCheck()
    {
        if (stateProof == null || config.peerAdmin() == null)
        {
            return PeerCheck.query(config.peerAdmin());
        }
        final String nonce = stateProof.newNonce();
        final PeerCheck.Result peer = PeerCheck.query(config.peerAdmin(), PeerCheck.TIMEOUT_MS, nonce);
        if (peer != null && !stateProof.verify(nonce, peer))
        {
            LOG.warn("{}: the answer at peerAdmin {} (node-{} {} at epoch {}) carries {}: ignored, as if the peer " +
                "had not answered. A peer with another replication secret or clusterName, a Tandem without proofs, " +
                "or something else answering at peerAdmin", config.name(), config.peerAdmin(), peer.nodeId(),
                peer.mode(), peer.epoch(), peer.proof() == null ? "no proof" : "a wrong proof");
            return null;
        }
        return peer;
    }

    private void startSecondary()
    {
        // the first activation of this process should not wait for the class loader
        ActivationPreload.startOnce();
        reserveSessionMemory();
        startSink();
        standby = new StandbyListener(fixHost, fixPort);
        fixPort = standby.port();
        mode = NodeMode.Warm;
    }

    /**
     * Allocates, on a short-lived daemon thread, the FIX sessions' memory the next activation's acceptor takes
     * ({@link dev.tandem.fix.SessionMemory}): the first write to fresh memory is slow on a virtual machine (about
     * 3.5 ms a session at the default buffer sizes on the build machine), time an activation would otherwise spend while
     * counterparties wait. An activation that comes first allocates its own, as without this. The memory is what the
     * sessions hold once Hot (by default 1.6 MiB a session).
     */
    private void reserveSessionMemory()
    {
        final Thread thread = new Thread(new Runnable()
        {
            @Override
            public void run()
            {
                try
                {
                    sessionMemory = dev.tandem.fix.SessionMemory.allocate(
                        config.fix().applyTo(new dev.tandem.fix.FixContext()));
                }
                catch (final RuntimeException ex)
                {
                    // the activation allocates then, and says what it cannot have
                    LOG.warn("{}: cannot allocate the FIX sessions' memory ahead: {}", config.name(), oneLine(ex));
                }
            }
        }, "tandem-session-memory-" + config.name());
        thread.setDaemon(true);
        thread.start();
    }

    /** The FIX sessions' memory reserved for the next activation, null when none (yet). Any thread. */
    dev.tandem.fix.SessionMemory reservedSessionMemory()
    {
        return sessionMemory;
    }

    private void startSink()
    {
        startSink(config.replication().sinkContext(config.nodeId(), epochFile.epoch()));
    }

    private void startSink(final ReplicationSinkContext context)
    {
        sink = new ReplicationSink(context.conclude(), journal);
        sinkRunner = agents.start(sink, errorHandler("replication sink"), false, sink.idleWaker());
    }

    private FixEndpoints.Context fixEndpointContext(
        final ReleaseGate gate, final boolean activation, final int lostOutboundBound)
    {
        final FixEndpoints.Context context = new FixEndpoints.Context(config, journal, gate, fixHost, fixPort,
            epochClock, nanoClock, activation, lostOutboundBound, errorHandler("FIX engine"), application, agents,
            handles, recoveryHandler, correlation);
        final ReplicationSource current = source;
        if (current != null)
        {
            // an acknowledgement wakes the engine whose release gate it opens
            current.wakeOnAck(context.idleWaker);
        }
        return context;
    }

    /** What {@link #tell} tells the user's listener: one value per {@link NodeListener} method. */
    enum Told
    {
        READY, HOT, WARM, STALE, FAILED, DIVERGED, REPLICATION_CONNECTED, REPLICATION_LOST, REPLICATION_LAGGING,
        REPLICATION_CAUGHT_UP, AGENT_FAILED
    }

    /** {@link #tell(Told, long, String, Path, Throwable)} without the epoch, path or cause. */
    void tell(final Told told, final String why)
    {
        tell(told, 0, why, null, null);
    }

    /**
     * Calls the user's listener on this thread, handing what it throws to the user's error handler: a listener never
     * stops us. One switch, not a lambda per call site: an activation or a switchover is often the first of its
     * process to tell something, and linking a lambda there costs it a millisecond or so (see
     * {@link ActivationPreload}).
     *
     * @param epoch for {@link Told#HOT}; path for {@link Told#DIVERGED}; why is the agent's name for
     *              {@link Told#AGENT_FAILED}, with its cause.
     */
    void tell(final Told told, final long epoch, final String why, final Path path, final Throwable cause)
    {
        try
        {
            switch (told)
            {
                case READY -> listener.onReady(this);
                case HOT -> listener.onHot(this, epoch, why);
                case WARM -> listener.onWarm(this, why);
                case STALE -> listener.onStale(this, why);
                case FAILED -> listener.onFailed(this, why);
                case DIVERGED -> listener.onDiverged(this, path, why);
                case REPLICATION_CONNECTED -> listener.onReplicationConnected(this);
                case REPLICATION_LOST -> listener.onReplicationLost(this);
                case REPLICATION_LAGGING -> listener.onReplicationLagging(this, why);
                case REPLICATION_CAUGHT_UP -> listener.onReplicationCaughtUp(this);
                case AGENT_FAILED -> listener.onAgentFailed(this, why, cause);
                default -> throw new IllegalStateException("unknown: " + told);
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.error("{}: the NodeListener threw", config.name(), ex);
            userErrorHandler.onError(ex);
        }
    }

    /**
     * The error handler of one of the node's agents. Agrona's {@code AgentRunner} hands it every throwable from a
     * duty cycle and keeps the agent running, except after an {@link Error}, which it rethrows and which ends the
     * thread. What is fatal: any {@link Error} (OutOfMemoryError, StackOverflowError, the InternalError the JVM raises
     * for a SIGBUS on a mapped file of a full disk) and any failure of the journal's storage; the node then fails at
     * once (see {@link #fail}) instead of living on as a zombie that reports Hot. Anything else (a refused
     * connection, one bad message) is logged and the agent goes on.
     */
    private ErrorHandler errorHandler(final String agent)
    {
        return new AgentErrorHandler(agent);
    }

    /** See {@link #errorHandler}; a named class, as everything an activation runs (see {@link ActivationPreload}). */
    private final class AgentErrorHandler implements ErrorHandler
    {
        private final String agent;

        AgentErrorHandler(final String agent)
        {
            this.agent = agent;
        }

        @Override
        public void onError(final Throwable throwable)
        {
            final String fatal = FatalErrors.whyFatal(throwable);
            if (fatal != null)
            {
                LOG.error("{}: {} died: {}", config.name(), agent, fatal, throwable);
                tell(Told.AGENT_FAILED, 0, agent, null, throwable);
                fail(agent + " died: " + fatal);
            }
            else
            {
                LOG.error("{}: error on the {}", config.name(), agent, throwable);
            }
            userErrorHandler.onError(throwable);
        }
    }

    /**
     * Fails the node (once; any thread): it turns {@link NodeMode#Failed} at once, so {@code /health} answers 503
     * with {@code why}; one line is logged and printed ({@code TANDEM FAILED}); then, on a thread of its own (the
     * caller may be the agent that died, or one that another close would join), the FIX acceptor, the replication
     * source or sink, the standby listener and the fencing probe are closed, which closes their ports; and under
     * {@link FailurePolicy#EXIT} the process exits with {@link #EXIT_FAILED}.
     */
    void fail(final String why)
    {
        if (!failed.compareAndSet(false, true) || mode == NodeMode.Stopped)
        {
            return;
        }
        reason = "failed: " + why;
        mode = NodeMode.Failed;
        final boolean exit = config.onFailure() == FailurePolicy.EXIT;
        LOG.error("{} FAILED: {}; closing its FIX and replication ports{}", config.name(), why,
            exit ? " and exiting with " + EXIT_FAILED : ", staying up unhealthy (onFailure: STAY_UP)");
        events.accept("TANDEM FAILED node=" + config.name() + " epoch=" + epochFile.epoch() + " exit=" +
            (exit ? String.valueOf(EXIT_FAILED) : "none") + " why=\"" + why + "\"");
        tell(Told.FAILED, why);
        final Thread closer = new Thread(new Runnable()
        {
            @Override
            public void run()
            {
                closeAfterFailure(exit);
            }
        }, "tandem-failure-" + config.name());
        closer.setDaemon(!exit);
        closer.start();
    }

    /** What {@link #fail} closes, on a thread of its own. */
    private void closeAfterFailure(final boolean exit)
    {
        final FixEndpoint endpoint = fix;
        if (endpoint != null)
        {
            endpoint.refuseLogons(reason);
        }
        CloseHelper.quietClose(fencingProbe);
        FencingProbe.closeScratch(config, probeJournal);
        CloseHelper.quietClose(endpoint);
        CloseHelper.quietClose(standby);
        CloseHelper.quietClose(sourceRunner);
        CloseHelper.quietClose(sinkRunner);
        // an agent thread that died of an Error may have ended without closing its agent: close them from here
        // (idempotent), so their listening ports close whatever ended their threads
        CloseHelper.quietClose(source);
        CloseHelper.quietClose(sink);
        if (exit)
        {
            System.exit(EXIT_FAILED);
        }
    }

    /** True once the node has failed while running. */
    boolean failed()
    {
        return failed.get();
    }

    // ---- control agent's duty cycle -----------------------------------------------------------------------------

    int controlWork()
    {
        if (mode == NodeMode.Failed)
        {
            return 0;
        }
        final String lost = dirWatch == null ? null : dirWatch.check(nanoClock.nanoTime());
        if (lost != null)
        {
            fail(lost);
            return 1;
        }
        final String journalFailure = journal.failure();
        if (journalFailure != null)
        {
            fail("journal failed: " + journalFailure);
            return 1;
        }
        final String deadAgent = deadAgent();
        if (deadAgent != null)
        {
            fail(deadAgent);
            return 1;
        }
        int work = lag.poll();
        if (source != null)
        {
            lag.onAcked(source.ackedPosition());
            checkReplicaLag(System.nanoTime());
        }
        work += watchReplicationPeer();
        work += serveRejoin();
        final NodeMode current = mode;
        if (current == NodeMode.Warm)
        {
            // before warmWork, which may activate: from then on the FIX thread owns the application
            work += applicationFollowsReplica();
            work += warmWork();
        }
        else if (current == NodeMode.Hot)
        {
            work += hotWork();
        }
        return work;
    }

    /** Tells the listener when the replication peer attaches or goes. Control thread. */
    private int watchReplicationPeer()
    {
        final ReplicationSource currentSource = source;
        final ReplicationSink currentSink = sinkRunner == null ? null : sink;
        final boolean connected = currentSource != null ? currentSource.sinkAttached() :
            currentSink != null && currentSink.connected();
        if (connected == replicationConnected)
        {
            return 0;
        }
        replicationConnected = connected;
        if (connected)
        {
            tell(Told.REPLICATION_CONNECTED, null);
        }
        else
        {
            tell(Told.REPLICATION_LOST, null);
        }
        return 1;
    }

    /**
     * Compares the replica's lag with replication.lagWarnEntries and lagWarnMs every {@link #LAG_CHECK_INTERVAL_NS}:
     * beyond either the node is degraded (on /health and /metrics) and WARNs once a minute; back within both, it
     * says so once.
     */
    private void checkReplicaLag(final long nowNs)
    {
        final ReplicationSource current = source;
        if (current == null || nowNs - nextLagCheckNs < 0)
        {
            return;
        }
        nextLagCheckNs = nowNs + LAG_CHECK_INTERVAL_NS;
        final long entries = current.lagEntries();
        final long lagMs = TimeUnit.NANOSECONDS.toMillis(current.lagNs(nowNs));
        final boolean wasLagging = !lagDegraded.isEmpty();
        final ReplicationConfig replication = config.replication();
        if (entries > replication.lagWarnEntries() || lagMs > replication.lagWarnMs())
        {
            lagDegraded = "replica lags " + entries + " entries, oldest unacknowledged " + lagMs + " ms (thresholds " +
                "lagWarnEntries " + replication.lagWarnEntries() + ", lagWarnMs " + replication.lagWarnMs() + "); " +
                current.releasedUnacknowledged() + " messages released before their acknowledgement so far";
            if (lagLog.tryAcquire(nowNs))
            {
                LOG.warn("Replica lagging: {} ({} similar suppressed)", lagDegraded, lagLog.takeSuppressed());
            }
            if (!wasLagging)
            {
                final String why = lagDegraded;
                tell(Told.REPLICATION_LAGGING, why);
            }
        }
        else if (!lagDegraded.isEmpty())
        {
            lagDegraded = "";
            LOG.info("Replica back within the lag thresholds: {} entries, {} ms", entries, lagMs);
            tell(Told.REPLICATION_CAUGHT_UP, null);
        }
    }

    /** A replication agent whose thread ended without being closed, whatever ended it. Control agent only. */
    private String deadAgent()
    {
        if (sourceRunner != null && sourceRunner.threadEnded())
        {
            return "the replication source's thread ended";
        }
        if (sinkRunner != null && sinkRunner.threadEnded())
        {
            return "the replication sink's thread ended";
        }
        return null;
    }

    /** Control thread: the positions the last "not activating by itself" reason was built for. */
    private long declinedAtPosition = -1;
    private long declinedTargetPosition = -1;
    private String declinedReason;

    /**
     * True, with the reason set and a rate-limited WARN, while this node does not hold what the primary had when it
     * attached: the primary's loss window counts from that catch-up target meanwhile, so taking over by itself could
     * lose more than the announced bound. Only an operator may force it.
     */
    private boolean declineWhileCatchingUp()
    {
        if (sink.heldCatchUpTarget())
        {
            return false;
        }
        final long at = journal.lastPosition();
        final long target = sink.catchUpTargetPosition();
        if (at != declinedAtPosition || target != declinedTargetPosition)
        {
            // built when the positions change, not on every duty cycle of a wait that may last until an operator acts
            declinedAtPosition = at;
            declinedTargetPosition = target;
            declinedReason = "not activating by itself: still catching up (at position " + at + " of " + target +
                "); the admin API can force an activation";
        }
        reason = declinedReason;
        if (activationLog.tryAcquire(nanoClock.nanoTime()))
        {
            LOG.warn("{}: {} ({} similar suppressed)", config.name(), reason, activationLog.takeSuppressed());
        }
        return true;
    }

    /** While Warm, lets a {@link RecoverableApplication} read what was replicated (see its javadoc). Control thread. */
    private int applicationFollowsReplica()
    {
        if (!(application instanceof RecoverableApplication))
        {
            return 0;
        }
        final long nowNs = nanoClock.nanoTime();
        if (nowNs - nextReplicatedNs < 0)
        {
            return 0;
        }
        try
        {
            // batches until the application has caught up or the budget is spent; caught up, it is called again
            // after the interval, and what it read is not counted as work: that would hold the control thread at
            // its shortest park (a wake-up every 100 us) for as long as replicated traffic flows
            final RecoverableApplication recoverable = (RecoverableApplication)application;
            final long budgetEndNs = nowNs + REPLICATED_BUDGET_NS;
            int calls = 0;
            int read;
            do
            {
                read = recoverable.onReplicated(journal);
                calls++;
            }
            while (read > 0 && calls < REPLICATED_BATCHES_PER_CYCLE && nanoClock.nanoTime() - budgetEndNs < 0);
            nextReplicatedNs = read > 0 ? nowNs : nowNs + TimeUnit.MILLISECONDS.toNanos(REPLICATED_INTERVAL_MS);
            return read > 0 ? 1 : 0;
        }
        catch (final RuntimeException ex)
        {
            // never in the way of an activation: reported, and onActivation reads what this did not
            nextReplicatedNs = nowNs + TimeUnit.SECONDS.toNanos(1);
            if (replicatedLog.tryAcquire(nowNs))
            {
                LOG.error("{}: the application's onReplicated threw ({} similar suppressed)", config.name(),
                    replicatedLog.takeSuppressed(), ex);
            }
            userErrorHandler.onError(ex);
            return 0;
        }
    }

    private int warmWork()
    {
        if (pendingActivation != null)
        {
            return finishActivationWhenLeaseExpired();
        }
        if (sink.state() == ReplicationSink.State.DIVERGED)
        {
            onDiverged();
            return 1;
        }
        final long sourceEpoch = sink.sourceEpoch();
        if (sourceEpoch > epochFile.epoch())
        {
            epochFile.store(sourceEpoch);
        }
        if (sourceEpoch > sink.epoch())
        {
            // the next handshake announces the adopted epoch: a source at this epoch that is behind this journal
            // then knows that it, not this journal, lost entries (positions count, not only epochs)
            sink.epoch(sourceEpoch);
        }
        if (sink.handoverPosition() >= 0)
        {
            beginActivation("planned switchover: node-" + sink.sourceNodeId() + " handed over at position " +
                sink.handoverPosition() + " (epoch " + sink.handoverEpoch() + ")", ActivationProof.HANDOVER);
            return 1;
        }
        if (sink.sourceGoneNs() != Long.MIN_VALUE && config.activation().activateOnRefusal())
        {
            if (declineWhileCatchingUp())
            {
                return 0;
            }
            beginActivation(config.activation().name() + ": the primary's process is gone: " + sink.sourceGone(),
                ActivationProof.REFUSED);
            return 1;
        }
        String why = activationRequest;
        if (why == null)
        {
            final long nowMs = epochClock.time();
            final long lastNs = sink.lastReceivedNs();
            // while the replication connection is up the primary counts as heard: a pause (GC, a starved CPU) must
            // not split the brain; a dead primary's connection resets at once, a hung one's times out (heartbeat
            // timeout), and then the silence since the last bytes counts
            final long lastHeardMs = lastNs == Long.MIN_VALUE ? ActivationMode.NEVER :
                sink.connected() ? nowMs :
                nowMs - TimeUnit.NANOSECONDS.toMillis(nanoClock.nanoTime() - lastNs);
            if (config.activation().shouldActivate(nowMs, lastHeardMs))
            {
                if (declineWhileCatchingUp())
                {
                    return 0;
                }
                why = config.activation().name() + ": " + config.activation().reason();
            }
        }
        else if (!sink.heldCatchUpTarget())
        {
            LOG.warn("{}: activation forced by the operator while catching up: at position {} of {}; the entries " +
                "between were never replicated here", config.name(), journal.lastPosition(),
                sink.catchUpTargetPosition());
        }
        if (why != null)
        {
            beginActivation(why, ActivationProof.NONE);
            return 1;
        }
        return 0;
    }

    /**
     * The one way to activation, whatever asks for it (TryHeartbeat, TryLock, the admin API): first stop the sink,
     * so this node renews the primary's lease no more; then wait until the lease it granted has expired, with the
     * margin ({@link ReplicationSink#earliestActivationNs()}). From then on the old primary, on its own clock, releases
     * nothing this node may lack, even if it was only paused and wakes up now. The one exception is proof that the
     * primary can release nothing more ({@link ActivationProof}): it handed over, or its process is gone. The proof
     * is read again once the sink has stopped: a connection made in between voids a refusal.
     */
    private void beginActivation(final String why, final ActivationProof proof)
    {
        activationBeganNs = nanoClock.nanoTime();
        // stopping the sink joins its thread: from here on this thread owns the journal
        CloseHelper.quietClose(sinkRunner);
        sinkRunner = null;
        // a counterparty that dials from now on waits in the FIX port's backlog for the acceptor, not reset
        if (standby != null)
        {
            standby.hold();
        }
        final boolean proven = proof == ActivationProof.HANDOVER ? sink.handoverPosition() >= 0 :
            proof == ActivationProof.REFUSED && sink.sourceGoneNs() != Long.MIN_VALUE;
        pendingProof = proven ? proof : ActivationProof.NONE;
        activateNotBeforeNs = proven ? nanoClock.nanoTime() : sink.earliestActivationNs();
        pendingActivation = why;
        final long waitNs = activateNotBeforeNs - nanoClock.nanoTime();
        if (waitNs > 0)
        {
            reason = "activating (" + why + "): waiting " + TimeUnit.NANOSECONDS.toMillis(waitNs) +
                " ms for the lease granted to the primary to expire";
            LOG.info("{} {}", config.name(), reason);
        }
        finishActivationWhenLeaseExpired();
    }

    private int finishActivationWhenLeaseExpired()
    {
        if (nanoClock.nanoTime() - activateNotBeforeNs < 0)
        {
            return 0;
        }
        final String why = pendingActivation;
        pendingActivation = null;
        activate(why);
        return 1;
    }

    /** What the primary refused and where this journal stood: all a set-aside needs. */
    private record Divergence(long theirEpoch, String refusal, long ourLastPosition)
    {
    }

    /**
     * The primary refused this journal as diverged: it holds entries the primary never had. Never merged: either set
     * the whole directory aside and start over from position 1, or stop (Stale) for an operator, who may then set it
     * aside the same way with {@link #rejoin}.
     */
    private void onDiverged()
    {
        final String refusal = sink.lastClose();
        final long theirEpoch = Math.max(epochFile.epoch(), sink.sourceEpoch());
        CloseHelper.quietClose(sinkRunner);
        sinkRunner = null;
        final Divergence found = new Divergence(theirEpoch, refusal, journal.lastPosition());
        if (config.replication().onDivergence() == DivergencePolicy.STOP)
        {
            divergence = found;
            reason = "journal diverged from the primary's at epoch " + theirEpoch + " (our last position " +
                found.ourLastPosition() + "; " + refusal + "); replication.onDivergence: STOP, an operator must set " +
                "the journal aside (PUT /service/rejoin)";
            mode = NodeMode.Stale;
            LOG.error("{}: {}", config.name(), reason);
            events.accept("TANDEM STALE node=" + config.name() + " epoch=" + epochFile.epoch() + " why=\"" +
                reason + "\"");
            tell(Told.STALE, reason);
            return;
        }
        setAside(found, "replication.onDivergence: SET_ASIDE");
    }

    /**
     * The one way a diverged journal is set aside, whoever decided it (the policy, or an operator through
     * {@link #rejoin}): closes the journal, moves the whole directory to
     * {@code <dir>.diverged-<epoch>-<yyyyMMddHHmmss>}, writes the epoch into a fresh directory, opens a fresh journal
     * there and starts the sink, which catches up from position 1. Control thread; the sink is stopped.
     *
     * @return where the journal went, or null when it could not be moved (the node is then Stale and says why).
     */
    private Path setAside(final Divergence found, final String decidedBy)
    {
        final long theirEpoch = found.theirEpoch();
        final Path dir = Path.of(config.journal().dir()).toAbsolutePath().normalize();
        final String stamp = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC)
            .format(Instant.ofEpochMilli(epochClock.time()));
        Path aside = dir.resolveSibling(dir.getFileName() + ".diverged-" + theirEpoch + "-" + stamp);
        for (int i = 1; Files.exists(aside); i++)
        {
            aside = dir.resolveSibling(dir.getFileName() + ".diverged-" + theirEpoch + "-" + stamp + "-" + i);
        }
        lag.close();
        dirWatch = null;
        CloseHelper.quietClose(journal);
        try
        {
            Files.move(dir, aside);
            Files.createDirectories(dir);
        }
        catch (final java.io.IOException ex)
        {
            divergence = found;
            reason = "journal diverged from the primary's and could not be set aside to " + aside + ": " + ex +
                "; PUT /service/rejoin tries again";
            mode = NodeMode.Stale;
            LOG.error("{}: {}", config.name(), reason, ex);
            events.accept("TANDEM STALE node=" + config.name() + " epoch=" + theirEpoch + " why=\"" + reason + "\"");
            tell(Told.STALE, reason);
            return null;
        }
        divergence = null;
        final EpochFile fresh = EpochFile.open(dir);
        fresh.store(theirEpoch);
        epochFile = fresh;
        journal = openJournal();
        dirWatch = new JournalDirWatch(dir, nanoClock.nanoTime());
        lag.follow(journal, 1);
        final String refusal = found.refusal();
        LOG.warn("{}: journal diverged from the primary's at epoch {} ({}); our last position was {}; set aside " +
            "{} -> {} ({}); catching up from position 1 into a fresh journal",
            config.name(), theirEpoch, refusal, found.ourLastPosition(), dir, aside, decidedBy);
        events.accept("TANDEM DIVERGED node=" + config.name() + " epoch=" + theirEpoch + " ourPosition=" +
            found.ourLastPosition() + " setAside=" + aside + " dir=" + dir + " why=\"" + refusal + "\"");
        tell(Told.DIVERGED, 0, refusal, aside, null);
        startSink();
        return aside;
    }

    /**
     * Why an operator's rejoin may not run now, or null when it may: only a node left Stale by a journal its primary
     * refused as diverged (onDivergence: STOP, or a set-aside that failed). Such a node has stopped its sink, serves
     * no FIX session and no replication, and its primary has already said the journal cannot continue, so setting it
     * aside loses nothing (it stays whole on disk) and cannot make a second primary. A node Stale for a higher epoch
     * (a fenced primary) still holds its FIX acceptor and replication source and may hold the only copy of a tail:
     * turning it into a secondary is a restart with {@code role: SECONDARY}. Any thread.
     */
    private String rejoinRefusal()
    {
        final NodeMode now = mode;
        if (now == NodeMode.Hot)
        {
            return "this node is Hot: it serves the FIX sessions and its journal is the one others follow; a Hot " +
                "node never sets its journal aside (PUT /service/switchover hands the role over)";
        }
        if (now != NodeMode.Stale || divergence == null)
        {
            return "this node is " + now + " and holds no diverged journal" + (reason.isEmpty() ? "" : " (" +
                reason + ")") + ": only a node left Stale by a journal its primary refused as diverged " +
                "(replication.onDivergence: STOP) rejoins this way; a stale primary rejoins by a restart as a " +
                "SECONDARY";
        }
        return null;
    }

    /**
     * An operator's rejoin: on a node left Stale by a diverged journal, sets that journal aside exactly as
     * {@code onDivergence: SET_ASIDE} would ({@link #setAside}) and turns Warm, its sink catching up from position 1
     * from the primary at {@code replication.connect}; no restart. Refused otherwise (see {@link #rejoinRefusal}).
     * The control thread does the work; this waits for it at most {@code timeoutMs}. Any thread (the admin API's).
     */
    @Override
    public RejoinOutcome rejoin(final String by, final long timeoutMs)
    {
        final String refusal = rejoinRefusal();
        if (refusal != null)
        {
            return new RejoinOutcome("refused", false, "", refusal);
        }
        final java.util.concurrent.CompletableFuture<RejoinOutcome> answer =
            new java.util.concurrent.CompletableFuture<>();
        if (!rejoinRequest.compareAndSet(null, answer))
        {
            return new RejoinOutcome("refused", false, "", "another rejoin is under way");
        }
        answer.whenComplete(new java.util.function.BiConsumer<RejoinOutcome, Throwable>()
        {
            @Override
            public void accept(final RejoinOutcome outcome, final Throwable ex)
            {
                rejoinRequest.compareAndSet(answer, null);
            }
        });
        LOG.warn("{}: rejoin asked by {}: the diverged journal will be set aside", config.name(), by);
        try
        {
            return answer.get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            return new RejoinOutcome("unknown", false, "", "no outcome within " + timeoutMs + " ms; this node is " +
                mode + ": " + reason);
        }
        catch (final java.util.concurrent.ExecutionException ex)
        {
            return new RejoinOutcome("failed", false, "", oneLine(ex.getCause()));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return new RejoinOutcome("unknown", false, "", "interrupted while waiting; this node is " + mode);
        }
    }

    /** Serves a waiting rejoin; control thread. */
    private int serveRejoin()
    {
        final java.util.concurrent.CompletableFuture<RejoinOutcome> request = rejoinRequest.get();
        if (request == null || request.isDone())
        {
            return 0;
        }
        try
        {
            request.complete(rejoinNow());
        }
        catch (final RuntimeException ex)
        {
            request.completeExceptionally(ex);
            throw ex;
        }
        return 1;
    }

    private RejoinOutcome rejoinNow()
    {
        // asked again here: the mode may have changed since the admin thread looked, and only this thread changes it
        final String refusal = rejoinRefusal();
        if (refusal != null)
        {
            return new RejoinOutcome("refused", false, "", refusal);
        }
        final Path aside = setAside(divergence, "an operator's PUT /service/rejoin");
        if (aside == null)
        {
            return new RejoinOutcome("failed", false, "", reason);
        }
        reason = "rejoined on an operator's request: the diverged journal was set aside to " + aside +
            "; catching up from position 1 from " + config.replication().connect();
        mode = NodeMode.Warm;
        LOG.warn("{} is Warm at epoch {}: {}", config.name(), epochFile.epoch(), reason);
        events.accept("TANDEM WARM node=" + config.name() + " epoch=" + epochFile.epoch() + " position=" +
            journal.lastPosition() + " why=\"" + reason + "\"");
        final String why = reason;
        tell(Told.WARM, why);
        return new RejoinOutcome("rejoined", true, aside.toString(), why);
    }

    private void activate(final String why)
    {
        final long startNs = nanoClock.nanoTime();
        // beginActivation stopped the sink: this thread owns the journal
        CloseHelper.quietClose(sinkRunner);
        sinkRunner = null;
        // where this node takes over: the replica's last entry, read before the FIX acceptor can append to it
        final long takeOverPosition = journal.lastPosition();
        // what the old primary may have released without us: the sequence headroom to skip on a Logon without 789;
        // nothing after a handover (the old primary released nothing we lack)
        lossBoundAtActivation = pendingProof == ActivationProof.HANDOVER ? 0 : sink.lossBoundEntries();
        pendingProof = ActivationProof.NONE;
        final long newEpoch = Math.max(epochFile.epoch(), sink.sourceEpoch()) + 1;
        // bind the onward replication port before anything irreversible: a port that cannot be had leaves this node
        // Warm at its old epoch (the sink restarted, the activation tried again later), never a raised epoch that
        // fences a primary which may still be alive while this node cannot serve
        ReplicationSourceContext hotContext = null;
        java.nio.channels.ServerSocketChannel replicationChannel = null;
        // a PRIMARY that turned Warm by a switchover serves again where it always does (replication.listen)
        final boolean serves = config.role() == Role.PRIMARY || config.replication().listenWhenHot() != null;
        if (serves)
        {
            try
            {
                hotContext = (config.role() == Role.PRIMARY ?
                    config.replication().sourceContext(config.nodeId(), newEpoch) :
                    config.replication().hotSourceContext(config.nodeId(), newEpoch)).conclude();
                replicationChannel = ReplicationSource.bind(hotContext);
            }
            catch (final RuntimeException ex)
            {
                reason = "activation failed, still Warm at epoch " + epochFile.epoch() + ": " + ex.getMessage();
                if (activationLog.tryAcquire(nanoClock.nanoTime()))
                {
                    LOG.warn("{}: {} ({} similar suppressed)", config.name(), reason, activationLog.takeSuppressed());
                }
                events.accept("TANDEM WARM node=" + config.name() + " epoch=" + epochFile.epoch() + " why=\"" +
                    reason + "\"");
                tell(Told.WARM, reason);
                if (standby != null)
                {
                    standby.resume();
                }
                startSink();
                return;
            }
        }
        final long sourceReadyNs = nanoClock.nanoTime();
        // the port is ours: the new epoch is forced to disk on a thread of its own while the onward source and the
        // acceptor are made ready (the source on the bound socket, the application's activation, the acceptor):
        // nothing serves at the new epoch, no agent starts, until it is durable
        final EpochWrite epochWrite = new EpochWrite(epochFile, newEpoch, config.name(), nanoClock);
        ReplicationSource hotSource = null;
        // the FIX port is not closed and bound again: the acceptor takes the standby's socket, backlog and all
        // (without a standby, one that could not hold the port, the acceptor binds it itself)
        final java.nio.channels.ServerSocketChannel fixChannel = standby == null ? null : standby.handOver();
        standby = null;
        long fixStartNs = sourceReadyNs;
        long applicationActivationNs = 0;
        FixEndpoints.Prepared prepared = null;
        try
        {
            ReleaseGate gate = ReleaseGate.OPEN;
            if (hotContext != null)
            {
                hotSource = new ReplicationSource(hotContext.serverChannel(replicationChannel), journal);
                // replicate onward: the old primary can rejoin as this node's secondary
                gate = hotSource.newReleaseGate();
                source = hotSource;
            }
            final FixEndpoints.Context fixContext = fixEndpointContext(gate, true,
                Math.toIntExact(lossBoundAtActivation)).serverChannel(fixChannel).sessionMemory(sessionMemory);
            // taken by this acceptor, or not the right size for it (an engine allocates its own then): spent either way
            sessionMemory = null;
            fixStartNs = nanoClock.nanoTime();
            prepared = FixEndpoints.prepare(fixContext);
            applicationActivationNs = fixContext.applicationActivationNs();
            epochWrite.await();
            if (hotSource != null)
            {
                sourceRunner = agents.start(hotSource, errorHandler("replication source"), false,
                    hotSource.idleWaker());
            }
            fix = FixEndpoints.start(prepared);
        }
        catch (final RuntimeException ex)
        {
            // whatever failed, the epoch may be on disk: wait for the write before saying what this node is
            final String written = epochWrite.awaitQuietly();
            if (prepared != null && fix == null)
            {
                prepared.close();
            }
            CloseHelper.quietClose(fixChannel);
            // the sink is gone and the epoch raised: this node cannot go back to Warm, and must not serve half-way
            CloseHelper.quietClose(sourceRunner);
            if (sourceRunner == null)
            {
                CloseHelper.quietClose(hotSource);
            }
            if (hotSource == null)
            {
                // bound, and never taken over by a source
                CloseHelper.quietClose(replicationChannel);
            }
            sourceRunner = null;
            source = null;
            reason = "activation failed: " + ex.getMessage() + (written == null ? "" : "; " + written);
            mode = NodeMode.Stale;
            LOG.error("{} could not turn Hot", config.name(), ex);
            events.accept("TANDEM STALE node=" + config.name() + " epoch=" + newEpoch + " why=\"" + reason + "\"");
            tell(Told.STALE, reason);
            return;
        }
        if (failed.get())
        {
            return;
        }
        // the reason first: whoever sees Hot (both volatile) sees why, never the activation's empty reason
        reason = "activated: " + why;
        mode = NodeMode.Hot;
        activations++;
        final long hotNs = nanoClock.nanoTime();
        activationTookMs = TimeUnit.NANOSECONDS.toMillis(hotNs - startNs);
        // where the activation's time went, in microseconds, for the switchover and failover harnesses
        // (epochUs: what the epoch's write added after the acceptor was ready; acceptorUs: creating and starting it)
        final String steps = "sinkAndLeaseUs=" + micros(startNs - activationBeganNs) +
            " sourceUs=" + micros(sourceReadyNs - startNs) + " startUs=" + micros(fixStartNs - sourceReadyNs) +
            " applicationUs=" + micros(applicationActivationNs) + " epochUs=" + micros(epochWrite.tookNs()) +
            " epochWaitUs=" + micros(epochWrite.waitedNs()) +
            " acceptorUs=" + micros(hotNs - fixStartNs - applicationActivationNs - epochWrite.waitedNs());
        LOG.warn("{} is Hot at epoch {} ({}); took over at journal position {}, took {} ms; the old primary may " +
            "have released up to {} journal entries this node lacks", config.name(), newEpoch, why, takeOverPosition,
            activationTookMs, lossBoundAtActivation);
        events.accept("TANDEM HOT node=" + config.name() + " epoch=" + newEpoch + " position=" + takeOverPosition +
            " tookMs=" + activationTookMs +
            (source != null ? " replication=" + source.port() : "") + " steps=\"" + steps + "\" why=\"" + why + "\"");
        tell(Told.HOT, newEpoch, why, null, null);
        fencingProbe = FencingProbe.start(config, newEpoch, probeJournal, errorHandler("fencing probe"));
    }

    private static long micros(final long ns)
    {
        return TimeUnit.NANOSECONDS.toMicros(ns);
    }

    private int hotWork()
    {
        final String behind = source == null ? null : source.behindSink();
        if (behind != null)
        {
            fail("refuses to serve: " + behind);
            return 1;
        }
        if (source != null && source.highestPeerEpoch() > epochFile.epoch())
        {
            goStale("a replication peer announced epoch " + source.highestPeerEpoch() + " > our epoch " +
                epochFile.epoch() + ": another node was activated; this node is a stale primary");
            return 1;
        }
        if (fencingProbe != null && fencingProbe.peerEpoch() > epochFile.epoch())
        {
            goStale("node-" + fencingProbe.peerNodeId() + " announced epoch " + fencingProbe.peerEpoch() +
                " > our epoch " + epochFile.epoch() + ": this node is stale");
            return 1;
        }
        // not while handing over: the old primary still says Hot while the new one is Hot at the next epoch
        if (dualPrimary != null && switchover.idle())
        {
            final String yield = dualPrimary.poll(epochFile.epoch(), config.nodeId(), nanoClock.nanoTime());
            if (yield != null)
            {
                goStale(yield);
                return 1;
            }
        }
        return switchover.poll(nanoClock.nanoTime());
    }

    private void goStale(final String why)
    {
        reason = why;
        mode = NodeMode.Stale;
        final FixEndpoint endpoint = fix;
        if (endpoint != null)
        {
            endpoint.refuseLogons(why);
        }
        LOG.error("{} goes Stale: {}", config.name(), why);
        events.accept("TANDEM STALE node=" + config.name() + " epoch=" + epochFile.epoch() + " why=\"" + why + "\"");
        tell(Told.STALE, why);
    }

    // ---- NodeStatus -------------------------------------------------------------------------------------------

    @Override
    public int nodeId()
    {
        return config.nodeId();
    }

    @Override
    public Role role()
    {
        return config.role();
    }

    @Override
    public NodeMode mode()
    {
        return mode;
    }

    @Override
    public long epoch()
    {
        return epochFile.epoch();
    }

    @Override
    public long journalPosition()
    {
        final Journal current = journal;
        return current == null ? 0 : current.lastPosition();
    }

    @Override
    public String activationName()
    {
        return config.activation().name();
    }

    @Override
    public String reason()
    {
        return reason;
    }

    @Override
    public java.util.List<String> primaryAddresses()
    {
        if (config.role() != Role.SECONDARY && (sink == null || config.replication().connect() == null))
        {
            return java.util.List.of();
        }
        final java.util.List<String> addresses = new java.util.ArrayList<>(2);
        if (config.replication().connect() != null)
        {
            addresses.add(config.replication().connect());
        }
        if (config.peerAdmin() != null)
        {
            addresses.add(config.peerAdmin());
        }
        return addresses;
    }

    @Override
    public NodeMode activate(final String why, final long timeoutMs)
    {
        if (mode == NodeMode.Warm)
        {
            activationRequest = why;
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (mode == NodeMode.Warm && System.nanoTime() - deadlineNs < 0)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }
        return mode;
    }

    @Override
    public boolean switchoverPossible()
    {
        final ReplicationSource currentSource = source;
        final ReplicationSink currentSink = sink;
        return mode == NodeMode.Hot && currentSource != null && currentSource.sinkAttached() ||
            mode == NodeMode.Warm && currentSink != null && sinkRunner != null && currentSink.connected();
    }

    /**
     * A planned switchover (see {@link PlannedSwitchover}): on the Hot node it hands the Hot role to the attached
     * secondary; on a Warm node it asks its primary to hand over to it, over the authenticated replication link.
     * Waits for the outcome (at most the timeout and a few seconds). Any thread (the admin API's).
     */
    @Override
    public SwitchoverOutcome switchover(final long timeoutMs)
    {
        final long boundedMs = Math.max(1, Math.min(PlannedSwitchover.MAX_TIMEOUT_MS, timeoutMs));
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
            boundedMs + PlannedSwitchover.ANSWER_GRACE_MS + 1_000);
        if (mode == NodeMode.Warm)
        {
            final ReplicationSink current = sink;
            if (current == null || !current.connected())
            {
                return new SwitchoverOutcome("refused", false, "this node is Warm but not streaming from a " +
                    "primary: no one to switch over from");
            }
            current.requestSwitchover(boundedMs);
            while (mode == NodeMode.Warm && System.nanoTime() - deadlineNs < 0)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            return mode == NodeMode.Hot ?
                new SwitchoverOutcome("switchover", true, reason) :
                new SwitchoverOutcome("aborted", false, "the primary did not hand over within " + boundedMs +
                    " ms (it aborts when this node has not acknowledged its whole journal by then; see its log): " +
                    "this node is " + mode + (reason.isEmpty() ? "" : ": " + reason));
        }
        final long id = switchover.request(boundedMs, "admin API");
        while (switchover.last().id() != id && mode != NodeMode.Failed && mode != NodeMode.Stopped &&
            System.nanoTime() - deadlineNs < 0)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        final PlannedSwitchover.Result result = switchover.last();
        return result.id() == id ? new SwitchoverOutcome(result.outcome(), result.switched(), result.detail()) :
            new SwitchoverOutcome("unknown", false, "no outcome within the wait; this node is " + mode + ": " +
            reason);
    }

    /** The planned switchover's view of this node; control thread. */
    private final class SwitchoverHost implements PlannedSwitchover.Host
    {
        @Override
        public String name()
        {
            return config.name();
        }

        @Override
        public NodeMode mode()
        {
            return mode;
        }

        @Override
        public FixEndpoint fix()
        {
            return fix;
        }

        @Override
        public ReplicationSource source()
        {
            return source;
        }

        @Override
        public Journal journal()
        {
            return journal;
        }

        @Override
        public String followAddress()
        {
            return config.replication() == null ? null : config.replication().connect();
        }

        @Override
        public void reason(final String why)
        {
            reason = why;
        }

        @Override
        public void closeFixForHandover()
        {
            final FixEndpoint endpoint = fix;
            fix = null;
            CloseHelper.quietClose(endpoint);
            standby = StandbyListener.tryOpen(fixHost, fixPort, config.name(), "during a planned switchover");
        }

        @Override
        public void reopenFixAfterAbort(final String why)
        {
            reason = why;
            if (fix != null)
            {
                fix.close();
            }
            CloseHelper.quietClose(standby);
            standby = null;
            try
            {
                // as a primary restarted on its own journal: it lost nothing it released, no headroom
                fix = FixEndpoints.start(fixEndpointContext(source.newReleaseGate(), false, 0));
            }
            catch (final RuntimeException ex)
            {
                // Hot without an acceptor would be a primary that serves nobody and says UP: fail loudly instead;
                // the secondary holds the whole journal (nothing was released after the drain) and can be activated
                LOG.error("{}: cannot serve again after the aborted switchover", config.name(), ex);
                fail("the planned switchover was aborted and the FIX acceptor cannot listen again on " + fixHost +
                    ":" + fixPort + ": " + oneLine(ex));
                return;
            }
            events.accept("TANDEM HOT node=" + config.name() + " epoch=" + epochFile.epoch() + " position=" +
                journal.lastPosition() + " why=\"" + why + "\"");
            final long hotEpoch = epochFile.epoch();
            tell(Told.HOT, hotEpoch, why, null, null);
        }

        @Override
        public long nowNs()
        {
            return nanoClock.nanoTime();
        }

        @Override
        public void followNewPrimary(final String why)
        {
            if (sink != null)
            {
                CloseHelper.quietClose(sinkRunner);
            }
            // the sink first: the new primary releases nothing (WaitForever), not even its counterparties' Logon
            // answers, until this sink acknowledges. It binds its replication port as it activates, about when this
            // sink first dials it: a refusal then is a matter of a millisecond, so the first re-dials come quickly.
            // The old source only reads the journal this sink now appends to; it is closed afterwards.
            final ReplicationSinkContext follow = config.replication().sinkContext(config.nodeId(),
                epochFile.epoch());
            follow.reconnectBackoffMinMs(Math.min(follow.reconnectBackoffMinMs(), FOLLOW_RECONNECT_BACKOFF_MIN_MS));
            startSink(follow);
            // this process may activate again: as a secondary's, its classes load at the lowest priority meanwhile,
            // and its sessions' memory is allocated
            ActivationPreload.startOnce();
            reserveSessionMemory();
            CloseHelper.quietClose(fencingProbe);
            fencingProbe = null;
            CloseHelper.quietClose(sourceRunner);
            sourceRunner = null;
            source = null;
            if (standby == null)
            {
                standby = StandbyListener.tryOpen(fixHost, fixPort, config.name(),
                    "while following the new primary");
            }
            reason = why;
            mode = NodeMode.Warm;
            LOG.warn("{} is Warm at epoch {}, following the new primary at {}: {}", config.name(),
                epochFile.epoch(), config.replication().connect(), why);
            events.accept("TANDEM WARM node=" + config.name() + " epoch=" + epochFile.epoch() + " position=" +
                journal.lastPosition() + " why=\"" + why + "\"");
            tell(Told.WARM, why);
        }
    }

    /**
     * The most outbound journal entries the old primary may have released that this node lacks, as the primary
     * announced it (its loss bound, persisted by the sink; 0 under WaitForever): read at activation, and before it
     * from the sink. A newly Hot node skips this many outbound sequence numbers per session on a Logon without
     * NextExpectedMsgSeqNum. Any thread.
     */
    public long lossBoundEntries()
    {
        if (activations > 0)
        {
            return lossBoundAtActivation;
        }
        final ReplicationSink current = sink;
        return current == null ? 0 : current.lossBoundEntries();
    }

    @Override
    public WhenLeaseExpired whenLeaseExpired(final WhenLeaseExpired choice)
    {
        final ReplicationSource current = source;
        if (current == null || mode != NodeMode.Hot)
        {
            throw new IllegalStateException("node " + config.name() + " is " + mode + " and releases nothing " +
                "through a replication source; whenLeaseExpired applies to a Hot node that replicates");
        }
        if (choice != null)
        {
            LOG.warn("{}: whenLeaseExpired switched from {} to {} through the admin API", config.name(),
                current.whenLeaseExpired(), choice);
            current.whenLeaseExpired(choice);
        }
        return current.whenLeaseExpired();
    }

    @Override
    public String degraded()
    {
        final ReplicationSource current = source;
        String holding = "";
        if (current != null && mode == NodeMode.Hot && current.holdingForLease())
        {
            holding = "holding outbound messages: the secondary's lease has expired (whenLeaseExpired: HOLD)";
        }
        else if (current != null && mode == NodeMode.Hot && current.holdingForLossWindow())
        {
            holding = "holding outbound messages: the loss window of " + current.lossBoundEntries() +
                " unacknowledged entries is full";
        }
        final String lag = lagDegraded;
        return holding.isEmpty() ? lag : lag.isEmpty() ? holding : holding + "; " + lag;
    }

    /** The FIX port: the acceptor's when Hot, the standby listener's while Warm. */
    public int fixPort()
    {
        return fixPort;
    }

    /** The admin API's port. */
    public int adminPort()
    {
        return admin.address().getPort();
    }

    /** The replication source's port on a PRIMARY or a Hot node with {@code listenWhenHot}, -1 otherwise. */
    public int replicationPort()
    {
        final ReplicationSource current = source;
        return current == null ? -1 : current.port();
    }

    public Journal journal()
    {
        return journal;
    }

    @Override
    public void writeMetrics(final StringBuilder out)
    {
        NodeMetrics.write(out, this, config, source, sink, fix, lag, epochClock.time() * 1_000_000L,
            activations, activationTookMs, standby == null ? 0 : standby.refused());
        NodeMetrics.writeDualPrimaryCheck(out, this, config, dualPrimary);
    }

    /** The send ring and the session handles. */
    SessionHandles sessionHandles()
    {
        return handles;
    }

    /** What runs the agents. */
    AgentHost agentHost()
    {
        return agents;
    }

    @Override
    public void close()
    {
        mode = NodeMode.Stopped;
        handles.allLoggedOut();
        CloseHelper.quietClose(controlRunner);
        CloseHelper.quietClose(dualPrimary);
        CloseHelper.quietClose(admin);
        CloseHelper.quietClose(fencingProbe);
        FencingProbe.closeScratch(config, probeJournal);
        CloseHelper.quietClose(fix);
        CloseHelper.quietClose(standby);
        CloseHelper.quietClose(sourceRunner);
        CloseHelper.quietClose(sinkRunner);
        CloseHelper.quietClose(agents);
        CloseHelper.quietClose(lag);
        CloseHelper.quietClose(journal);
        config.activation().close();
    }
}
