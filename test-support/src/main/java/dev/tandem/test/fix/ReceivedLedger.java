package dev.tandem.test.fix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which numbered application messages a receiver got, and how: each id counted once per receipt, split by whether it
 * was marked as a possible repeat (PossDupFlag, or PossResend where the receiver counts it). "No message lost" is
 * {@link #missing()} empty; "none duplicated without the mark" is {@link #duplicatesWithoutPossDup()} zero.
 * <p>
 * A ledger expects ids {@code 0..expected-1} ({@link #ReceivedLedger(int)}), or any id {@code >= 0} when the count is
 * not known in advance ({@link #unbounded()}, e.g. orders sent at a rate until told to stop).
 * <p>
 * Thread safe (synchronized: for tests, not hot paths).
 */
public final class ReceivedLedger
{
    private static final int UNBOUNDED = -1;

    private final int expected;
    private int[] fresh;
    private int[] possDup;
    private long distinct;
    private long outOfRange;
    private long possDupRepeats;

    /** @param expected the ids run from 0 to {@code expected - 1}. */
    public ReceivedLedger(final int expected)
    {
        this.expected = expected;
        this.fresh = new int[expected];
        this.possDup = new int[expected];
    }

    /** A ledger for any id {@code >= 0}, growing as ids arrive. */
    public static ReceivedLedger unbounded()
    {
        return new ReceivedLedger(UNBOUNDED, 1024);
    }

    private ReceivedLedger(final int expected, final int capacity)
    {
        this.expected = expected;
        this.fresh = new int[capacity];
        this.possDup = new int[capacity];
    }

    /**
     * Records a receipt.
     *
     * @param id           the message's id.
     * @param withPossDup  whether it was marked as a possible repeat.
     */
    public synchronized void record(final int id, final boolean withPossDup)
    {
        if (id < 0 || expected != UNBOUNDED && id >= expected)
        {
            outOfRange++;
            return;
        }
        if (id >= fresh.length)
        {
            final int capacity = Math.max(id + 1, fresh.length * 2);
            fresh = Arrays.copyOf(fresh, capacity);
            possDup = Arrays.copyOf(possDup, capacity);
        }
        final int before = fresh[id] + possDup[id];
        if (withPossDup)
        {
            possDup[id]++;
            if (before > 0)
            {
                possDupRepeats++;
            }
        }
        else
        {
            fresh[id]++;
        }
        if (before == 0)
        {
            distinct++;
        }
    }

    /** @return how many different ids arrived. */
    public synchronized long distinct()
    {
        return distinct;
    }

    /** @return true once every expected id arrived at least once (never, for an unbounded ledger). */
    public synchronized boolean complete()
    {
        return expected != UNBOUNDED && distinct >= expected;
    }

    /** @return the expected ids not yet received (at most the first 20, for messages); none for an unbounded one. */
    public List<Integer> missing()
    {
        return expected == UNBOUNDED ? List.of() : unreceived(0, expected - 1, 20);
    }

    /** @return the ids in {@code [from, to]} not received, at most {@code max} of them, lowest first. */
    public synchronized List<Integer> unreceived(final int from, final int to, final int max)
    {
        final List<Integer> ids = new ArrayList<>();
        for (int id = Math.max(0, from); id <= to && ids.size() < max; id++)
        {
            if (id >= fresh.length || fresh[id] + possDup[id] == 0)
            {
                ids.add(id);
            }
        }
        return ids;
    }

    /** @return whether {@code id} arrived at least once. */
    public synchronized boolean received(final int id)
    {
        return id >= 0 && id < fresh.length && fresh[id] + possDup[id] > 0;
    }

    /** @return whether {@code id} arrived only marked as a possible repeat (never without the mark). */
    public synchronized boolean receivedOnlyMarked(final int id)
    {
        return received(id) && fresh[id] == 0;
    }

    /** @return receipts beyond the first of an id that lacked the mark. */
    public synchronized long duplicatesWithoutPossDup()
    {
        long count = 0;
        for (final int receipts : fresh)
        {
            // a marked copy may follow or precede one fresh receipt; a second fresh receipt is a duplicate
            count += Math.max(0, receipts - 1);
        }
        return count;
    }

    /** @return receipts marked as possible repeats. */
    public synchronized long possDupReceipts()
    {
        long count = 0;
        for (final int receipts : possDup)
        {
            count += receipts;
        }
        return count;
    }

    /** @return marked receipts of an id that had arrived before: repeats the receiver can recognise. */
    public synchronized long possDupRepeats()
    {
        return possDupRepeats;
    }

    /** @return receipts whose id was outside the expected range. */
    public synchronized long outOfRange()
    {
        return outOfRange;
    }

    @Override
    public String toString()
    {
        return "ReceivedLedger{distinct=" + distinct() + "/" + (expected == UNBOUNDED ? "unbounded" : expected) +
            ", missing(first 20)=" + missing() + ", duplicatesWithoutPossDup=" + duplicatesWithoutPossDup() +
            ", possDupReceipts=" + possDupReceipts() + ", outOfRange=" + outOfRange() + '}';
    }
}
