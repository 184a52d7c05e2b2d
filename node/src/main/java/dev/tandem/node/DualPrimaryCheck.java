package dev.tandem.node;

import dev.tandem.journal.LogRateLimiter;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * While this node is Hot, asks its peer every {@code peerCheckIntervalMs} whether it claims Hot too, with the start-up
 * check's question ({@link PeerCheck}: {@code GET /service/state} at {@code peerAdmin}), and says what this node must
 * do about the answer:
 * <ul>
 *   <li>the peer is Hot at a <b>higher</b> epoch: this node is the stale primary; it goes Stale (stops sending), as
 *       when the replication handshake or the fencing probe tells it;</li>
 *   <li>the peer is Hot at the <b>same</b> epoch: both report it; the node with the higher {@code nodeId} yields and
 *       goes Stale, the other serves on. The rule is a function of two values both nodes know and never change while
 *       they run, so each reaches the same verdict alone, without a further exchange, and exactly one yields; the
 *       lower id is the default PRIMARY's (1), so with default ids the configured primary keeps its sessions. Equal
 *       ids (or a {@code peerAdmin} that names this node itself, which answers the same) cannot be told apart: both
 *       report, neither yields;</li>
 *   <li>the peer is Hot at a <b>lower</b> epoch: reported (it is the stale one and yields by its own check or the
 *       fencing probe); this node serves on. Only once two checks in a row saw it: a planned switchover's old primary
 *       still says Hot for the moment between the new primary's activation and its own turn to Warm.</li>
 * </ul>
 * Only an authenticated answer is acted on: each question carries a fresh random nonce, and the answer must carry the
 * peer's proof ({@link StateProof}: HMAC with the pair's replication secret over the nonce, the cluster name and the
 * nodeId, mode and epoch it states). An answer without a valid proof (a peer with another secret or cluster, an
 * older Tandem, or whoever else answers at {@code peerAdmin}) proves nothing and changes nothing: counted
 * ({@code tandem_node_peer_checks_unauthenticated_total}) and logged at WARN at most once a minute. A node without a
 * replication secret cannot authenticate anything: it judges and reports, and never steps down on the check.
 * <p>
 * A conflict logs an ERROR when it is found and once a minute while it lasts, and shows on {@code /metrics}
 * ({@code tandem_node_dual_primary_conflict}, {@code tandem_node_dual_primary_conflicts_total}). A peer that does not
 * answer proves nothing and changes nothing (counted: {@code tandem_node_peer_checks_unanswered_total}).
 * <p>
 * Threading: the HTTP request runs on this check's own agent thread, since it may block for its timeout; never on the
 * control agent, whose thread also runs activations and lag checks. {@link #poll} is called
 * by the node's control agent only; the counters may be read from any thread.
 */
final class DualPrimaryCheck implements AutoCloseable
{
    /** What one look at the peer found. */
    enum Verdict
    {
        /** The peer does not answer or does not claim Hot. */
        NONE,
        /** The peer is Hot at a higher epoch: this node yields. */
        PEER_HIGHER,
        /** The peer is Hot at our epoch and has the lower nodeId: this node yields. */
        SAME_EPOCH_WE_YIELD,
        /** The peer is Hot at our epoch and has the higher nodeId: it yields, this node serves on. */
        SAME_EPOCH_PEER_YIELDS,
        /** The peer is Hot at our epoch with our nodeId (or is this node): nobody can be chosen. */
        SAME_EPOCH_SAME_ID,
        /** The peer is Hot at a lower epoch: it yields, this node serves on. */
        PEER_LOWER
    }

    /** What one query found, whether its proof verified, and this node's epoch when it asked. */
    private record Observation(long seq, long ourEpoch, PeerCheck.Result peer, boolean authenticated)
    {
    }

    private static final Logger LOG = LoggerFactory.getLogger(DualPrimaryCheck.class);
    /** Sleep between duty cycles at most this long: the interval is kept to within it. */
    private static final long MAX_SLEEP_MS = 50;

    private final String name;
    private final String peerAdmin;
    /** Null on a node without a replication secret: it only reports. */
    private final StateProof proof;
    private final AgentRunner runner;
    private volatile Observation latest;
    private volatile long checks;
    private volatile long unanswered;
    private volatile long unauthenticated;
    private volatile boolean conflict;
    private volatile long conflicts;

    /** Control thread: the last observation judged, and how many checks in a row saw the peer Hot at a lower epoch. */
    private long judgedSeq;
    private int lowerInARow;
    private final LogRateLimiter conflictLog = new LogRateLimiter(1, TimeUnit.MINUTES.toNanos(1));

    private DualPrimaryCheck(
        final NodeConfig config,
        final StateProof proof,
        final NodeStatus node,
        final NanoClock clock,
        final ErrorHandler errorHandler)
    {
        this.name = config.name();
        this.peerAdmin = config.peerAdmin();
        this.proof = proof;
        final long intervalMs = config.peerCheckIntervalMs();
        final long sleepMs = Math.max(1, Math.min(MAX_SLEEP_MS, intervalMs / 10));
        this.runner = new AgentRunner(new SleepingMillisIdleStrategy(sleepMs), errorHandler, null,
            new Query(node, clock, TimeUnit.MILLISECONDS.toNanos(intervalMs), timeoutMs(intervalMs)));
    }

    /**
     * Starts checking on a thread from {@code threads}, or returns null when there is nothing to check: no
     * {@code peerAdmin}, or {@code peerCheckIntervalMs: 0}. {@code proof} checks the peer's answers (null: no
     * replication secret, the check only reports).
     */
    static DualPrimaryCheck start(
        final NodeConfig config,
        final StateProof proof,
        final NodeStatus node,
        final NanoClock clock,
        final ThreadFactory threads,
        final ErrorHandler errorHandler)
    {
        if (config.peerAdmin() == null || config.peerCheckIntervalMs() == 0)
        {
            return null;
        }
        final DualPrimaryCheck check = new DualPrimaryCheck(config, proof, node, clock, errorHandler);
        AgentRunner.startOnThread(check.runner, threads);
        LOG.info("{}: checks every {} ms while Hot that its peer at {} does not claim Hot too", check.name,
            config.peerCheckIntervalMs(), check.peerAdmin);
        if (proof == null)
        {
            LOG.warn("{}: no replication secret, so the peer's answers cannot be authenticated: the check reports a " +
                "peer that claims Hot too, and never makes this node step down", check.name);
        }
        return check;
    }

    /**
     * How long one query may wait to connect and as long again to read: as long as the interval, between half a
     * second (a loaded peer still answers in time) and the start-up check's two seconds (a close waits for it).
     */
    static int timeoutMs(final long intervalMs)
    {
        return (int)Math.min(PeerCheck.TIMEOUT_MS, Math.max(500, intervalMs));
    }

    /** The rule, for a Hot node at {@code ourEpoch} with {@code ourNodeId} and what its peer said (null: nothing). */
    static Verdict judge(final long ourEpoch, final int ourNodeId, final PeerCheck.Result peer)
    {
        if (peer == null || peer.mode() != NodeMode.Hot)
        {
            return Verdict.NONE;
        }
        if (peer.epoch() > ourEpoch)
        {
            return Verdict.PEER_HIGHER;
        }
        if (peer.epoch() < ourEpoch)
        {
            return Verdict.PEER_LOWER;
        }
        if (peer.nodeId() == ourNodeId)
        {
            return Verdict.SAME_EPOCH_SAME_ID;
        }
        return ourNodeId > peer.nodeId() ? Verdict.SAME_EPOCH_WE_YIELD : Verdict.SAME_EPOCH_PEER_YIELDS;
    }

    /**
     * Judges the newest answer, if there is one this node has not judged and it was asked at the node's present epoch
     * (an answer from before an activation or a switchover says nothing about now). Control thread, while Hot.
     *
     * @return why this node must go Stale, or null when it serves on.
     */
    String poll(final long ourEpoch, final int ourNodeId, final long nowNs)
    {
        final Observation seen = latest;
        if (seen == null || seen.seq() == judgedSeq)
        {
            return null;
        }
        judgedSeq = seen.seq();
        if (seen.ourEpoch() != ourEpoch)
        {
            return null;
        }
        // with a secret, an answer without a valid proof is no answer; without one, every answer is judged (to report)
        final PeerCheck.Result peer = seen.authenticated() || proof == null ? seen.peer() : null;
        final Verdict verdict = judge(ourEpoch, ourNodeId, peer);
        lowerInARow = verdict == Verdict.PEER_LOWER ? lowerInARow + 1 : 0;
        if (verdict == Verdict.NONE)
        {
            if (conflict)
            {
                conflict = false;
                LOG.warn("{}: the peer at {} no longer claims Hot ({}): the dual-primary conflict is over", name,
                    peerAdmin, peer != null ? "it is " + peer.mode() + " at epoch " + peer.epoch() :
                    seen.peer() == null ? "it does not answer" : "its answer is not authenticated");
            }
            return null;
        }
        if (verdict == Verdict.PEER_LOWER && lowerInARow < 2)
        {
            return null;
        }
        final boolean yield = verdict == Verdict.PEER_HIGHER || verdict == Verdict.SAME_EPOCH_WE_YIELD;
        final String what = describe(verdict, ourEpoch, ourNodeId, peer) + (yield && proof == null ?
            "; but this node has no replication secret to authenticate the answer: it only reports and serves on; " +
            "stop one of the two nodes" : "");
        if (!conflict)
        {
            conflict = true;
            conflicts++;
            conflictLog.tryAcquire(nowNs); // the first report takes the minute's line
            LOG.error("{}: DUAL PRIMARY: {}", name, what);
        }
        else if (conflictLog.tryAcquire(nowNs))
        {
            LOG.error("{}: DUAL PRIMARY, still: {} ({} similar suppressed)", name, what, conflictLog.takeSuppressed());
        }
        return yield && proof != null ? what : null;
    }

    private String describe(
        final Verdict verdict, final long ourEpoch, final int ourNodeId, final PeerCheck.Result peer)
    {
        final String them = "node-" + peer.nodeId() + " at peerAdmin " + peerAdmin;
        switch (verdict)
        {
            case PEER_HIGHER:
                return them + " claims Hot at epoch " + peer.epoch() + " > our epoch " + ourEpoch + ": this node is " +
                    "a stale primary and goes Stale";
            case SAME_EPOCH_WE_YIELD:
                return "two nodes claim Hot at epoch " + ourEpoch + ": this node (node-" + ourNodeId + ") and " +
                    them + "; the higher nodeId yields: this node goes Stale";
            case SAME_EPOCH_PEER_YIELDS:
                return "two nodes claim Hot at epoch " + ourEpoch + ": this node (node-" + ourNodeId + ") and " +
                    them + "; the higher nodeId yields: node-" + peer.nodeId() + " goes Stale once its own check " +
                    "reaches this node; this node serves on";
            case SAME_EPOCH_SAME_ID:
                return "two nodes claim Hot at epoch " + ourEpoch + " with the same nodeId " + ourNodeId + ", or " +
                    "peerAdmin " + peerAdmin + " names this node itself: neither can be chosen to yield; give the " +
                    "nodes distinct nodeIds (or fix peerAdmin) and stop one of them";
            case PEER_LOWER:
                return them + " claims Hot at epoch " + peer.epoch() + " < our epoch " + ourEpoch + " (two checks " +
                    "in a row): it is a stale primary and goes Stale once its own check or the fencing probe " +
                    "reaches it; this node serves on";
            default:
                throw new IllegalArgumentException(verdict.name());
        }
    }

    /** True while the last judged answer showed the peer Hot too (read the node's mode beside it). */
    boolean conflict()
    {
        return conflict;
    }

    /** Times a check found a conflict the one before it had not. */
    long conflicts()
    {
        return conflicts;
    }

    /** Queries made while Hot. */
    long checks()
    {
        return checks;
    }

    /** Queries the peer did not answer (down, unreachable, too slow, or no Tandem node there). */
    long unanswered()
    {
        return unanswered;
    }

    /**
     * Answers without a valid proof: the proof missing or wrong, or (on a node without a replication secret) any
     * answer, since it cannot check one.
     */
    long unauthenticated()
    {
        return unauthenticated;
    }

    @Override
    public void close()
    {
        runner.close();
    }

    /** The query's duty cycle, on the check's own thread: one request per interval while the node is Hot. */
    private final class Query implements Agent
    {
        private final NodeStatus node;
        private final NanoClock clock;
        private final long intervalNs;
        private final int timeoutMs;
        private final LogRateLimiter unauthenticatedLog = new LogRateLimiter(1, TimeUnit.MINUTES.toNanos(1));
        private long nextNs;
        private long seq;

        Query(final NodeStatus node, final NanoClock clock, final long intervalNs, final int timeoutMs)
        {
            this.node = node;
            this.clock = clock;
            this.intervalNs = intervalNs;
            this.timeoutMs = timeoutMs;
            this.nextNs = clock.nanoTime();
        }

        @Override
        public int doWork()
        {
            final long nowNs = clock.nanoTime();
            if (nowNs - nextNs < 0)
            {
                return 0;
            }
            nextNs = nowNs + intervalNs;
            if (node.mode() != NodeMode.Hot)
            {
                return 0;
            }
            final long ourEpoch = node.epoch();
            final String nonce = proof == null ? null : proof.newNonce();
            final PeerCheck.Result peer = PeerCheck.query(peerAdmin, timeoutMs, nonce);
            checks++;
            boolean authenticated = false;
            if (peer == null)
            {
                unanswered++;
            }
            else
            {
                authenticated = proof != null && proof.verify(nonce, peer);
                if (!authenticated)
                {
                    unauthenticated++;
                    if (proof != null && unauthenticatedLog.tryAcquire(clock.nanoTime()))
                    {
                        LOG.warn("{}: the answer at peerAdmin {} (node-{} {} at epoch {}) carries {}: ignored, it " +
                            "changes nothing. A peer with another replication secret or clusterName, a Tandem " +
                            "without proofs, or something else answering at peerAdmin ({} similar suppressed)", name,
                            peerAdmin, peer.nodeId(), peer.mode(), peer.epoch(),
                            peer.proof() == null ? "no proof" : "a wrong proof", unauthenticatedLog.takeSuppressed());
                    }
                }
            }
            latest = new Observation(++seq, ourEpoch, peer, authenticated);
            return 1;
        }

        @Override
        public String roleName()
        {
            return "tandem-peer-check-" + name;
        }
    }
}
