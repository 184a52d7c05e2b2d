package dev.tandem.node;

import net.openhft.chronicle.wire.SelfDescribingMarshallable;

/**
 * {@code !Manual { }}: the secondary turns Hot only when an operator (or an external cluster manager) calls
 * {@code PUT /service/activationmode/hot}. Never splits the brain by itself; fails over only as fast as a human or
 * a watchdog notices.
 * <p>
 * Threading: the node's control thread only.
 */
public final class Manual extends SelfDescribingMarshallable implements ActivationMode
{
    @Override
    public String name()
    {
        return "Manual";
    }

    @Override
    public void validate(final String key)
    {
    }

    @Override
    public boolean shouldActivate(final long nowMs, final long lastHeardMs)
    {
        return false;
    }

    @Override
    public String reason()
    {
        return "";
    }
}
