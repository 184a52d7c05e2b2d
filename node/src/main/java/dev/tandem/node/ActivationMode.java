package dev.tandem.node;

import net.openhft.chronicle.wire.Marshallable;

/**
 * Decides when a Warm secondary turns Hot by itself. Chosen in YAML by type tag: {@code !TryHeartbeat { delayMs }},
 * {@code !TryLock { file }} or {@code !Manual { }}. Whatever the mode, {@code PUT /service/activationmode/hot} on the
 * admin API (with its token) activates at once, unless a secondary's primary still accepts connections (then 409:
 * a planned switchover is required).
 * <p>
 * Threading: called from the node's control thread only.
 */
public interface ActivationMode extends Marshallable
{
    /** A {@code lastHeardMs} meaning the primary was never heard from since start-up. */
    long NEVER = Long.MIN_VALUE;

    /** The name the admin API reports, e.g. {@code TryHeartbeat}. */
    String name();

    /** Validates the settings, naming the key and the bad value. */
    void validate(String key);

    /**
     * Called on a PRIMARY at start-up, before it serves anyone: e.g. {@code TryLock} takes its lock here.
     *
     * @throws ConfigException when the primary may not start (the lock is held by another node).
     */
    default void onPrimaryStart()
    {
    }

    /**
     * Whether a Warm secondary should turn Hot now.
     *
     * @param nowMs            epoch ms now.
     * @param lastHeardMs      epoch ms when the primary's replication stream last showed life, or {@link #NEVER}.
     * @return true to activate.
     */
    boolean shouldActivate(long nowMs, long lastHeardMs);

    /**
     * Whether a Warm secondary may activate at once, without waiting for the lease it granted, when its replication
     * connection to the primary was lost and a re-dial was refused (proof that the primary's process is gone). Only
     * {@code !TryHeartbeat} says yes (its {@code activateOnRefusal}, default true).
     */
    default boolean activateOnRefusal()
    {
        return false;
    }

    /** Why the last {@link #shouldActivate} said yes, for the log. */
    String reason();

    /** Releases what the mode holds (a lock). */
    default void close()
    {
    }
}
