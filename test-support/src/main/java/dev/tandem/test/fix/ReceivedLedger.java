package dev.tandem.test.fix;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which of {@code expected} numbered application messages a receiver got, and how: each id counted once per receipt,
 * split by whether PossDupFlag was set. "No message lost" is {@link #missing()} empty; "none duplicated without
 * PossDupFlag" is {@link #duplicatesWithoutPossDup()} zero.
 * Thread safe.
 */
public final class ReceivedLedger
{
    private final int expected;
    private final AtomicIntegerArray fresh;
    private final AtomicIntegerArray possDup;
    private final AtomicLong distinct = new AtomicLong();
    private final AtomicLong outOfRange = new AtomicLong();

    /** @param expected the ids run from 0 to {@code expected - 1}. */
    public ReceivedLedger(final int expected)
    {
        this.expected = expected;
        this.fresh = new AtomicIntegerArray(expected);
        this.possDup = new AtomicIntegerArray(expected);
    }

    /**
     * Records a receipt.
     *
     * @param id           the message's id.
     * @param withPossDup  whether it carried PossDupFlag=Y.
     */
    public void record(final int id, final boolean withPossDup)
    {
        if (id < 0 || id >= expected)
        {
            outOfRange.incrementAndGet();
            return;
        }
        final int before = fresh.get(id) + possDup.get(id);
        if (withPossDup)
        {
            possDup.incrementAndGet(id);
        }
        else
        {
            fresh.incrementAndGet(id);
        }
        if (before == 0)
        {
            distinct.incrementAndGet();
        }
    }

    /** @return how many different ids arrived. */
    public long distinct()
    {
        return distinct.get();
    }

    /** @return true once every id arrived at least once. */
    public boolean complete()
    {
        return distinct.get() >= expected;
    }

    /** @return the ids not yet received (at most the first 20, for messages). */
    public List<Integer> missing()
    {
        final List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < expected && missing.size() < 20; i++)
        {
            if (fresh.get(i) + possDup.get(i) == 0)
            {
                missing.add(i);
            }
        }
        return missing;
    }

    /** @return receipts beyond the first of an id that lacked PossDupFlag. */
    public long duplicatesWithoutPossDup()
    {
        long count = 0;
        for (int i = 0; i < expected; i++)
        {
            // a PossDup copy may follow or precede one fresh receipt; a second fresh receipt is a duplicate
            count += Math.max(0, fresh.get(i) - 1);
        }
        return count;
    }

    /** @return receipts with PossDupFlag=Y. */
    public long possDupReceipts()
    {
        long count = 0;
        for (int i = 0; i < expected; i++)
        {
            count += possDup.get(i);
        }
        return count;
    }

    /** @return receipts whose id was outside {@code [0, expected)}. */
    public long outOfRange()
    {
        return outOfRange.get();
    }

    @Override
    public String toString()
    {
        return "ReceivedLedger{distinct=" + distinct + "/" + expected + ", missing(first 20)=" + missing() +
            ", duplicatesWithoutPossDup=" + duplicatesWithoutPossDup() + ", possDupReceipts=" + possDupReceipts() +
            ", outOfRange=" + outOfRange + '}';
    }
}
