package dev.tandem.replication;

/**
 * Counts acknowledgements over the standby and the disaster-recovery sinks for {@code acks} above 1 (see
 * {@link ReplicationSourceContext#acks(String)}): the position the release gates wait for becomes the highest one that
 * {@code acks} sinks have acknowledged, the standby always among them.
 * <p>
 * Each sink's acknowledged position is the last one it acknowledged, attached or not: a detached sink counts as
 * having acknowledged nothing new. The standby is always one of the {@code acks} sinks, because only the standby may
 * activate: the counted position is the lower of the standby's acknowledged position and the
 * {@code (acks - 1)}-th highest acknowledged position among the DR sinks. While the standby is attached a DR link is
 * only sent what the standby acknowledged, so the DR acks trail the standby's and this is simply the
 * {@code acks}-th highest of all; while it is away a DR link is sent everything and may run ahead, and is then not
 * counted beyond the standby. Every input only grows, so the counted position never goes down.
 * <p>
 * The DR acks arrive one round trip after the standby's (a DR link is sent a position once the standby has
 * acknowledged it), so every {@code acks} above 1 adds that round trip, in series, to a release that waits for its
 * acknowledgement.
 * <p>
 * Not thread safe: {@link #update()} on the source's agent thread only, which also writes every input. Allocation-free:
 * the one scratch array is allocated at construction.
 */
final class AckCounter
{
    private final SourceCounters standby;
    private final DrLink[] drLinks;
    private final int acksRequired;
    private final long[] drAcked;

    /**
     * @param standby      the standby's counters, where the counted position is published.
     * @param drLinks      the disaster-recovery links, at least {@code acksRequired - 1} of them.
     * @param acksRequired how many sinks must hold a position, the standby among them: 2 or more.
     */
    AckCounter(final SourceCounters standby, final DrLink[] drLinks, final int acksRequired)
    {
        if (acksRequired < 2 || acksRequired > drLinks.length + 1)
        {
            throw new IllegalArgumentException("acks: " + acksRequired + " is out of range; use 2 to " +
                (drLinks.length + 1) + " to count DR sinks");
        }
        this.standby = standby;
        this.drLinks = drLinks;
        this.acksRequired = acksRequired;
        this.drAcked = new long[drLinks.length];
    }

    /**
     * Recounts from the sinks' current acknowledged positions and publishes the result to the standby's counters.
     *
     * @return true if the counted position moved forward (the gates' agent should be woken).
     */
    boolean update()
    {
        int drAttached = 0;
        for (int i = 0; i < drLinks.length; i++)
        {
            final DrLink dr = drLinks[i];
            drAcked[i] = dr.ackedPosition();
            if (dr.attached())
            {
                drAttached++;
            }
        }
        final boolean standbyAttached = standby.sinkAttached();
        final long counted = Math.min(standby.ackedPosition(), nthHighest(drAcked, acksRequired - 1));
        return standby.onCounted(counted, standbyAttached && 1 + drAttached >= acksRequired);
    }

    /**
     * The {@code n}-th highest of {@code values} (1 = the highest), counting equal values apiece, so that at least
     * {@code n} values are at or above it; {@code values} is reordered. For the few DR sinks there are (at most 8) an
     * insertion sort is the cheapest choice.
     */
    static long nthHighest(final long[] values, final int n)
    {
        if (n < 1 || n > values.length)
        {
            throw new IllegalArgumentException("n: " + n + " is out of range; use 1 to " + values.length);
        }
        for (int i = 1; i < values.length; i++)
        {
            final long value = values[i];
            int j = i - 1;
            while (j >= 0 && values[j] < value)
            {
                values[j + 1] = values[j];
                j--;
            }
            values[j + 1] = value;
        }
        return values[n - 1];
    }
}
