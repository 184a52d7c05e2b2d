package dev.tandem.node;

import dev.tandem.replication.ReplicationSink;
import dev.tandem.replication.ReplicationSource;

/**
 * Writes a node's metrics in the Prometheus text format: mode and epoch, replication counters (acks, lag in entries,
 * bytes and time, timeouts, reconnects), per-session sequence numbers and replication lag in sequence numbers and
 * time, and sessions logged on.
 * <p>
 * Threading: any thread; reads volatile counters.
 */
final class NodeMetrics
{
    private NodeMetrics()
    {
    }

    static void write(
        final StringBuilder out,
        final Node node,
        final NodeConfig config,
        final ReplicationSource source,
        final ReplicationSink sink,
        final FixEndpoint fix,
        final SessionLagTracker lag,
        final long nowEpochNs,
        final long activations,
        final long activationTookMs,
        final long standbyRefused)
    {
        final String id = "node=\"" + config.name() + "\"";
        gauge(out, "tandem_node_hot", "1 when the node serves FIX sessions", id, node.mode() == NodeMode.Hot ? 1 : 0);
        gauge(out, "tandem_node_stale", "1 when the node was fenced by a higher epoch", id,
            node.mode() == NodeMode.Stale ? 1 : 0);
        gauge(out, "tandem_epoch", "the node's epoch", id, node.epoch());
        counter(out, "tandem_activations_total", "times this node turned Hot", id, activations);
        gauge(out, "tandem_last_activation_ms", "how long the last activation took, -1 before any", id,
            activationTookMs);
        gauge(out, "tandem_journal_position", "the newest journal position", id, node.journal().lastPosition());
        gauge(out, "tandem_fix_sessions_logged_on", "FIX sessions logged on now", id,
            fix == null ? 0 : fix.sessionsLoggedOn());
        counter(out, "tandem_fix_standby_refused_total", "connections reset while Warm or Stale", id, standbyRefused);
        if (source != null)
        {
            gauge(out, "tandem_replication_sink_attached", "1 while a secondary is attached", id,
                source.sinkAttached() ? 1 : 0);
            gauge(out, "tandem_replication_sent_position", "newest position sent to the secondary", id,
                source.sentPosition());
            gauge(out, "tandem_replication_acked_position", "newest position the secondary acknowledged", id,
                source.ackedPosition());
            gauge(out, "tandem_replication_counted_acked_position",
                "newest position acknowledged by replication.acks sinks, the secondary among them: what the release " +
                "gate waits for (the acked position with acks 1)", id, source.countedAckedPosition());
            gauge(out, "tandem_replication_acks", "sinks that must acknowledge a position (replication.acks)", id,
                source.acksRequired());
            gauge(out, "tandem_replication_lag_entries", "journal entries not yet acknowledged", id,
                source.lagEntries());
            gauge(out, "tandem_replication_lag_bytes", "bytes sent and not yet acknowledged", id, source.lagBytes());
            gauge(out, "tandem_replication_lag_seconds", "age of the oldest unacknowledged entry", id,
                source.lagNs(System.nanoTime()) / 1e9);
            counter(out, "tandem_replication_timeouts_total", "ack waits that timed out (BoundedWait)", id,
                source.timeouts());
            counter(out, "tandem_replication_released_while_away_total",
                "messages released with no secondary attached", id, source.releasedWhileAway());
            counter(out, "tandem_replication_released_unacknowledged_total",
                "messages released to the counterparty before the secondary acknowledged them (any strategy)", id,
                source.releasedUnacknowledged());
            gauge(out, "tandem_replication_degraded",
                "1 while the replica lags beyond lagWarnEntries or lagWarnMs or messages wait for an expired lease",
                id, node.degraded().isEmpty() ? 0 : 1);
            counter(out, "tandem_replication_reconnects_total", "secondary (re)connections", id, source.reconnects());
            counter(out, "tandem_replication_refused_total", "replication connections refused", id,
                source.refusedConnections());
            counter(out, "tandem_replication_evicted_total", "handshaking connections evicted to make room", id,
                source.evictedConnections());
            final long nowNs = System.nanoTime();
            gauge(out, "tandem_replication_lease_valid", "1 while the secondary's lease holds", id,
                source.leaseValid(nowNs) ? 1 : 0);
            gauge(out, "tandem_replication_lease_remaining_seconds", "how long the lease still holds", id,
                source.leaseRemainingNs(nowNs) / 1e9);
            counter(out, "tandem_replication_lease_holds_total",
                "times outbound messages started waiting because the lease had expired", id, source.leaseHolds());
            gauge(out, "tandem_replication_holding_for_lease", "1 while messages wait for an expired lease", id,
                source.holdingForLease() ? 1 : 0);
            counter(out, "tandem_replication_released_unprotected_total",
                "messages released without ack and without a lease (whenLeaseExpired: RELEASE_UNPROTECTED)", id,
                source.releasedUnprotected());
            gauge(out, "tandem_replication_release_unprotected", "1 when whenLeaseExpired is RELEASE_UNPROTECTED",
                id, source.whenLeaseExpired() == dev.tandem.replication.WhenLeaseExpired.RELEASE_UNPROTECTED ? 1 : 0);
            gauge(out, "tandem_replication_loss_bound_entries",
                "most unacknowledged entries released ahead of the acknowledged position (announced)", id,
                source.lossBoundEntries());
            counter(out, "tandem_replication_loss_window_holds_total",
                "times outbound messages started waiting because the loss window was full", id,
                source.lossWindowHolds());
            gauge(out, "tandem_replication_holding_for_loss_window", "1 while messages wait for a full loss window",
                id, source.holdingForLossWindow() ? 1 : 0);
            counter(out, "tandem_replication_probes_total", "fencing probes answered", id, source.probes());
            drSinks(out, id, source);
        }
        if (sink != null)
        {
            gauge(out, "tandem_replication_connected", "1 while streaming from the primary", id,
                sink.connected() ? 1 : 0);
            gauge(out, "tandem_replication_appended_position", "newest position copied from the primary", id,
                sink.lastAppendedPosition());
            gauge(out, "tandem_replication_acked_position", "newest position acknowledged to the primary", id,
                sink.ackedPosition());
            gauge(out, "tandem_replication_lag_entries", "entries the primary has and this node has not", id,
                sink.lagEntries());
            gauge(out, "tandem_replication_caught_up",
                "1 once this node holds what the primary had when it attached: only then may it take over by itself",
                id, sink.heldCatchUpTarget() ? 1 : 0);
            final long lastNs = sink.lastReceivedNs();
            gauge(out, "tandem_replication_silence_seconds", "time since the primary was last heard, -1 never", id,
                lastNs == Long.MIN_VALUE ? -1 : (System.nanoTime() - lastNs) / 1e9);
            counter(out, "tandem_replication_reconnects_total", "reconnections to the primary", id,
                sink.reconnects());
            if (source == null)
            {
                gauge(out, "tandem_replication_loss_bound_entries",
                    "the primary's announced loss bound: entries it may have released that this node lacks", id,
                    sink.lossBoundEntries());
            }
        }
        header(out, "tandem_session_last_outbound_seq_num", "gauge", "newest outbound MsgSeqNum journaled");
        for (final SessionLagTracker.SessionLag session : lag.snapshot())
        {
            line(out, "tandem_session_last_outbound_seq_num", id + ",session=\"" + session.sessionId + "\"",
                session.lastOutboundSeqNum);
        }
        header(out, "tandem_session_last_inbound_seq_num", "gauge", "newest inbound MsgSeqNum journaled");
        for (final SessionLagTracker.SessionLag session : lag.snapshot())
        {
            line(out, "tandem_session_last_inbound_seq_num", id + ",session=\"" + session.sessionId + "\"",
                session.lastInboundSeqNum);
        }
        if (source != null)
        {
            header(out, "tandem_session_replication_lag_seq_nums", "gauge",
                "outbound messages of the session not yet acknowledged by the secondary");
            header(out, "tandem_session_replication_lag_seconds", "gauge",
                "age of the session's oldest unacknowledged outbound message");
            for (final SessionLagTracker.SessionLag session : lag.snapshot())
            {
                final String labels = id + ",session=\"" + session.sessionId + "\"";
                line(out, "tandem_session_replication_lag_seq_nums", labels, session.lagSeqNums());
                final long oldest = session.oldestUnackedNs;
                line(out, "tandem_session_replication_lag_seconds", labels,
                    oldest == Long.MIN_VALUE ? 0 : Math.max(0, nowEpochNs - oldest) / 1e9);
            }
        }
        if (fix != null)
        {
            fix.writeMetrics(out);
        }
    }

    /**
     * The continuous dual-primary check's metrics ({@link DualPrimaryCheck}); nothing when it does not run (no
     * {@code peerAdmin}, or {@code peerCheckIntervalMs: 0}).
     */
    static void writeDualPrimaryCheck(
        final StringBuilder out, final NodeStatus node, final NodeConfig config, final DualPrimaryCheck check)
    {
        if (check == null)
        {
            return;
        }
        final String id = "node=\"" + config.name() + "\"";
        gauge(out, "tandem_node_dual_primary_conflict",
            "1 while this node is Hot and its last check found the peer Hot too", id,
            node.mode() == NodeMode.Hot && check.conflict() ? 1 : 0);
        counter(out, "tandem_node_dual_primary_conflicts_total",
            "times a check found the peer Hot too when the check before had not", id, check.conflicts());
        counter(out, "tandem_node_peer_checks_total", "questions to the peer (peerAdmin) while Hot", id,
            check.checks());
        counter(out, "tandem_node_peer_checks_unanswered_total", "questions to the peer it did not answer", id,
            check.unanswered());
        counter(out, "tandem_node_peer_checks_unauthenticated_total",
            "answers from the peer without a valid proof (all of them without a replication secret): none makes " +
            "this node step down",
            id, check.unauthenticated());
    }

    /** One line per disaster-recovery sink (replication.drSinkNodeIds); nothing when none is listed. */
    private static void drSinks(final StringBuilder out, final String id,
        final dev.tandem.replication.ReplicationSource source)
    {
        final int[] drIds = source.drSinkNodeIds();
        if (drIds.length == 0)
        {
            return;
        }
        header(out, "tandem_replication_dr_attached", "gauge", "1 while the disaster-recovery sink is attached");
        for (final int dr : drIds)
        {
            line(out, "tandem_replication_dr_attached", id + ",dr=\"" + dr + "\"", source.drSinkAttached(dr) ? 1 : 0);
        }
        header(out, "tandem_replication_dr_acked_position", "gauge",
            "newest position the disaster-recovery sink acknowledged (holds back a release only when counted by " +
            "replication.acks)");
        for (final int dr : drIds)
        {
            line(out, "tandem_replication_dr_acked_position", id + ",dr=\"" + dr + "\"", source.drAckedPosition(dr));
        }
        header(out, "tandem_replication_dr_lag_entries", "gauge",
            "entries journaled that the disaster-recovery sink has not acknowledged");
        for (final int dr : drIds)
        {
            line(out, "tandem_replication_dr_lag_entries", id + ",dr=\"" + dr + "\"", source.drLagEntries(dr));
        }
    }

    private static void gauge(final StringBuilder out, final String name, final String help, final String labels,
        final double value)
    {
        header(out, name, "gauge", help);
        line(out, name, labels, value);
    }

    private static void counter(final StringBuilder out, final String name, final String help, final String labels,
        final double value)
    {
        header(out, name, "counter", help);
        line(out, name, labels, value);
    }

    private static void header(final StringBuilder out, final String name, final String type, final String help)
    {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(final StringBuilder out, final String name, final String labels, final double value)
    {
        out.append(name).append('{').append(labels).append("} ");
        if (value == Math.rint(value) && !Double.isInfinite(value))
        {
            out.append((long)value);
        }
        else
        {
            out.append(value);
        }
        out.append('\n');
    }
}
