package dev.tandem.node;

import dev.tandem.fix.FixSession;
import dev.tandem.journal.Journal;
import dev.tandem.replication.Handover;
import dev.tandem.replication.ReplicationSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The Hot node's side of a planned switchover: hands the Hot role to the attached secondary with nothing
 * unacknowledged, so nothing is lost and nothing is set aside.
 * <ol>
 *   <li>Drain: every session is logged out (Logout, so each counterparty re-dials) and Logons are refused; once no
 *       session is logged on (or after {@link #MAX_DRAIN_MS}, or half the timeout), the FIX acceptor is closed and a
 *       standby listener takes its port. From then on nothing appends to the journal or releases anything.</li>
 *   <li>Catch up: the source waits until the secondary has acknowledged the journal's last position, then sends it
 *       the HANDOVER frame; the secondary answers HANDOVER_ACCEPTED and activates at the next epoch without waiting
 *       for the lease (this node has explicitly stopped: that is the proof the lease otherwise stands in for).</li>
 *   <li>Follow: on the acceptance this node closes its replication source and turns Warm, its sink attached to the
 *       new primary ({@code replication.connect}); its journal is a prefix of the new primary's, so nothing is set
 *       aside.</li>
 * </ol>
 * If the secondary has not acknowledged everything by the timeout, the handover is withdrawn and this node serves
 * again as primary at its epoch (the FIX acceptor reopens on the same journal), saying so. Once the HANDOVER frame
 * has gone out it is never taken back: without an answer (the link broke) this node follows all the same, since
 * the secondary may have activated.
 * <p>
 * Threading: {@link #request} from any thread (the admin API); everything else on the node's control thread.
 */
final class PlannedSwitchover
{
    /** Default for how long the secondary may take to acknowledge everything: generous for a loaded host. */
    static final long DEFAULT_TIMEOUT_MS = 5_000;
    /** The longest timeout a caller may ask for. */
    static final long MAX_TIMEOUT_MS = 60_000;
    /** Sessions get at most this long to finish their Logout handshake before the acceptor closes. */
    static final long MAX_DRAIN_MS = 500;
    /** After the HANDOVER frame, how long to wait for the answer before following anyway. */
    static final long ANSWER_GRACE_MS = 2_000;

    /** What a switchover came to, for the admin API. */
    record Result(long id, String outcome, boolean switched, String detail)
    {
    }

    /** What the coordinator needs of its node; all on the control thread. */
    interface Host
    {
        String name();

        NodeMode mode();

        FixEndpoint fix();

        ReplicationSource source();

        Journal journal();

        /** Where this node follows the new primary ({@code replication.connect}), null when it cannot. */
        String followAddress();

        void reason(String reason);

        /** Closes the FIX acceptor (nothing appends or releases from then on) and holds its port with a standby. */
        void closeFixForHandover();

        /** Undoes {@link #closeFixForHandover()}: serves again as primary at the same epoch. */
        void reopenFixAfterAbort(String why);

        /** Closes the replication source and turns Warm, its sink attached to the new primary. */
        void followNewPrimary(String why);

        /** The node's nano clock, for the phases' timings. */
        long nowNs();
    }

    private enum Phase
    {
        IDLE, DRAINING, HANDING_OVER
    }

    private static final Logger LOG = LoggerFactory.getLogger(PlannedSwitchover.class);

    private final Host host;
    private volatile long requested;
    private volatile long requestTimeoutMs;
    private volatile String requestedBy = "";
    private volatile Result last = new Result(0, "none", false, "");
    private long served;
    private long seenSinkRequests;
    private Phase phase = Phase.IDLE;
    /** The admin request being served, -1 for one the secondary asked for over the replication link. */
    private long currentId;
    private long startNs;
    private long deadlineNs;
    private long drainDeadlineNs;
    private long handoverPosition;
    private String by;
    /** When the sessions were logged out (or the drain timed out), the acceptor closed, and HANDOVER seen sent. */
    private long drainedNs;
    private long closedNs;
    private long sentNs;

    PlannedSwitchover(final Host host)
    {
        this.host = host;
    }

    /**
     * Asks for a switchover (any thread); the control thread starts it on its next pass.
     *
     * @return the id its {@link Result} will carry.
     */
    synchronized long request(final long timeoutMs, final String by)
    {
        requestTimeoutMs = timeoutMs;
        requestedBy = by;
        requested = requested + 1;
        return requested;
    }

    /** True while no switchover is under way on this node (control thread). */
    boolean idle()
    {
        return phase == Phase.IDLE;
    }

    /** The last switchover's result (any thread). */
    Result last()
    {
        return last;
    }

    /** True while a switchover runs: the node must not be treated as serving. Control thread. */
    boolean active()
    {
        return phase != Phase.IDLE;
    }

    /** Control thread, while the node is Hot (or in a switchover). */
    int poll(final long nowNs)
    {
        if (phase == Phase.IDLE)
        {
            return startIfAsked(nowNs);
        }
        if (phase == Phase.DRAINING)
        {
            final FixEndpoint fix = host.fix();
            if (fix != null && fix.sessionsLoggedOn() > 0 && nowNs - drainDeadlineNs < 0)
            {
                return 0;
            }
            drainedNs = nowNs;
            host.closeFixForHandover();
            handoverPosition = host.journal().lastPosition();
            host.source().handOver(handoverPosition);
            closedNs = host.nowNs();
            sentNs = 0;
            phase = Phase.HANDING_OVER;
            host.reason("planned switchover (" + by + "): stopped serving at position " + handoverPosition +
                "; waiting for the secondary to acknowledge it");
            return 1;
        }
        final ReplicationSource source = host.source();
        final Handover state = source.handover();
        switch (state)
        {
            case ACCEPTED:
                follow(nowNs, source.handoverAnswer(), "switchover");
                return 1;
            case LOST:
                follow(nowNs, source.handoverAnswer() + "; following the new primary all the same (the " +
                    "secondary may have activated)", "switchover-unconfirmed");
                return 1;
            case REFUSED:
                abort("the secondary refused the handover: " + source.handoverAnswer());
                return 1;
            case SENT:
                if (sentNs == 0)
                {
                    sentNs = nowNs;
                }
                if (nowNs - deadlineNs - TimeUnit.MILLISECONDS.toNanos(ANSWER_GRACE_MS) >= 0)
                {
                    follow(nowNs, "no answer to the handover within " + (TimeUnit.NANOSECONDS.toMillis(
                        nowNs - startNs)) + " ms; following the new primary all the same (the secondary may have " +
                        "activated)", "switchover-unconfirmed");
                    return 1;
                }
                return 0;
            default:
                if (nowNs - deadlineNs >= 0 && source.cancelHandover())
                {
                    abort("the secondary acknowledged position " + source.ackedPosition() + " of " +
                        handoverPosition + " within the timeout of " + TimeUnit.NANOSECONDS.toMillis(
                        deadlineNs - startNs) + " ms" + (source.sinkAttached() ? "" : " (no secondary attached)"));
                    return 1;
                }
                return 0;
        }
    }

    private int startIfAsked(final long nowNs)
    {
        final ReplicationSource source = host.source();
        long timeoutMs = -1;
        if (requested != served)
        {
            served = requested;
            currentId = served;
            timeoutMs = requestTimeoutMs;
            by = requestedBy;
        }
        else if (source != null && source.switchoverRequests() != seenSinkRequests)
        {
            seenSinkRequests = source.switchoverRequests();
            currentId = -1;
            timeoutMs = Math.max(1, Math.min(MAX_TIMEOUT_MS, source.switchoverRequestTimeoutMs()));
            by = "asked by the secondary, node-" + source.sinkNodeId();
        }
        if (timeoutMs < 0)
        {
            return 0;
        }
        final String refusal = host.mode() != NodeMode.Hot ? "this node is " + host.mode() + ", not Hot" :
            source == null ? "this node has no replication source" :
            !source.sinkAttached() ? "no secondary is attached to the replication source" :
            host.followAddress() == null ? "replication.connect is not set: this node would not know where to " +
                "follow the new primary (set it to the secondary's replication.listenWhenHot)" :
            host.fix() == null ? "this node has no FIX acceptor" : null;
        if (refusal != null)
        {
            LOG.warn("{}: planned switchover ({}) refused: {}", host.name(), by, refusal);
            last = new Result(currentId, "refused", false, refusal);
            return 1;
        }
        phase = Phase.DRAINING;
        startNs = nowNs;
        deadlineNs = nowNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        drainDeadlineNs = nowNs + TimeUnit.MILLISECONDS.toNanos(Math.min(MAX_DRAIN_MS, timeoutMs / 2));
        LOG.warn("{}: planned switchover ({}) to node-{}: logging every session out, timeout {} ms", host.name(), by,
            source.sinkNodeId(), timeoutMs);
        host.reason("planned switchover (" + by + "): logging sessions out");
        host.fix().logoutAll(FixSession.SWITCHOVER_LOGOUT_TEXT);
        return 1;
    }

    private void follow(final long nowNs, final String detail, final String outcome)
    {
        phase = Phase.IDLE;
        final String why = "planned switchover (" + by + ") done in " +
            TimeUnit.NANOSECONDS.toMillis(nowNs - startNs) + " ms (" + phases(nowNs) + ") at position " +
            handoverPosition + ": " + detail;
        host.followNewPrimary(why);
        last = new Result(currentId, outcome, true, why);
    }

    /**
     * Where the primary's side of the switchover spent its time, in microseconds: drain (Logouts sent until no
     * session was logged on), close (FIX acceptor closed, standby listening, HANDOVER requested), handover (until
     * this thread saw HANDOVER sent: the secondary's acknowledgement of the last position), answer (until
     * HANDOVER_ACCEPTED or its loss was seen).
     */
    private String phases(final long nowNs)
    {
        final long sent = sentNs == 0 ? nowNs : sentNs;
        return "drainUs=" + micros(drainedNs - startNs) + " closeUs=" + micros(closedNs - drainedNs) +
            " handoverUs=" + micros(Math.max(0, sent - closedNs)) + " answerUs=" + micros(nowNs - sent);
    }

    private static long micros(final long ns)
    {
        return TimeUnit.NANOSECONDS.toMicros(ns);
    }

    private void abort(final String why)
    {
        phase = Phase.IDLE;
        final String text = "planned switchover (" + by + ") aborted, serving again as primary: " + why;
        LOG.warn("{}: {}", host.name(), text);
        host.reopenFixAfterAbort(text);
        last = new Result(currentId, "aborted", false, text);
    }
}
