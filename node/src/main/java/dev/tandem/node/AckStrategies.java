package dev.tandem.node;

/**
 * Bridges the {@code ackStrategy} key to the replication module's strategies.
 */
final class AckStrategies
{
    static final String EXAMPLES = "!WaitForever { }, !NeverTimesOut { }, " +
        "!BoundedWait { timeoutMs: 5, onTimeout: SEND_ANYWAY } or a class implementing " +
        "dev.tandem.replication.AckStrategy";

    private AckStrategies()
    {
    }

    static void validate(final Object strategy)
    {
        if (strategy != null && !(strategy instanceof net.openhft.chronicle.wire.Marshallable))
        {
            throw new ConfigException("replication.ackStrategy: " + strategy + " is not an ack strategy; expected " +
                EXAMPLES);
        }
    }
}
