package dev.tandem.failover;

import net.openhft.chronicle.core.pool.ClassAliasPool;
import net.openhft.chronicle.network.AlwaysStartOnPrimaryConnectionStrategy;
import net.openhft.chronicle.network.connection.FatalFailureConnectionStrategy;
import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.WireType;

/**
 * Registers the YAML type tags of connection strategies and reads one from YAML:
 * {@code !Failover} ({@link FailoverConnectionStrategy}), {@code !Chronicle} ({@link ChronicleConnectionStrategy}),
 * and, inside {@code !Chronicle}, Chronicle Network's {@code !AlwaysStartOnPrimary} and {@code !FatalFailure}.
 * A user's own strategy is named by its class name: {@code !com.example.MyStrategy { }}. The tags are registered
 * when this class loads, that is before the first strategy is read through it.
 * <p>
 * Threading: thread safe (static, stateless).
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
        return checked(value, "'" + yaml.trim() + "'");
    }

    /**
     * Reads one strategy from a YAML value, e.g. the {@code connectionStrategy} entry of a
     * {@link FailoverInitiatorConfig}; the tags are registered before the value is read.
     *
     * @throws IllegalArgumentException if the value is not a connection strategy.
     */
    static ConnectionStrategy read(final ValueIn in)
    {
        return checked(in.object(), "the YAML");
    }

    private static ConnectionStrategy checked(final Object value, final String source)
    {
        if (!(value instanceof ConnectionStrategy))
        {
            throw new IllegalArgumentException("connectionStrategy: expected a type tag such as !Failover { } or " +
                "!Chronicle { strategy: !AlwaysStartOnPrimary { } }, got " +
                (value == null ? "nothing" : value.getClass().getName() + " (" + value + ")") + " from " + source);
        }
        return (ConnectionStrategy)value;
    }
}
