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
 * {@code activateOnRefusal: true} (default): when the replication connection resets and the re-dial is refused, the
 * primary's process is gone (its host says nothing listens on the port), and this node activates at once, without
 * waiting for {@code delayMs} or the lease it granted: failover in tens of milliseconds. A refusal is the only proof
 * that counts; a connection that merely drops (a network blip) or a primary that hangs (its host still accepts) still
 * waits for {@code delayMs}. Turn it off when the secondary reaches the primary through something that may refuse on
 * its own (a proxy, a NAT, a firewall rejecting with a TCP reset).
 * <p>
 * Threading: the node's control thread only.
 */
public final class TryHeartbeat extends SelfDescribingMarshallable implements ActivationMode
{
    /** Several replication heartbeats: one late packet on a loaded host must not trigger a failover. */
    public static final long DEFAULT_DELAY_MS = 1_000;

    private long delayMs = DEFAULT_DELAY_MS;
    /**
     * On by default: a refused re-dial is the kernel saying nothing listens any more, which a live primary never
     * causes; off where something between the nodes (a proxy, a firewall rejecting with a reset) could refuse instead.
     */
    private boolean activateOnRefusal = true;
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

    /** Sets {@link #activateOnRefusal()}. */
    public TryHeartbeat activateOnRefusal(final boolean activateOnRefusal)
    {
        this.activateOnRefusal = activateOnRefusal;
        return this;
    }

    /**
     * True (default): when the replication connection is lost and a re-dial is refused, the primary's process is
     * gone, and this node activates at once: without waiting for {@code delayMs} or for the lease it granted.
     */
    @Override
    public boolean activateOnRefusal()
    {
        return activateOnRefusal;
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
