package dev.tandem.systemtests;

import dev.tandem.fix.SessionIds;
import dev.tandem.journal.Direction;
import dev.tandem.journal.EntryHandler;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.JournalEntry;
import dev.tandem.journal.JournalReader;
import org.agrona.collections.Int2ObjectHashMap;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Compares what the initiator received from the primary with what the secondary's journal holds. */
final class JournalCheck
{
    /** The initiator's session (TW to ISLD) and the acceptor's (ISLD to TW). */
    static final long INITIATOR_SESSION = SessionIds.sessionId("FIX.4.4", "TW", "ISLD");
    static final long ACCEPTOR_SESSION = SessionIds.sessionId("FIX.4.4", "ISLD", "TW");
    private static final Pattern POSITION = Pattern.compile(" position=(\\d+)");
    private static final Pattern NEXT_EXPECTED = Pattern.compile("\u0001789=(\\d+)\u0001");

    private JournalCheck()
    {
    }

    /** MsgSeqNum to message bytes of one session and direction, newest wins. */
    static Int2ObjectHashMap<byte[]> messages(final Path dir, final long sessionId, final Direction direction)
    {
        final Int2ObjectHashMap<byte[]> result = new Int2ObjectHashMap<>();
        forEach(dir, entry -> collect(entry, sessionId, direction, result));
        return result;
    }

    /**
     * Every entry of a closed journal, in position order, up to its last position: a poll may return 0 before the
     * end (it stepped over a document that is not an entry), so "until a poll reads nothing" could stop short.
     */
    static void forEach(final Path dir, final EntryHandler handler)
    {
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()).conclude());
            JournalReader reader = journal.reader(1))
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (reader.nextPosition() <= journal.lastPosition())
            {
                reader.poll(handler, 4096);
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new AssertionError("reading " + dir + " stopped at position " + reader.nextPosition() +
                        " of " + journal.lastPosition());
                }
            }
        }
    }

    /**
     * The NextExpectedMsgSeqNum (789) of the last Logon the initiator sent, from its journal: one more than the last
     * message it had received when it logged on to the secondary. (Its inbound entries are no measure of that: what
     * it journaled of the primary's last messages can come after the Logon.)
     */
    static int nextExpectedInLastLogon(final Path initiatorJournal)
    {
        final int[] nextExpected = {-1};
        forEach(initiatorJournal, entry ->
        {
            if (entry.type() == JournalEntry.TYPE_MESSAGE && entry.sessionId() == INITIATOR_SESSION &&
                entry.direction() == Direction.OUTBOUND && isLogon(entry))
            {
                final Matcher matcher = NEXT_EXPECTED.matcher(text(entry));
                if (matcher.find())
                {
                    nextExpected[0] = Integer.parseInt(matcher.group(1));
                }
            }
        });
        if (nextExpected[0] < 0)
        {
            throw new AssertionError(initiatorJournal + " holds no outbound Logon with NextExpectedMsgSeqNum (789)");
        }
        return nextExpected[0];
    }

    /**
     * The highest MsgSeqNum of a session's messages in {@code direction} at positions up to {@code lastPosition}: in
     * the secondary's journal with the position of its {@code TANDEM HOT} line, the last of the primary's outbound
     * messages it held when it took over.
     */
    static int highestSeqNumUpTo(
        final Path dir, final long sessionId, final Direction direction, final long lastPosition)
    {
        final int[] highest = new int[1];
        forEach(dir, entry ->
        {
            if (entry.position() <= lastPosition && entry.type() == JournalEntry.TYPE_MESSAGE &&
                entry.sessionId() == sessionId && entry.direction() == direction)
            {
                highest[0] = Math.max(highest[0], entry.msgSeqNum());
            }
        });
        return highest[0];
    }

    /** The journal position in a {@code TANDEM HOT} line: the last entry the node held when it took over. */
    static long activationPosition(final String hotLine)
    {
        final Matcher matcher = POSITION.matcher(hotLine);
        if (!matcher.find())
        {
            throw new AssertionError("no position= in '" + hotLine + "'");
        }
        return Long.parseLong(matcher.group(1));
    }

    private static boolean isLogon(final JournalEntry entry)
    {
        return text(entry).contains("\u000135=A\u0001");
    }

    private static String text(final JournalEntry entry)
    {
        final byte[] bytes = new byte[entry.messageLength()];
        entry.messageBuffer().getBytes(entry.messageOffset(), bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
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
