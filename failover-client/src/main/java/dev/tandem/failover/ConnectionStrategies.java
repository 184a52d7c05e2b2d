package dev.tandem.failover;

import net.openhft.chronicle.core.pool.ClassAliasPool;
import net.openhft.chronicle.network.AlwaysStartOnPrimaryConnectionStrategy;
import net.openhft.chronicle.network.connection.FatalFailureConnectionStrategy;
import net.openhft.chronicle.wire.WireType;

/**
 * Registers the YAML type tags of connection strategies and reads one from YAML:
 * {@code !Failover} ({@link FailoverConnectionStrategy}), {@code !Chronicle} ({@link ChronicleConnectionStrategy}),
 * and, inside {@code !Chronicle}, Chronicle Network's {@code !AlwaysStartOnPrimary} and {@code !FatalFailure}.
 * A user's own strategy is named by its class name: {@code !com.example.MyStrategy { }}.
 * <p>
 * Threading: {@link #registerAliases()} is idempotent and thread safe.
 */
public final class ConnectionStrategies
{
    static
    {
        ClassAliasPool.CLASS_ALIASES.addAlias(FailoverConnectionStrategy.class, "Failover");
        ClassAliasPool.CLASS_ALIASES.addAlias(ChronicleConnectionStrategy.class, "Chronicle");
        ClassAliasPool.CLASS_ALIASES.addAlias(AlwaysStartOnPrimaryConnectionStrategy.class, "AlwaysStartOnPrimary");
        ClassAliasPool.CLASS_ALIASES.addAlias(FatalFailureConnectionStrategy.class, "FatalFailure");
    }

    private ConnectionStrategies()
    {
    }

    /** Makes the tags known to Chronicle Wire; call before reading YAML that uses them. */
    public static void registerAliases()
    {
        // the static initialiser did the work
    }

    /**
     * Reads one strategy from YAML text such as {@code !Failover { attemptsPerAddress: 3 }}.
     *
     * @throws IllegalArgumentException if the text is not a connection strategy.
     */
    public static ConnectionStrategy fromYaml(final String yaml)
    {
        final Object value;
        try
        {
            value = WireType.YAML_ONLY.fromString(yaml);
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException("connectionStrategy: cannot read '" + yaml.trim() + "': " + ex, ex);
        }
        if (!(value instanceof ConnectionStrategy))
        {
            throw new IllegalArgumentException("connectionStrategy: expected a type tag such as !Failover { } or " +
                "!Chronicle { strategy: !AlwaysStartOnPrimary { } }, got " +
                (value == null ? "nothing" : value.getClass().getName()) + " from '" + yaml.trim() + "'");
        }
        return (ConnectionStrategy)value;
    }
}
