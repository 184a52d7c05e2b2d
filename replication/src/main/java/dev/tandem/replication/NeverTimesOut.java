package dev.tandem.replication;

import dev.tandem.journal.ReleaseGate;

/**
 * Releases every message at once; replication runs behind, asynchronously.
 * <p>
 * Trade-off: the lowest latency, but a message the counterparty has seen may be missing on the secondary if the
 * primary dies before it replicated (the window is the replication lag). YAML: {@code !NeverTimesOut {}} or the
 * alias {@code NEVER_TIMES_OUT}. Immutable; thread safe.
 */
public final class NeverTimesOut extends StatelessAckStrategy
{
    @Override
    public ReleaseGate newGate(final AckProgress progress)
    {
        return ReleaseGate.OPEN;
    }
}
