package dev.tandem.node;

import dev.tandem.failover.Addresses;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.replication.ReplicationSink;
import dev.tandem.replication.ReplicationSource;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
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
 * catches up from position 1 (or goes Stale, per {@code replication.onDivergence}); it never merges.
 * A Hot node that learns of a higher epoch goes Stale: it logs no one on and says why. A node whose agent dies,
 * whose journal fails or loses its directory, or whose journal is shorter than its replica's at the same epoch
 * fails at once ({@link NodeMode#Failed}, see {@link FailurePolicy}): never a zombie that reports Hot.
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
    private final EpochClock epochClock = SystemEpochClock.INSTANCE;
    private final NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private volatile Journal journal;
    private volatile EpochFile epochFile;
    private final SessionLagTracker lag = new SessionLagTracker();
    private final String fixHost;

    private volatile ReplicationSource source;
    private AgentRunner sourceRunner;
    private volatile ReplicationSink sink;
    private AgentRunner sinkRunner;
    private FencingProbe fencingProbe;
    private StandbyListener standby;
    private volatile FixEndpoint fix;
    private AdminServer admin;
    private AgentRunner controlRunner;
    private int fixPort;

    private volatile NodeMode mode = NodeMode.Stopped;
    private volatile String reason = "";
    private volatile String activationRequest;
    private volatile long activationTookMs = -1;
    private volatile long activations;
    private final AtomicBoolean failed = new AtomicBoolean();
    private JournalDirWatch dirWatch;

    private Node(final NodeConfig config, final Consumer<String> events)
    {
        this.config = config;
        this.events = events;
        final InetSocketAddress fixListen = Addresses.parse("fix.listen", config.fix().listen(), true);
        this.fixHost = fixListen.getHostString();
        this.fixPort = fixListen.getPort();
        JournalDirWatch.checkUsable(config.journal().dir());
        try
        {
            this.epochFile = EpochFile.open(Path.of(config.journal().dir()));
            this.journal = openJournal();
        }
        catch (final RuntimeException ex)
        {
            throw new ConfigException("journal.dir: '" + config.journal().dir() + "': " + oneLine(ex), ex);
        }
        this.dirWatch = new JournalDirWatch(Path.of(config.journal().dir()), nanoClock.nanoTime());
    }

    private static String oneLine(final Throwable ex)
    {
        final String message = ex.getMessage();
        return message == null ? ex.toString() : message;
    }

    private Journal openJournal()
    {
        return Journal.open(new JournalContext()
            .dir(config.journal().dir())
            .persistence(config.journal().persistence())
            .conclude());
    }

    /**
     * Starts a node from a validated config.
     *
     * @param events receives one line per life event (ready, activated, stale), for the console.
     * @throws ConfigException when the node may not start (another primary holds the same epoch, the lock is held,
     *                         a port is taken).
     */
    public static Node launch(final NodeConfig config, final Consumer<String> events)
    {
        config.validate();
        final Node node = new Node(config, events);
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
        if (config.role() == Role.PRIMARY)
        {
            startPrimary();
        }
        else
        {
            startSecondary();
        }
        lag.follow(journal, 1);
        admin = AdminServer.start(config.admin().listen(), this);
        controlRunner = new AgentRunner(new BackoffIdleStrategy(1, 1, 100_000, 1_000_000),
            errorHandler("control agent"), null, new NodeControlAgent(this));
        AgentRunner.startOnThread(controlRunner);
        events.accept("TANDEM READY node=" + config.name() + " role=" + config.role() + " mode=" + mode +
            " epoch=" + epochFile.epoch() + " fix=" + fixHost + ":" + fixPort +
            " admin=127.0.0.1:" + admin.address().getPort() +
            (source != null ? " replication=" + source.port() : "") +
            (reason.isEmpty() ? "" : " reason=\"" + reason + "\""));
    }

    private void startPrimary()
    {
        if (epochFile.epoch() == 0)
        {
            epochFile.store(1);
        }
        final PeerCheck.Result peer = PeerCheck.query(config.peerAdmin());
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
        if (config.replication() != null)
        {
            source = new ReplicationSource(
                config.replication().sourceContext(config.nodeId(), epochFile.epoch()).conclude(), journal);
            gate = source.newReleaseGate();
            sourceRunner = new AgentRunner(idle(), errorHandler("replication source"), null, source);
            AgentRunner.startOnThread(sourceRunner);
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
        fix = FixEndpoints.start(config, journal, gate, fixHost, fixPort, epochClock, nanoClock, false,
            errorHandler("FIX engine"));
        fixPort = fix.port();
        mode = NodeMode.Hot;
    }

    private void startSecondary()
    {
        startSink();
        standby = new StandbyListener(fixHost, fixPort);
        fixPort = standby.port();
        mode = NodeMode.Warm;
    }

    private void startSink()
    {
        sink = new ReplicationSink(config.replication().sinkContext(config.nodeId(), epochFile.epoch()).conclude(),
            journal);
        sinkRunner = new AgentRunner(idle(), errorHandler("replication sink"), null, sink);
        AgentRunner.startOnThread(sinkRunner);
    }

    private static BackoffIdleStrategy idle()
    {
        return new BackoffIdleStrategy(10, 10, 1_000, TimeUnit.MICROSECONDS.toNanos(500));
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
        return throwable ->
        {
            final String fatal = FatalErrors.whyFatal(throwable);
            if (fatal != null)
            {
                LOG.error("{}: {} died: {}", config.name(), agent, fatal, throwable);
                fail(agent + " died: " + fatal);
            }
            else
            {
                LOG.error("{}: error on the {}", config.name(), agent, throwable);
            }
        };
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
        final Thread closer = new Thread(() ->
        {
            final FixEndpoint endpoint = fix;
            if (endpoint != null)
            {
                endpoint.refuseLogons(reason);
            }
            CloseHelper.quietClose(fencingProbe);
            CloseHelper.quietClose(endpoint);
            CloseHelper.quietClose(standby);
            CloseHelper.quietClose(sourceRunner);
            CloseHelper.quietClose(sinkRunner);
            if (exit)
            {
                System.exit(EXIT_FAILED);
            }
        }, "tandem-failure-" + config.name());
        closer.setDaemon(!exit);
        closer.start();
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
        }
        final NodeMode current = mode;
        if (current == NodeMode.Warm)
        {
            work += warmWork();
        }
        else if (current == NodeMode.Hot)
        {
            work += hotWork();
        }
        return work;
    }

    /** A replication agent whose thread ended without being closed, whatever ended it. Control agent only. */
    private String deadAgent()
    {
        if (sourceRunner != null && !sourceRunner.isClosed() && sourceRunner.thread() != null &&
            !sourceRunner.thread().isAlive())
        {
            return "the replication source's thread ended";
        }
        if (sinkRunner != null && !sinkRunner.isClosed() && sinkRunner.thread() != null &&
            !sinkRunner.thread().isAlive())
        {
            return "the replication sink's thread ended";
        }
        return null;
    }

    private int warmWork()
    {
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
                why = config.activation().name() + ": " + config.activation().reason();
            }
        }
        if (why != null)
        {
            activate(why);
            return 1;
        }
        return 0;
    }

    /**
     * The primary refused this journal as diverged: it holds entries the primary never had. Never merged: either set
     * the whole directory aside and start over from position 1, or stop (Stale) for an operator.
     */
    private void onDiverged()
    {
        final String refusal = sink.lastClose();
        final long theirEpoch = Math.max(epochFile.epoch(), sink.sourceEpoch());
        CloseHelper.quietClose(sinkRunner);
        sinkRunner = null;
        final long ourLast = journal.lastPosition();
        if (config.replication().onDivergence() == DivergencePolicy.STOP)
        {
            reason = "journal diverged from the primary's at epoch " + theirEpoch + " (our last position " + ourLast +
                "; " + refusal + "); replication.onDivergence: STOP, an operator must set the journal aside";
            mode = NodeMode.Stale;
            LOG.error("{}: {}", config.name(), reason);
            events.accept("TANDEM STALE node=" + config.name() + " epoch=" + epochFile.epoch() + " why=\"" +
                reason + "\"");
            return;
        }
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
            reason = "journal diverged from the primary's and could not be set aside to " + aside + ": " + ex;
            mode = NodeMode.Stale;
            LOG.error("{}: {}", config.name(), reason, ex);
            events.accept("TANDEM STALE node=" + config.name() + " epoch=" + theirEpoch + " why=\"" + reason + "\"");
            return;
        }
        final EpochFile fresh = EpochFile.open(dir);
        fresh.store(theirEpoch);
        epochFile = fresh;
        journal = openJournal();
        dirWatch = new JournalDirWatch(dir, nanoClock.nanoTime());
        lag.follow(journal, 1);
        LOG.warn("{}: journal diverged from the primary's at epoch {} ({}); our last position was {}; set aside " +
            "{} -> {}; catching up from position 1 into a fresh journal",
            config.name(), theirEpoch, refusal, ourLast, dir, aside);
        events.accept("TANDEM DIVERGED node=" + config.name() + " epoch=" + theirEpoch + " ourPosition=" + ourLast +
            " setAside=" + aside + " dir=" + dir + " why=\"" + refusal + "\"");
        startSink();
    }

    private void activate(final String why)
    {
        final long startNs = nanoClock.nanoTime();
        // stopping the sink joins its thread: from here on this thread owns the journal
        CloseHelper.quietClose(sinkRunner);
        final long newEpoch = Math.max(epochFile.epoch(), sink.sourceEpoch()) + 1;
        epochFile.store(newEpoch);
        standby.close();
        standby = null;
        try
        {
            ReleaseGate gate = ReleaseGate.OPEN;
            if (config.replication().listenWhenHot() != null)
            {
                // replicate onward: the old primary can rejoin as this node's secondary
                final ReplicationSource hotSource = new ReplicationSource(
                    config.replication().hotSourceContext(config.nodeId(), newEpoch).conclude(), journal);
                gate = hotSource.newReleaseGate();
                sourceRunner = new AgentRunner(idle(), errorHandler("replication source"), null, hotSource);
                AgentRunner.startOnThread(sourceRunner);
                source = hotSource;
            }
            fix = FixEndpoints.start(config, journal, gate, fixHost, fixPort, epochClock, nanoClock, true,
                errorHandler("FIX engine"));
        }
        catch (final RuntimeException ex)
        {
            // the sink is gone and the epoch raised: this node cannot go back to Warm, and must not serve half-way
            CloseHelper.quietClose(sourceRunner);
            sourceRunner = null;
            source = null;
            reason = "activation failed: " + ex.getMessage();
            mode = NodeMode.Stale;
            LOG.error("{} could not turn Hot", config.name(), ex);
            events.accept("TANDEM STALE node=" + config.name() + " epoch=" + newEpoch + " why=\"" + reason + "\"");
            return;
        }
        if (failed.get())
        {
            return;
        }
        mode = NodeMode.Hot;
        activations++;
        activationTookMs = TimeUnit.NANOSECONDS.toMillis(nanoClock.nanoTime() - startNs);
        reason = "activated: " + why;
        LOG.warn("{} is Hot at epoch {} ({}); journal at position {}, took {} ms",
            config.name(), newEpoch, why, journal.lastPosition(), activationTookMs);
        events.accept("TANDEM HOT node=" + config.name() + " epoch=" + newEpoch + " position=" +
            journal.lastPosition() + " tookMs=" + activationTookMs +
            (source != null ? " replication=" + source.port() : "") + " why=\"" + why + "\"");
        fencingProbe = FencingProbe.start(config, newEpoch, errorHandler("fencing probe"));
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
        return 0;
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
    }

    @Override
    public void close()
    {
        mode = NodeMode.Stopped;
        CloseHelper.quietClose(controlRunner);
        CloseHelper.quietClose(admin);
        CloseHelper.quietClose(fencingProbe);
        CloseHelper.quietClose(fix);
        CloseHelper.quietClose(standby);
        CloseHelper.quietClose(sourceRunner);
        CloseHelper.quietClose(sinkRunner);
        CloseHelper.quietClose(lag);
        CloseHelper.quietClose(journal);
        config.activation().close();
    }
}
