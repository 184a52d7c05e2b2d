package dev.tandem.systemtests.chaos;

import dev.tandem.fix.SessionIds;
import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.JournalEntry;
import dev.tandem.journal.JournalReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node's journal says about the acceptor session (ISLD to TW) after a run, read with the journal's own reader:
 * every outbound message by MsgSeqNum (all versions, should a seq num be journaled twice) and the ranges of outbound
 * seq nums a journaled sequence change skipped (the 789 path or sequence headroom); and every entry's raw bytes, to
 * compare two journals entry by entry.
 * <p>
 * Threading: one thread; the journal is opened, read and closed in {@link #read(Path)}.
 */
final class ChaosJournals
{
    static final long ACCEPTOR_SESSION = SessionIds.sessionId("FIX.4.4", "ISLD", "TW");

    /** An inclusive range of outbound seq nums skipped by a sequence change. */
    record Range(int from, int to)
    {
        boolean contains(final int seqNum)
        {
            return seqNum >= from && seqNum <= to;
        }

        @Override
        public String toString()
        {
            return from == to ? Integer.toString(from) : from + "-" + to;
        }
    }

    final Map<Integer, List<byte[]>> outbound = new HashMap<>();
    final List<Range> skipped = new ArrayList<>();
    final List<byte[]> rawEntries = new ArrayList<>();
    int lowered;
    int seqNumsJournaledTwice;
    private int nextSender = 1;

    private ChaosJournals()
    {
    }

    static ChaosJournals read(final Path dir)
    {
        final ChaosJournals result = new ChaosJournals();
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()).conclude());
            JournalReader reader = journal.reader(1))
        {
            while (reader.poll(result::onEntry, 4096) > 0)
            {
                // drain
            }
        }
        return result;
    }

    private void onEntry(final JournalEntry entry)
    {
        final byte[] raw = new byte[entry.rawLength()];
        entry.rawBuffer().getBytes(entry.rawOffset(), raw);
        rawEntries.add(raw);
        if (entry.sessionId() != ACCEPTOR_SESSION)
        {
            return;
        }
        if (entry.type() == JournalEntry.TYPE_MESSAGE && entry.direction() == Direction.OUTBOUND)
        {
            final byte[] message = new byte[entry.messageLength()];
            entry.messageBuffer().getBytes(entry.messageOffset(), message);
            final List<byte[]> versions = outbound.computeIfAbsent(entry.msgSeqNum(), seq -> new ArrayList<>(1));
            if (!versions.isEmpty())
            {
                seqNumsJournaledTwice++;
            }
            versions.add(message);
            nextSender = entry.msgSeqNum() + 1;
        }
        else if (entry.type() == JournalEntry.TYPE_SEQUENCE)
        {
            final int next = entry.nextSenderSeqNum();
            if (next > nextSender)
            {
                skipped.add(new Range(nextSender, next - 1));
            }
            else if (next < nextSender)
            {
                lowered++;
            }
            nextSender = next;
        }
    }

    boolean inSkipped(final int seqNum)
    {
        for (final Range range : skipped)
        {
            if (range.contains(seqNum))
            {
                return true;
            }
        }
        return false;
    }

    /** The first entry index (0-based) where two journals differ, or -1 if they are identical entry by entry. */
    static int firstDifference(final ChaosJournals a, final ChaosJournals b)
    {
        final int common = Math.min(a.rawEntries.size(), b.rawEntries.size());
        for (int i = 0; i < common; i++)
        {
            if (!Arrays.equals(a.rawEntries.get(i), b.rawEntries.get(i)))
            {
                return i;
            }
        }
        return a.rawEntries.size() == b.rawEntries.size() ? -1 : common;
    }
}
