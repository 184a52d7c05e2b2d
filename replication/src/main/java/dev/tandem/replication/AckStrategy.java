package dev.tandem.replication;

import dev.tandem.journal.ReleaseGate;
import net.openhft.chronicle.wire.Marshallable;

/**
 * Decides when a journaled outbound message may go to the counterparty, given what the secondary has acknowledged.
 * Chosen in YAML by type tag, e.g. {@code ackStrategy: !BoundedWait { timeoutMs: 5, onTimeout: SEND_ANYWAY }}; the
 * built-in tags are {@code !NeverTimesOut}, {@code !WaitForever} and {@code !BoundedWait}, and the scalars
 * {@code NEVER_TIMES_OUT} and {@code WAIT_FOREVER_FOR_REPLICA_ACK} are accepted as aliases. A user's own strategy is
 * a class implementing this interface with a public no-argument constructor, named by its fully qualified class
 * name as the tag: {@code !com.acme.MyStrategy { ... }}.
 * <p>
 * Threading: a strategy is configuration, built and validated on a start-up thread. The gates it makes are called
 * from the session agent's thread only (see {@link ReleaseGate}), must not block and should not allocate.
 */
public interface AckStrategy extends Marshallable
{
    /**
     * A new gate that decides from {@code progress}. Called once per source (or per test); the gate may keep
     * state because only one thread checks it.
     */
    ReleaseGate newGate(AckProgress progress);

    /**
     * Whether this strategy's gates may ever release a position before the secondary acknowledged it. A source whose
     * strategy never does announces a loss bound of 0 to its secondary. The default, true, is the safe answer for
     * a strategy that does not say.
     */
    default boolean mayReleaseUnacknowledged()
    {
        return true;
    }

    /**
     * Checks this strategy's settings, failing with an {@link IllegalArgumentException} that names the key, the
     * value and what would be valid. Called by the source context's {@code conclude()}.
     */
    default void validate()
    {
    }
}
