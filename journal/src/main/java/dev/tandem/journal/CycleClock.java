package dev.tandem.journal;

import net.openhft.chronicle.core.time.TimeProvider;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The clock that decides the journal's roll cycle: the wall clock, but never earlier than the newest time it has
 * returned nor than the start of the newest cycle file on disk.
 * <p>
 * Why: Chronicle picks the cycle of an append from the clock. Positions are contiguous within a cycle and readers go
 * cycle by cycle in cycle order, so entries must never be written to an older cycle than one already written: with
 * a wall clock stepped back across a cycle boundary (midnight UTC for the daily default) Chronicle would append to
 * an older cycle file, after the newer one, and the journal would read positions out of order on reopen. A clock
 * stepped forward only starts a newer cycle early, which stays correct. The floor survives a reopen through the files
 * themselves: {@link #atLeast(long)} with the start of the newest cycle at open.
 * <p>
 * Threading: any thread (the owner's appender and every reader's tailer ask Chronicle for the current cycle).
 */
final class CycleClock implements TimeProvider
{
    private final TimeProvider wall;
    private final AtomicLong floorMs = new AtomicLong(Long.MIN_VALUE);

    CycleClock(final TimeProvider wall)
    {
        this.wall = wall;
    }

    /** Never return a time before {@code timeMs} from now on. */
    void atLeast(final long timeMs)
    {
        floorMs.accumulateAndGet(timeMs, Math::max);
    }

    /** The newest of the wall clock and every time returned before, in ms since the epoch. */
    @Override
    public long currentTimeMillis()
    {
        final long nowMs = wall.currentTimeMillis();
        final long floor = floorMs.get();
        if (nowMs >= floor)
        {
            if (nowMs > floor)
            {
                floorMs.accumulateAndGet(nowMs, Math::max);
            }
            return nowMs;
        }
        return floor;
    }

    @Override
    public long currentTimeMicros()
    {
        return currentTimeMillis() * 1_000L;
    }

    @Override
    public long currentTimeNanos()
    {
        return currentTimeMillis() * 1_000_000L;
    }
}
