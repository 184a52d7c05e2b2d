package dev.tandem.fix;

import org.agrona.concurrent.NanoClock;

/** System nano time plus an offset a test can jump forward, so timers fire without sleeping. */
final class JumpNanoClock implements NanoClock
{
    private volatile long offsetNs;

    void advanceMs(final long ms)
    {
        offsetNs += ms * 1_000_000L;
    }

    @Override
    public long nanoTime()
    {
        return System.nanoTime() + offsetNs;
    }
}
