package dev.tandem.node;

import dev.tandem.journal.Direction;
import dev.tandem.journal.EntryHandler;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalEntry;
import dev.tandem.journal.JournalReader;
import org.agrona.collections.Long2ObjectHashMap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Follows the journal and keeps, per session, the newest sequence numbers journaled and the outbound messages not
 * yet acknowledged by the secondary, so replication lag per session (in sequence numbers and in time) is a read of
 * counters, not a scan.
 * <p>
 * Threading: {@link #poll} and {@link #onAcked} on the node's control thread only, the single writer of every counter,
 * which publishes them with ordered stores (a release per journal entry, not a full fence); {@link #snapshot} from
 * any thread (it copies volatile fields; values may be a duty cycle old).
 */
final class SessionLagTracker implements AutoCloseable
{
    /** Unacknowledged outbound messages remembered per session; beyond this, the lag in time is of the oldest kept. */
    static final int CAPACITY = 1 << 16;
    /** Entries followed per {@link #poll}. */
    static final int POLL_LIMIT = 4096;

    private static final VarHandle LAST_POSITION = handle(SessionLagTracker.class, "lastPosition", long.class);

    /** One session's counters. */
    static final class SessionLag
    {
        private static final VarHandle LAST_OUTBOUND_SEQ_NUM =
            handle(SessionLag.class, "lastOutboundSeqNum", int.class);
        private static final VarHandle LAST_INBOUND_SEQ_NUM = handle(SessionLag.class, "lastInboundSeqNum", int.class);
        private static final VarHandle ACKED_OUTBOUND_SEQ_NUM =
            handle(SessionLag.class, "ackedOutboundSeqNum", int.class);
        private static final VarHandle OLDEST_UNACKED_NS = handle(SessionLag.class, "oldestUnackedNs", long.class);

        final long sessionId;
        volatile int lastOutboundSeqNum;
        volatile int lastInboundSeqNum;
        volatile int ackedOutboundSeqNum;
        volatile long oldestUnackedNs = Long.MIN_VALUE;
        private final long[] positions = new long[CAPACITY];
        private final int[] seqNums = new int[CAPACITY];
        private final long[] timestamps = new long[CAPACITY];
        private long head;
        private long tail;

        SessionLag(final long sessionId)
        {
            this.sessionId = sessionId;
        }

        void onOutbound(final long position, final int seqNum, final long timestampNs)
        {
            LAST_OUTBOUND_SEQ_NUM.setRelease(this, seqNum);
            if (tail - head == CAPACITY)
            {
                head++;
            }
            final int index = (int)(tail & (CAPACITY - 1));
            positions[index] = position;
            seqNums[index] = seqNum;
            timestamps[index] = timestampNs;
            tail++;
            if (tail - head == 1)
            {
                OLDEST_UNACKED_NS.setRelease(this, timestampNs);
            }
        }

        void onAcked(final long ackedPosition)
        {
            while (head < tail)
            {
                final int index = (int)(head & (CAPACITY - 1));
                if (positions[index] > ackedPosition)
                {
                    OLDEST_UNACKED_NS.setRelease(this, timestamps[index]);
                    return;
                }
                ACKED_OUTBOUND_SEQ_NUM.setRelease(this, seqNums[index]);
                head++;
            }
            OLDEST_UNACKED_NS.setRelease(this, Long.MIN_VALUE);
        }

        int lagSeqNums()
        {
            return Math.max(0, lastOutboundSeqNum - ackedOutboundSeqNum);
        }

        void onInbound(final int seqNum)
        {
            LAST_INBOUND_SEQ_NUM.setRelease(this, seqNum);
        }
    }

    private final Long2ObjectHashMap<SessionLag> sessions = new Long2ObjectHashMap<>();
    private final List<SessionLag> ordered = new ArrayList<>();
    private final LongFunction<SessionLag> factory = this::newSession;
    private final EntryHandler handler = this::onEntry;
    private JournalReader reader;
    private volatile long lastPosition;

    private static VarHandle handle(final Class<?> owner, final String field, final Class<?> type)
    {
        try
        {
            return MethodHandles.lookup().findVarHandle(owner, field, type);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Starts following {@code journal} from {@code fromPosition} (1 = the start). */
    void follow(final Journal journal, final long fromPosition)
    {
        close();
        reader = journal.reader(fromPosition);
    }

    private SessionLag newSession(final long sessionId)
    {
        final SessionLag lag = new SessionLag(sessionId);
        synchronized (ordered)
        {
            ordered.add(lag);
        }
        return lag;
    }

    /**
     * Follows the journal by up to a batch of entries; returns 1 if the batch was full (more may be waiting), else 0.
     * Entries read are bookkeeping, not work of the control thread's own: counting them would hold its idle strategy
     * at its shortest park for as long as traffic flows (a wake-up every 100 us on each node, competing with the FIX
     * and replication threads for the cores), where following once per park keeps up with any rate the journal takes.
     */
    int poll()
    {
        return reader != null && reader.poll(handler, POLL_LIMIT) == POLL_LIMIT ? 1 : 0;
    }

    private void onEntry(final JournalEntry entry)
    {
        LAST_POSITION.setRelease(this, entry.position());
        if (entry.type() != JournalEntry.TYPE_MESSAGE)
        {
            return;
        }
        final SessionLag lag = sessions.computeIfAbsent(entry.sessionId(), factory);
        if (entry.direction() == Direction.OUTBOUND)
        {
            lag.onOutbound(entry.position(), entry.msgSeqNum(), entry.timestampNs());
        }
        else
        {
            lag.onInbound(entry.msgSeqNum());
        }
    }

    /** Everything up to {@code ackedPosition} is held by the secondary. */
    void onAcked(final long ackedPosition)
    {
        synchronized (ordered)
        {
            for (int i = 0; i < ordered.size(); i++)
            {
                ordered.get(i).onAcked(ackedPosition);
            }
        }
    }

    /** The sessions seen so far, for metrics; any thread. */
    List<SessionLag> snapshot()
    {
        synchronized (ordered)
        {
            return new ArrayList<>(ordered);
        }
    }

    long lastPosition()
    {
        return lastPosition;
    }

    @Override
    public void close()
    {
        if (reader != null)
        {
            reader.close();
            reader = null;
        }
    }
}
