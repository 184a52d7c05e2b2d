package dev.tandem.node;

import dev.tandem.fix.FixApplication;
import dev.tandem.fix.FixSession;
import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.FixEncoder;
import dev.tandem.journal.Direction;
import dev.tandem.journal.EntryHandler;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalEntry;
import dev.tandem.journal.JournalReader;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayQueue;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * The built-in application ({@code application: echo}): sends every application message back to its sender with the
 * same MsgType and body fields, under our own header. Used by the demo and the system tests: every order sent gets
 * one answer, so loss and duplication are visible end to end. A message that arrives with PossDupFlag=Y (resent after
 * a failover) is answered with PossResend=Y, since its answer may already have been sent. On activation it finds in
 * the replicated journal the requests the old primary received but never answered, and answers them at Logon.
 * <p>
 * Finding them is a scan of the journal in order, matching each session's inbound requests with its outbound
 * answers. While the node is Warm the scan follows the replica ({@link #onReplicated}, a bounded batch per call), so
 * the activation reads only the entries replicated since the last batch instead of the whole journal: the
 * activation's cost no longer grows with the journal. The scan's state (the positions of the requests not matched yet)
 * is changed by the scan alone, so it is always what a scan from position 1 would give; what the activation found is
 * copied out and answered from there.
 * <p>
 * PossResend (FIX 4.2, 4.4 application level): a message with PossResend=Y whose ClOrdID (11) this application has
 * already answered in this session is a duplicate and gets no second answer (counted in {@link #duplicates()}). The
 * answered ClOrdIDs are remembered per session as 64-bit hashes, the last {@link #ANSWERED_IDS_PER_SESSION} of them,
 * and rebuilt from the journal's outbound answers at activation, so a secondary that took over knows what the old
 * primary answered. A PossResend=Y order not among them is answered like a new one while the window has never
 * overflowed, and with PossResend=Y once it has (it may then be older than the window).
 * <p>
 * Threading: {@link #onReplicated} and {@link #onActivation} on the node's control thread, the rest on the acceptor's
 * duty-cycle thread; the node never runs them at the same time (see {@link RecoverableApplication}).
 */
public final class EchoApplication implements FixApplication, RecoverableApplication
{
    /** PossResend: "this may repeat an earlier message under a new MsgSeqNum". */
    static final int POSS_RESEND = 97;

    /**
     * How many answered ClOrdIDs are remembered per session: a PossResend normally follows its original within
     * seconds; 65,536 orders cover minutes of a busy session for 1 MiB of memory per session.
     */
    public static final int ANSWERED_IDS_PER_SESSION = 65_536;
    private static final int CL_ORD_ID = 11;

    /**
     * Entries read per call of {@link #onReplicated}: bounds the control agent's work in one duty cycle, which under
     * {@code SHARED} threading is the replication sink's too (a large batch delays its acknowledgements).
     */
    static final int SCAN_BATCH = 512;

    /** The scan's state: per session, the positions of inbound requests no outbound answer matched yet, in order. */
    private final Long2ObjectHashMap<LongArrayQueue> unmatched = new Long2ObjectHashMap<>();
    /** What the last activation found unmatched, per session: answered at the session's Logon. */
    private final Long2ObjectHashMap<LongArrayQueue> unanswered = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<AnsweredIds> answered = new Long2ObjectHashMap<>();
    // named classes, not method references or lambdas, on every path an activation runs: linking one costs the first
    // activation of a process a millisecond or so (see the node's ActivationPreload)
    private final EntryHandler matcher = new EntryHandler()
    {
        @Override
        public void onEntry(final JournalEntry entry)
        {
            match(entry);
        }
    };
    private final EntryHandler copier = new EntryHandler()
    {
        @Override
        public void onEntry(final JournalEntry entry)
        {
            copy(entry);
        }
    };
    /** The journal the scan belongs to (a journal set aside and replaced starts the scan again), and where it is. */
    private Journal scanned;
    private long scannedTo;
    /** Kept open between calls on {@link #scanned}: opening a reader seeks the journal's index each time. */
    private JournalReader scanReader;
    /** The journal of the last activation, where {@link #unanswered} positions are read at Logon. */
    private Journal activeJournal;
    private byte[] copied;
    private long duplicates;
    private final FixDecoder pendingDecoder = new FixDecoder();
    private long echoed;
    private long backPressured;
    private long recovered;

    /**
     * Every application message journaled inbound is answered by exactly one application message journaled outbound,
     * in order, per session: the inbound ones left over at the end of the journal were received by the old primary
     * and never answered. They are answered (with PossResend=Y) when their session logs on.
     */
    @Override
    public void onActivation(final Journal journal)
    {
        while (scan(journal, SCAN_BATCH) > 0)
        {
            // to the end: nothing appends to the journal during this call
        }
        // Hot from here: nothing to follow until the node turns Warm again, when the scan goes on from here
        closeScanReader();
        activeJournal = journal;
        unanswered.clear();
        for (final Long2ObjectHashMap<LongArrayQueue>.EntryIterator entries = unmatched.entrySet().iterator();
            entries.hasNext(); )
        {
            entries.next();
            final LongArrayQueue positions = entries.getValue();
            if (!positions.isEmpty())
            {
                final LongArrayQueue copy = new LongArrayQueue();
                for (final LongArrayQueue.LongIterator each = positions.iterator(); each.hasNext(); )
                {
                    copy.addLong(each.nextValue());
                }
                unanswered.put(entries.getLongKey(), copy);
            }
        }
    }

    /** Follows the replica while the node is Warm: matches up to {@link #SCAN_BATCH} new entries. */
    @Override
    public int onReplicated(final Journal journal)
    {
        return scan(journal, SCAN_BATCH);
    }

    /** Matches up to {@code limit} entries after the last one matched; returns how many were read. */
    private int scan(final Journal journal, final int limit)
    {
        if (journal != scanned)
        {
            closeScanReader();
            scanned = journal;
            scannedTo = 0;
            unmatched.clear();
        }
        if (journal.lastPosition() <= scannedTo)
        {
            return 0;
        }
        if (scanReader == null)
        {
            scanReader = journal.reader(Math.max(scannedTo + 1, journal.firstPosition()));
        }
        final int read = scanReader.poll(matcher, limit);
        scannedTo = scanReader.nextPosition() - 1;
        return read;
    }

    private void closeScanReader()
    {
        if (scanReader != null)
        {
            try
            {
                scanReader.close();
            }
            catch (final RuntimeException ex)
            {
                // the reader of a journal that was set aside and closed: nothing left to release
            }
            scanReader = null;
        }
    }

    private void match(final JournalEntry entry)
    {
        if (entry.type() != JournalEntry.TYPE_MESSAGE || (entry.flags() & JournalEntry.FLAG_ADMIN) != 0)
        {
            return;
        }
        LongArrayQueue pending = unmatched.get(entry.sessionId());
        if (pending == null)
        {
            pending = new LongArrayQueue();
            unmatched.put(entry.sessionId(), pending);
        }
        if (entry.direction() == Direction.OUTBOUND &&
            pendingDecoder.wrap(entry.messageBuffer(), entry.messageOffset(), entry.messageLength()) == FixDecoder.OK)
        {
            final long clOrdId = clOrdIdHash(pendingDecoder);
            if (clOrdId != 0)
            {
                answeredIds(entry.sessionId()).add(clOrdId);
            }
        }
        if (entry.direction() == Direction.INBOUND)
        {
            pending.addLong(entry.position());
        }
        else if (!pending.isEmpty())
        {
            pending.removeLong();
        }
    }

    private void copy(final JournalEntry entry)
    {
        copied = new byte[entry.messageLength()];
        entry.messageBuffer().getBytes(entry.messageOffset(), copied);
    }

    /** The message journaled at {@code position} of the activation's journal (recovery only: allocates). */
    private byte[] message(final long position)
    {
        copied = null;
        try (JournalReader reader = activeJournal.reader(position))
        {
            reader.poll(copier, 1);
        }
        return copied;
    }

    /** Requests found unanswered at activation and not answered yet. */
    public int unansweredCount()
    {
        int count = 0;
        for (final LongArrayQueue pending : unanswered.values())
        {
            count += pending.size();
        }
        return count;
    }

    /** Requests answered at Logon after an activation. */
    public long recovered()
    {
        return recovered;
    }

    @Override
    public void onLogon(final FixSession session)
    {
        final LongArrayQueue pending = unanswered.get(session.sessionId());
        while (pending != null && !pending.isEmpty())
        {
            final byte[] message = message(pending.peekLong());
            if (message == null)
            {
                pending.removeLong();
                continue;
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(message);
            // a long repeating group needs more fields than the default decoder indexes (recovery only, so it may
            // allocate); a field takes at least 4 bytes
            final FixDecoder decoder = message.length / 4 + 1 > FixDecoder.DEFAULT_MAX_FIELDS ?
                new FixDecoder(message.length / 4 + 1) : pendingDecoder;
            if (decoder.wrap(buffer, 0, message.length) != FixDecoder.OK)
            {
                pending.removeLong();
                continue;
            }
            final byte[] msgType = new byte[decoder.msgTypeLength()];
            buffer.getBytes(decoder.msgTypeOffset(), msgType);
            final FixEncoder encoder = session.tryClaim(new String(msgType, StandardCharsets.US_ASCII));
            if (encoder == null)
            {
                return;
            }
            encoder.putChar(POSS_RESEND, 'Y').putRawFields(buffer, decoder.bodyOffset(), decoder.bodyLength());
            if (session.commit() < 0)
            {
                return;
            }
            pending.removeLong();
            recovered++;
        }
    }

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession session)
    {
        final FixDecoder decoder = session.decoder();
        final long clOrdId = clOrdIdHash(decoder);
        final boolean possResend = decoder.booleanValue(POSS_RESEND);
        final AnsweredIds answeredIds = clOrdId == 0 ? null : answeredIds(session.sessionId());
        if (possResend && answeredIds != null && answeredIds.contains(clOrdId))
        {
            duplicates++;
            return;
        }
        // a PossResend whose ClOrdID is known unanswered (the window never overflowed) is answered like a new order
        final boolean mayRepeat = decoder.possDup() || (possResend && (answeredIds == null || answeredIds.full));
        final long result;
        if (mayRepeat)
        {
            result = echoResent(buffer, decoder, session);
        }
        else
        {
            result = session.send(buffer, decoder.msgTypeOffset(), decoder.msgTypeLength(),
                buffer, decoder.bodyOffset(), decoder.bodyLength());
        }
        if (result > 0)
        {
            echoed++;
            if (answeredIds != null)
            {
                answeredIds.add(clOrdId);
            }
        }
        else
        {
            backPressured++;
        }
    }

    /**
     * The answer to a message that may have been seen before (a resend after a failover) may itself repeat an
     * answer the counterparty already has: it goes out with PossResend(97)=Y so the counterparty can tell.
     * Allocates the MsgType string: resends are rare.
     */
    private static long echoResent(final DirectBuffer buffer, final FixDecoder decoder, final FixSession session)
    {
        final byte[] msgType = new byte[decoder.msgTypeLength()];
        buffer.getBytes(decoder.msgTypeOffset(), msgType);
        final FixEncoder encoder = session.tryClaim(new String(msgType, StandardCharsets.US_ASCII));
        if (encoder == null)
        {
            return session.lastStatus();
        }
        encoder.putChar(POSS_RESEND, 'Y').putRawFields(buffer, decoder.bodyOffset(), decoder.bodyLength());
        return session.commit();
    }

    /** PossResend=Y messages not answered because their ClOrdID was answered before. */
    public long duplicates()
    {
        return duplicates;
    }

    /** @return true when the ClOrdID of the message {@code decoder} holds is among those answered in the session. */
    boolean hasAnswered(final long sessionId, final FixDecoder decoder)
    {
        final AnsweredIds ids = answered.get(sessionId);
        final long hash = clOrdIdHash(decoder);
        return ids != null && hash != 0 && ids.contains(hash);
    }

    private AnsweredIds answeredIds(final long sessionId)
    {
        AnsweredIds ids = answered.get(sessionId);
        if (ids == null)
        {
            ids = new AnsweredIds(ANSWERED_IDS_PER_SESSION);
            answered.put(sessionId, ids);
        }
        return ids;
    }

    /** FNV-1a over the ClOrdID's bytes, never 0; 0 when the message has no ClOrdID. Allocation-free. */
    static long clOrdIdHash(final FixDecoder decoder)
    {
        final int index = decoder.fieldIndex(CL_ORD_ID);
        if (index < 0 || index < decoder.bodyStartIndex())
        {
            return 0;
        }
        final DirectBuffer buffer = decoder.buffer();
        final int offset = decoder.valueOffset(index);
        long hash = 0xcbf29ce484222325L;
        for (int i = 0, n = decoder.valueLength(index); i < n; i++)
        {
            hash ^= buffer.getByte(offset + i) & 0xFF;
            hash *= 0x100000001b3L;
        }
        return hash == 0 ? 1 : hash;
    }

    /** The last {@code capacity} answered ClOrdID hashes of one session: a set plus a ring for eviction. */
    static final class AnsweredIds
    {
        private final LongHashSet set;
        private final long[] ring;
        private int next;
        private boolean full;

        AnsweredIds(final int capacity)
        {
            this.set = new LongHashSet(capacity * 2);
            this.ring = new long[capacity];
        }

        boolean contains(final long hash)
        {
            return set.contains(hash);
        }

        void add(final long hash)
        {
            if (!set.add(hash))
            {
                return;
            }
            if (full)
            {
                set.remove(ring[next]);
            }
            ring[next] = hash;
            next++;
            if (next == ring.length)
            {
                next = 0;
                full = true;
            }
        }
    }

    /** Messages echoed. */
    public long echoed()
    {
        return echoed;
    }

    /** Messages that could not be echoed (outbound buffer full, not logged on). */
    public long notEchoed()
    {
        return backPressured;
    }
}
