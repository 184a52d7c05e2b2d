package dev.tandem.node;

import net.openhft.chronicle.wire.SelfDescribingMarshallable;

/**
 * {@code !TryHeartbeat { delayMs: 500 }}: turn Hot when the replication connection to the primary is down and the
 * primary (data or heartbeat) has been silent for longer than {@code delayMs}. A dead primary's connection resets at
 * once, so failover takes about {@code delayMs}; a hung primary's connection is closed by the replication heartbeat
 * timeout first (1 s by default), so a pause on a loaded host does not split the brain. Fast and needs nothing
 * shared, but a network partition between the nodes alone makes both Hot; the epoch then fences the old primary as
 * soon as the two can talk again. A secondary that has never heard from the primary since it started does not
 * activate by itself (its journal may be far behind).
 * <p>
 * Threading: the node's control thread only.
 */
public final class TryHeartbeat extends SelfDescribingMarshallable implements ActivationMode
{
    /** Several replication heartbeats: one late packet on a loaded host must not trigger a failover. */
    public static final long DEFAULT_DELAY_MS = 1_000;

    private long delayMs = DEFAULT_DELAY_MS;
    private transient String reason = "";

    public TryHeartbeat()
    {
    }

    public TryHeartbeat(final long delayMs)
    {
        this.delayMs = delayMs;
    }

    /** How long the primary must have been silent before this node turns Hot, in ms. */
    public long delayMs()
    {
        return delayMs;
    }

    /** Sets {@link #delayMs()}; YAML key {@code delayMs}. */
    public TryHeartbeat delayMs(final long delayMs)
    {
        this.delayMs = delayMs;
        return this;
    }

    @Override
    public String name()
    {
        return "TryHeartbeat";
    }

    @Override
    public void validate(final String key)
    {
        if (delayMs < 1 || delayMs > 3_600_000)
        {
            throw new ConfigException(key + ".delayMs: " + delayMs + " is out of range, expected 1..3600000");
        }
    }

    @Override
    public boolean shouldActivate(final long nowMs, final long lastHeardMs)
    {
        if (lastHeardMs == NEVER)
        {
            return false;
        }
        final long silentMs = nowMs - lastHeardMs;
        if (silentMs > delayMs)
        {
            reason = "primary silent for " + silentMs + " ms > delayMs " + delayMs;
            return true;
        }
        return false;
    }

    @Override
    public String reason()
    {
        return reason;
    }
}
