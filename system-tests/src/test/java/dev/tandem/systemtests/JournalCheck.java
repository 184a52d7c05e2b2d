package dev.tandem.systemtests;

import dev.tandem.fix.SessionIds;
import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.JournalEntry;
import dev.tandem.journal.JournalReader;
import org.agrona.collections.Int2ObjectHashMap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Compares what the initiator received from the primary with what the secondary's journal holds. */
final class JournalCheck
{
    /** The initiator's session (TW to ISLD) and the acceptor's (ISLD to TW). */
    static final long INITIATOR_SESSION = SessionIds.sessionId("FIX.4.4", "TW", "ISLD");
    static final long ACCEPTOR_SESSION = SessionIds.sessionId("FIX.4.4", "ISLD", "TW");

    private JournalCheck()
    {
    }

    /** MsgSeqNum to message bytes of one session and direction, newest wins. */
    static Int2ObjectHashMap<byte[]> messages(final Path dir, final long sessionId, final Direction direction)
    {
        final Int2ObjectHashMap<byte[]> result = new Int2ObjectHashMap<>();
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()).conclude());
            JournalReader reader = journal.reader(1))
        {
            while (reader.poll(entry -> collect(entry, sessionId, direction, result), 4096) > 0)
            {
                // drain
            }
        }
        return result;
    }

    private static void collect(final JournalEntry entry, final long sessionId, final Direction direction,
        final Int2ObjectHashMap<byte[]> result)
    {
        if (entry.type() == JournalEntry.TYPE_MESSAGE && entry.sessionId() == sessionId &&
            entry.direction() == direction)
        {
            final byte[] bytes = new byte[entry.messageLength()];
            entry.messageBuffer().getBytes(entry.messageOffset(), bytes);
            result.put(entry.msgSeqNum(), bytes);
        }
    }

    /**
     * Seq nums below {@code boundarySeqNum} that the initiator received but the secondary's journal does not hold
     * with the same bytes.
     */
    static List<Integer> missingOnSecondary(final Path initiatorJournal, final Path secondaryJournal,
        final int boundarySeqNum)
    {
        final Int2ObjectHashMap<byte[]> received = messages(initiatorJournal, INITIATOR_SESSION, Direction.INBOUND);
        final Int2ObjectHashMap<byte[]> replicated = messages(secondaryJournal, ACCEPTOR_SESSION, Direction.OUTBOUND);
        final List<Integer> missing = new ArrayList<>();
        for (int seq = 1; seq < boundarySeqNum; seq++)
        {
            final byte[] got = received.get(seq);
            if (got != null && !Arrays.equals(got, replicated.get(seq)))
            {
                missing.add(seq);
            }
        }
        return missing;
    }

    /** How many inbound messages below the boundary the initiator journaled (a sanity check for the test). */
    static int receivedBelow(final Path initiatorJournal, final int boundarySeqNum)
    {
        final Int2ObjectHashMap<byte[]> received = messages(initiatorJournal, INITIATOR_SESSION, Direction.INBOUND);
        int count = 0;
        for (int seq = 1; seq < boundarySeqNum; seq++)
        {
            if (received.containsKey(seq))
            {
                count++;
            }
        }
        return count;
    }
}
