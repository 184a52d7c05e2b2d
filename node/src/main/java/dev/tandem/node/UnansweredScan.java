package dev.tandem.node;

import dev.tandem.fix.FixSession;
import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalEntry;
import dev.tandem.journal.JournalReader;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, in the newest {@link Correlation#scanEntries()} entries of the journal, the inbound application messages of
 * one session that have no answer (see {@link Correlation}), and hands each to the {@link RecoveryHandler} in journal
 * order. Two passes over the same range: the first keeps a map from the hash of each unanswered correlation value to
 * its entry's position (an answer removes it), the second delivers the entries left. Values are compared by a 64-bit
 * hash, so nothing is copied into strings.
 * <p>
 * Threading: the FIX engine's duty-cycle thread, which is the journal's only appender while Hot: the range it reads
 * does not move under it.
 */
final class UnansweredScan
{
    private static final Logger LOG = LoggerFactory.getLogger(UnansweredScan.class);
    private static final int POLL_LIMIT = 4096;
    /** Empty polls tolerated before the end of the range (a poll may read nothing before the end). */
    private static final int MAX_EMPTY_POLLS = 10_000;

    private final Correlation correlation;
    private final FixDecoder decoder = new FixDecoder();
    private final Long2LongHashMap pending = new Long2LongHashMap(Long.MIN_VALUE);
    private final LongHashSet unanswered = new LongHashSet();
    // named classes, not method references: the scan runs at a session's first Logon after an activation, where
    // linking one costs that Logon a millisecond or so (see ActivationPreload)
    private final dev.tandem.journal.EntryHandler matcher = new dev.tandem.journal.EntryHandler()
    {
        @Override
        public void onEntry(final JournalEntry entry)
        {
            match(entry);
        }
    };
    private final dev.tandem.journal.EntryHandler deliverer = new dev.tandem.journal.EntryHandler()
    {
        @Override
        public void onEntry(final JournalEntry entry)
        {
            deliver(entry);
        }
    };
    private FixSession session;
    private RecoveryHandler handler;
    private int delivered;

    UnansweredScan(final Correlation correlation)
    {
        this.correlation = correlation;
    }

    /**
     * Scans for {@code session} and calls {@code handler} for each unanswered message.
     *
     * @return how many were handed over.
     */
    int scan(final Journal journal, final FixSession session, final RecoveryHandler handler)
    {
        final long last = journal.lastPosition();
        if (last < 1)
        {
            return 0;
        }
        final long from = Math.max(Math.max(1, journal.firstPosition()), last - correlation.scanEntries() + 1);
        this.session = session;
        this.handler = handler;
        pending.clear();
        unanswered.clear();
        delivered = 0;
        read(journal, from, last, matcher);
        if (pending.isEmpty())
        {
            return 0;
        }
        for (final Long2LongHashMap.EntryIterator entries = pending.entrySet().iterator(); entries.hasNext(); )
        {
            entries.next();
            unanswered.add(entries.getLongValue());
        }
        read(journal, from, last, deliverer);
        LOG.info("{}: {} inbound message(s) without an answer ({}) in journal positions {}..{} handed to the " +
            "application", session, delivered, correlation, from, last);
        return delivered;
    }

    private static void read(final Journal journal, final long from, final long last,
        final dev.tandem.journal.EntryHandler handler)
    {
        try (JournalReader reader = journal.reader(from))
        {
            int empty = 0;
            while (reader.nextPosition() <= last && empty < MAX_EMPTY_POLLS)
            {
                empty = reader.poll(handler, POLL_LIMIT) == 0 ? empty + 1 : 0;
            }
        }
    }

    private boolean applicationMessageOf(final JournalEntry entry)
    {
        return entry.type() == JournalEntry.TYPE_MESSAGE && entry.sessionId() == session.sessionId() &&
            (entry.flags() & JournalEntry.FLAG_ADMIN) == 0 &&
            decoder.wrap(entry.messageBuffer(), entry.messageOffset(), entry.messageLength()) == FixDecoder.OK &&
            !decoder.isAdmin();
    }

    private void match(final JournalEntry entry)
    {
        if (!applicationMessageOf(entry))
        {
            return;
        }
        if (entry.direction() == Direction.INBOUND)
        {
            if (needsAnswer())
            {
                final long hash = valueHash(correlation.inboundTag());
                if (hash != Long.MIN_VALUE)
                {
                    pending.put(hash, entry.position());
                }
            }
        }
        else
        {
            final long hash = valueHash(correlation.outboundTag());
            if (hash != Long.MIN_VALUE)
            {
                pending.remove(hash);
            }
        }
    }

    private void deliver(final JournalEntry entry)
    {
        if (entry.direction() == Direction.INBOUND && unanswered.contains(entry.position()))
        {
            delivered++;
            handler.onUnanswered(entry.messageBuffer(), entry.messageOffset(), entry.messageLength(),
                entry.msgSeqNum(), session);
        }
    }

    private boolean needsAnswer()
    {
        final int types = correlation.inboundMsgTypeCount();
        if (types == 0)
        {
            return true;
        }
        for (int i = 0; i < types; i++)
        {
            if (decoder.isMsgType(correlation.inboundMsgType(i)))
            {
                return true;
            }
        }
        return false;
    }

    /** FNV-1a over the value's bytes, or Long.MIN_VALUE when the field is absent. */
    private long valueHash(final int tag)
    {
        final int index = decoder.fieldIndex(tag);
        if (index < 0)
        {
            return Long.MIN_VALUE;
        }
        final DirectBuffer buffer = decoder.buffer();
        final int offset = decoder.valueOffset(index);
        final int length = decoder.valueLength(index);
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < length; i++)
        {
            hash ^= buffer.getByte(offset + i) & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash == Long.MIN_VALUE ? hash + 1 : hash;
    }
}
