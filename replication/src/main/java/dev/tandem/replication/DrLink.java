package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

import static dev.tandem.replication.FrameDescriptor.*;

/**
 * The source's link to one disaster-recovery sink (a node id listed in
 * {@link ReplicationSourceContext#drSinkNodeIds(java.util.List)}): the same stream as the standby's (catch-up, then
 * the live tail, heartbeats), with its own read position and its own {@link SourceCounters}, which no release gate
 * reads directly. With {@code acks: 1} (the default) its acknowledgements, its lease and its lag therefore never hold
 * back or release an outbound message: a DR copy that lags, stalls or is gone costs the primary nothing but this
 * link's buffers. With {@code acks} above 1 its acknowledged position is counted by the source's {@link AckCounter}
 * (a stalled or detached DR copy then holds releases as the strategy says); it never renews the lease, which the
 * standby alone grants, since only the standby may activate. While a standby is
 * attached, the link is sent only what the standby has acknowledged (the source passes that limit to
 * {@link #poll}), so a DR copy is never ahead of the standby: when the standby takes over, the DR copy's journal is a
 * prefix of its journal and follows it without being refused as diverged. It takes no part in a
 * planned switchover (a SWITCHOVER_REQUEST or HANDOVER_ACCEPTED from it is a protocol error).
 * <p>
 * Threading: owned by the source's agent thread (attach, poll, detach); the accessors the source exposes are volatile
 * reads, safe from any thread. Buffers are allocated once, at construction.
 */
final class DrLink
{
    private static final Logger LOG = LoggerFactory.getLogger(DrLink.class);

    final int nodeId;
    private final ReplicationSourceContext context;
    private final Journal journal;
    private final FrameChannel channel;
    private final SourceCounters counters = new SourceCounters();
    private final EntryStreamer streamer;
    /** A named class, not a method reference: a source is created by an activation (see ReplicationSource). */
    private final FrameChannel.FrameHandler handler = new FrameChannel.FrameHandler()
    {
        @Override
        public boolean onFrame(final UnsafeBuffer buffer, final int offset, final int length, final int type)
        {
            return DrLink.this.onFrame(buffer, offset, length, type);
        }
    };
    private String remote = "";
    private long nowNs;
    private long lastSentNs;
    private long lastReceivedNs;
    private volatile long sinkEpoch = -1;
    /** The source thread's idle handle: the link's sockets are watched through it. */
    private final dev.tandem.journal.idle.IdleWaker idleWaker;

    DrLink(final int nodeId, final ReplicationSourceContext context, final Journal journal,
        final dev.tandem.journal.idle.IdleWaker idleWaker)
    {
        this.nodeId = nodeId;
        this.idleWaker = idleWaker;
        this.context = context;
        this.journal = journal;
        this.channel = new FrameChannel(MAX_SINK_FRAME_LENGTH * 16, context.maxBatchBytes() * 3 + 4096)
            .maxFrameLength(MAX_SINK_FRAME_LENGTH);
        this.streamer = new EntryStreamer(journal, channel, counters);
    }

    /**
     * Takes over an authenticated, checked (epoch, prefix) connection from this node: supersedes this node's previous
     * link, if any, and welcomes it. {@code reader} as for {@link EntryStreamer#start}.
     */
    void attach(final PendingSink peer, final JournalReader reader, final long ourLast, final long nowNs)
    {
        this.nowNs = nowNs;
        if (counters.sinkAttached())
        {
            detach(CloseReason.SUPERSEDED, "DR sink node " + nodeId + " attached again from " + peer.remote);
        }
        channel.reset(peer.channel.channel(), peer.channel.tls());
        idleWaker.watch(peer.channel.channel(), java.nio.channels.SelectionKey.OP_READ);
        remote = peer.remote;
        final long sinkLast = peer.nextPosition - 1;
        streamer.start(reader, peer.nextPosition, Math.min(context.maxBatchBytes(), peer.sinkMaxFrameLength));
        counters.onAttached(sinkLast);
        sinkEpoch = peer.sinkEpoch;
        lastReceivedNs = nowNs;
        final int at = channel.claim(WELCOME_LENGTH);
        final UnsafeBuffer out = channel.sendBuffer();
        header(out, at, WELCOME_LENGTH, TYPE_WELCOME);
        out.putLong(at + WELCOME_START_POSITION_OFFSET, peer.nextPosition, ORDER);
        out.putLong(at + WELCOME_SOURCE_LAST_POSITION_OFFSET, ourLast, ORDER);
        out.putLong(at + WELCOME_LOSS_BOUND_OFFSET, context.lossBoundEntries(), ORDER);
        channel.commit(at, WELCOME_LENGTH);
        lastSentNs = nowNs;
        counters.onWelcomed(ourLast);
        LOG.info("Replication DR sink node {} (epoch {}) attached from {}: resuming at position {}, source at {}; " +
            "{}", nodeId, peer.sinkEpoch, peer.remote, peer.nextPosition, ourLast, context.acksRequired() == 1 ?
            "its acknowledgements never hold back a release" :
            "its acknowledgements count for the release gate (acks " + context.acksRequired() + ")");
    }

    boolean attached()
    {
        return counters.sinkAttached();
    }

    /**
     * Reads acks, streams what the journal holds beyond what was sent up to {@code limitPosition}, heartbeats;
     * detaches on any failure.
     */
    int poll(final long nowNs, final long limitPosition)
    {
        this.nowNs = nowNs;
        int work = 0;
        try
        {
            final int read = channel.read();
            if (read < 0)
            {
                detach(CloseReason.CONNECTION_LOST, "end of stream from the DR sink");
                return 1;
            }
            if (read > 0)
            {
                lastReceivedNs = nowNs;
                work++;
                final int status = channel.poll(handler, Integer.MAX_VALUE);
                if (status < 0)
                {
                    if (status != FrameChannel.HANDLER_STOP)
                    {
                        detach(status == FrameChannel.BAD_LENGTH ? CloseReason.FRAME_TOO_LONG :
                            CloseReason.PROTOCOL_ERROR, status == FrameChannel.BAD_LENGTH ?
                            "bad frame length " + channel.lastBadLength() : "frame checksum mismatch");
                    }
                    return work;
                }
            }
            final long bytesBefore = counters.bytesSent();
            final int entries = streamer.send(nowNs, limitPosition);
            if (entries == EntryStreamer.ERROR)
            {
                detach(streamer.errorReason(), streamer.errorText());
                return 1;
            }
            work += entries;
            if (counters.bytesSent() != bytesBefore)
            {
                lastSentNs = nowNs;
            }
            if (nowNs - lastSentNs >= context.link().heartbeatIntervalNs() &&
                channel.offerPosition(TYPE_HEARTBEAT, journal.lastPosition(), nowNs))
            {
                lastSentNs = nowNs;
            }
            work += channel.flush() > 0 ? 1 : 0;
            if (channel.hasBufferedInput())
            {
                work++;
            }
            if (nowNs - lastReceivedNs > context.link().heartbeatTimeoutNs())
            {
                detach(CloseReason.HEARTBEAT_TIMEOUT, "nothing from the DR sink for " + context.heartbeatTimeoutMs() +
                    " ms");
            }
        }
        catch (final javax.net.ssl.SSLException ex)
        {
            detach(CloseReason.TLS_FAILED, ex.toString());
        }
        catch (final IOException ex)
        {
            detach(CloseReason.CONNECTION_LOST, ex.toString());
        }
        return work;
    }

    private boolean onFrame(final UnsafeBuffer buffer, final int offset, final int length, final int type)
    {
        switch (type)
        {
            case TYPE_ACK:
                if (length != ACK_LENGTH)
                {
                    break;
                }
                final long acked = buffer.getLong(offset + POSITION_OFFSET, ORDER);
                if (acked > counters.sentPosition())
                {
                    detach(CloseReason.PROTOCOL_ERROR, "ack of position " + acked + " beyond " +
                        counters.sentPosition());
                    return false;
                }
                // its own counters only (AckCounter may count them); the echoed stamp is ignored: a DR ack never
                // renews the lease, whatever acks says
                counters.onAcked(acked, nowNs);
                return true;
            case TYPE_HEARTBEAT:
                if (length != HEARTBEAT_LENGTH)
                {
                    break;
                }
                // the echoed stamp would renew a lease: a DR sink grants none that counts, whatever acks says
                return true;
            case TYPE_CLOSE:
                final CloseReason reason = CloseReason.ofCode(buffer.getInt(offset + CLOSE_REASON_OFFSET, ORDER));
                LOG.warn("Replication DR sink node {} at {} closed the connection: {} {}", nodeId, remote, reason,
                    closeText(buffer, offset, length));
                detach(reason, null);
                return false;
            default:
                break;
        }
        detach(CloseReason.PROTOCOL_ERROR, "unexpected frame type " + type + " of " + length + " bytes from a DR " +
            "sink (a DR sink takes no part in a switchover)");
        return false;
    }

    /** Closes the link (with a close frame when {@code text} is given); nothing if it is not attached. */
    void detach(final CloseReason reason, final String text)
    {
        if (!counters.onDetached())
        {
            return;
        }
        if (text != null)
        {
            if (reason == CloseReason.SHUTDOWN)
            {
                // the source's own orderly close, as for the standby's link: worth a line, not a warning
                LOG.info("Replication DR sink node {} at {} detached: {} {}", nodeId, remote, reason, text);
            }
            else
            {
                LOG.warn("Replication DR sink node {} at {} detached: {} {}", nodeId, remote, reason, text);
            }
            channel.closeWith(reason, text);
        }
        else
        {
            channel.close();
        }
        // the DR sink sees the end now, not when the source's thread next blocks in its idle strategy's select
        idleWaker.releaseClosedChannels();
        streamer.stop();
    }

    /** Closes the link and the stream for good (the source is closing). */
    void close()
    {
        detach(CloseReason.SHUTDOWN, "source shutting down");
        streamer.stop();
    }

    long ackedPosition()
    {
        return counters.ackedPosition();
    }

    long sentPosition()
    {
        return counters.sentPosition();
    }

    long sinkEpoch()
    {
        return sinkEpoch;
    }

    long sessions()
    {
        return counters.sinkSessions();
    }
}
