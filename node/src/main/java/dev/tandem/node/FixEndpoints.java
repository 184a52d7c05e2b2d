package dev.tandem.node;

import dev.tandem.journal.Journal;
import dev.tandem.journal.ReleaseGate;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

/** Starts the node's FIX acceptor on the fix-session module. */
final class FixEndpoints
{
    private FixEndpoints()
    {
    }

    static FixEndpoint start(
        final NodeConfig config,
        final Journal journal,
        final ReleaseGate gate,
        final String host,
        final int port,
        final EpochClock epochClock,
        final NanoClock nanoClock)
    {
        throw new UnsupportedOperationException("the fix-session acceptor has not landed on this branch yet");
    }
}
