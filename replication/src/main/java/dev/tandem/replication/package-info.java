/**
 * Replication of the journal from a primary to a secondary over TCP, and the ack strategies that decide when an
 * outbound FIX message may leave the primary.
 * <p>
 * Public API: {@link dev.tandem.replication.ReplicationSource} (primary, an Agrona agent that listens) configured by
 * {@link dev.tandem.replication.ReplicationSourceContext}; {@link dev.tandem.replication.ReplicationSink}
 * (secondary, an agent that connects and reconnects) configured by
 * {@link dev.tandem.replication.ReplicationSinkContext}; {@link dev.tandem.replication.AckStrategy} with
 * {@link dev.tandem.replication.NeverTimesOut}, {@link dev.tandem.replication.WaitForever} and
 * {@link dev.tandem.replication.BoundedWait}, which make {@link dev.tandem.journal.ReleaseGate}s from an
 * {@link dev.tandem.replication.AckProgress}; {@link dev.tandem.replication.CloseReason}. The wire protocol is
 * described in the module's README.
 */
package dev.tandem.replication;
